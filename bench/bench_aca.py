"""One pseudonym certificate issued at the ACA, end to end, against the OpenSSL primitives it needs.

Per certificate (1609.2.1 §9.3, notes §6): randomise the cocoon key (ECQV begin, or + c·G for explicit), build and
ECQV-issue (or sign) the certificate, wrap it in `ScmsPdu{aca-ee: AcaEeCertResponse}`, encrypt that to the response
encryption key (`rekRecipInfo`), and sign the encrypted data (as unsecuredData, psid 35, signer = the ACA
certificate; `scms.protocol`'s `sign_pdu`): the `AcaEeCertResponsePrivateSpdu` (encrypted-then-signed).
The same run times the OpenSSL primitives this needs and prints the ratio (wall time, and process CPU time, which
other processes on the cores disturb less). Goal (issue 2): per-certificate cost ≤ 2.5x the sum of its primitives
(~2,500 certificates/s/core), for a certificate issued the way the ACA issues it: in a piece.

The rows (unified butterfly, one cocoon key B per certificate):
- "implicit/explicit certificate, one alone": the work above for one certificate, its random draw made alone
  (`issue_implicit` begins the ECQV itself; `explicit_randomize_many` of one key).
- "... in a piece of 64": the ACA's worker answers 64 requests at a time (`[aca] chunk`): the random draws of the
  piece are made together (`ecqv_begin_many` / `explicit_randomize_many` of 64 cocoon keys: 64 k and k·G from
  OpenSSL, the 64 additions with one modular inversion; `ecies_ephemerals`: 64 v, V and ECDH x(v·B) one after
  another), then each certificate as above with its draws, the ACA's scalar d_CA read out of OpenSSL once for the
  piece (`ecqv_issuing`); the row is the piece's time / 64. This is the row the goal is about.
- "issue_pseudonym, ...": the product's whole answer to one verified `RaAcaCertRequestSpdu` (`issue_pseudonym`;
  in a piece after `randomize_piece`, as `scms.services.aca.worker` does): the work above plus decrypting the two
  pre-linkage values (AES-CCM), the linkage value, and the signed `AcaRaCertResponseSpdu` to the RA (one more
  ECDSA signature and its hashes): no ratio, these primitives are not in the list.

The ECIES primitive is v·G and the ECDH on that same fresh key v, as the work pays it: OpenSSL exports a new key
to its provider on its first use (~9 µs), which an ECDH repeated with one long-lived key would leave out. Likewise
the AES-CCM primitive sets up a fresh data key, as each message does (~0.4 µs more than a reused AESCCM object). The
issuer's (= signer's) certificate hash is computed once per ACA certificate, so it is not among the hashes.

Where an implicit certificate's time goes beyond the listed primitives (measured alone, November 2026; in the whole
flow each costs more, the C calls too: perf puts ~56% of the flow's CPU time in the Python interpreter and ~34% in
OpenSSL's EC code): conversions the primitive list leaves out, ~40 µs for one certificate alone (k and k·G out of
OpenSSL in one call and d_CA for r = e·k + d_CA, ~6 µs each; the point addition P_U = B + k·G in Python, ~20 µs,
18 of them the modular inverse, ~4 µs in a piece that shares one inverse; the ephemeral public key V as a point,
~7 µs); the nine COER encodings, ~25-35 µs with the generated encoders; lint, ~9.5 µs (the profile rules
remembered per issuer and profile); the rest is object glue spread over ~100 small steps (a glue-free throwaway of
the same work for one certificate alone, not the product, cost ~335 µs where the flow cost ~400).

In a piece (CPU time, November 2026, quiet 2-core machine): ~410 µs one alone (3.0x) -> 325-342 µs (2.40-2.50x in
four runs, with d_CA read once per piece): the shared inverse and OpenSSL's EC calls of the piece made one after
another (k·G, and the ECIES v·G + ECDH, `ecies_ephemerals`), which then cost ~20 µs less each than interleaved
with the Python work of each message. Python code in the flow runs 1.5-3x slower than alone (lint ~9.5 µs alone,
~29 µs in the flow). Reading d_CA out of OpenSSL for r = e·k + d_CA cost ~12 µs per certificate in the flow
(`cryptography` has no cheaper way); since `ecqv_issuing` it is read once per piece (fewer copies of the scalar in
freed memory, too: `scms.crypto._scalar`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from bench import bench_issue
from bench._timing import per_op_micros
from scms import asn1
from scms.crypto import (
    ButterflyVariant,
    Curve,
    EciesEphemeral,
    EcqvIssuance,
    ExplicitRandomization,
    KeyPurpose,
    Point,
    SoftwareKey,
    cocoon_public_key,
    ecies_ephemerals,
    ecqv_begin_many,
    ecqv_issuing,
    explicit_randomize_many,
    response_encryption_public_key,
)
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import (
    CertificateId,
    CertificateType,
    LinkageData,
    PublicEncryptionKey,
    ValidityPeriod,
)
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp
from scms.dot2.spdu import RekRecipient, encrypt, unsecured
from scms.dot2.time import IPeriods, IValue, Time32
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.aca_issue import AcaIssuer, issue_pseudonym, randomize_piece
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.la import LinkageChain, encrypted_pre_linkage_values
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import LinkageInfo, VerifiedRaAcaRequest, sign_ra_aca_request, verify_ra_aca_request

NOW = Time32(700_000_000)
IPERIODS = IPeriods()


@dataclass
class _Aca:
    key: SoftwareKey
    cert: Certificate


def _make_aca() -> _Aca:
    root_key = SoftwareKey.generate(Curve.P256)
    root_tbs = CertificateTemplate(
        id=CertificateId.named("bench-root"),
        validity=ValidityPeriod(Time32(NOW - 86400), "years", 30),
        app_permissions=(PsidSsp(35, None),),
        cert_issue_permissions=(PsidGroupPermissions(None, min_chain_length=1, chain_length_range=-1),),
        verification_key=root_key.public_point,
    )
    root = sign_explicit(lint_certificate(root_tbs, None), None, root_key)
    aca_key = SoftwareKey.generate(Curve.P256)
    aca_tbs = CertificateTemplate(
        id=CertificateId.named("bench-aca"),
        validity=ValidityPeriod(Time32(NOW - 3600), "years", 3),
        app_permissions=(PsidSsp(35, None),),
        cert_issue_permissions=(PsidGroupPermissions(None, min_chain_length=1, chain_length_range=0),),
        verification_key=aca_key.public_point,
    )
    return _Aca(aca_key, sign_explicit(lint_certificate(aca_tbs, root), root, root_key))


def _pseudonym_template(i: int, verification_key: object = None) -> CertificateTemplate:
    return CertificateTemplate(
        id=CertificateId.linkage_data(LinkageData(IValue(i), os.urandom(9))),
        validity=ValidityPeriod(IPERIODS.start(i), "hours", 169),
        craca_id=b"\x01\x02\x03",
        crl_series=1,
        app_permissions=(PsidSsp(32, None), PsidSsp(38, None)),
        verification_key=verification_key,  # type: ignore[arg-type]
    )


PIECE = 64
"""Requests the ACA's worker answers at a time (`[aca] chunk`): their random draws are made together."""


def _issue(
    aca: _Aca,
    cocoon: Point,
    i: int,
    j: int,
    explicit: bool,
    drawn: EcqvIssuance | ExplicitRandomization | None = None,
    response_drawn: EciesEphemeral | None = None,
) -> bytes:
    """Everything the ACA does for one certificate, given the cocoon signing key B from the RA (and, in a piece,
    its random draws made with the others': the certificate key's and the response encryption's)."""
    if explicit:
        if not isinstance(drawn, ExplicitRandomization):
            drawn = explicit_randomize_many([cocoon])[0]
        cert = sign_explicit(lint_certificate(_pseudonym_template(i, drawn.certificate_key), aca.cert), aca.cert,
                             aca.key)
        private_key_info = drawn.c
    else:
        issuance = drawn if isinstance(drawn, EcqvIssuance) else None
        issued = issue_implicit(lint_certificate(_pseudonym_template(i), aca.cert), cocoon, aca.cert, aca.key,
                                issuance=issuance)
        cert, private_key_info = issued.certificate, issued.reconstruction_value_r
    response = asn1.encode(
        "ScmsPdu",
        {
            "version": 2,
            "content": (
                "aca-ee",
                (
                    "acaEeCertResponse",
                    {
                        "version": 2,
                        "generationTime": int(NOW),
                        "certificate": asn1.Encoded("Certificate", cert.data),
                        "privateKeyInfo": private_key_info,
                    },
                ),
            ),
        },
    )
    reply_key = response_encryption_public_key(ButterflyVariant.UNIFIED, cocoon, i, j)
    inner = asn1.Encoded("Ieee1609Dot2Data", unsecured(response))
    encrypted = encrypt(inner, [RekRecipient(PublicEncryptionKey(reply_key), response_drawn)])
    return sign_pdu(encrypted, aca.key, aca.cert, NOW)


def _issue_piece(aca: _Aca, cocoons: list[Point], i: int, explicit: bool) -> list[bytes]:
    """A piece of certificates as the ACA's worker issues them: the random draws together, then each certificate."""
    draws = explicit_randomize_many(cocoons) if explicit else ecqv_begin_many(cocoons)
    # Unified butterfly: each response is encrypted to the cocoon key B itself.
    responses = ecies_ephemerals([response_encryption_public_key(ButterflyVariant.UNIFIED, b, i, j)
                                  for j, b in enumerate(cocoons)])
    pieces = enumerate(zip(cocoons, draws, responses, strict=True))
    with ecqv_issuing(aca.key):  # the ACA's scalar read once for the piece, as the worker does
        return [_issue(aca, b, i, j, explicit, drawn, response) for j, (b, drawn, response) in pieces]


def _verified_requests() -> tuple[AcaIssuer, list[VerifiedRaAcaRequest]]:
    """A piece of verified unified implicit requests of different devices, and the ACA that answers them."""
    root, (ra, ra_key), aca = bench_issue._hierarchy()
    i = bench_issue.I_CERT
    chains = LinkageChain.new(bench_issue.LA1, i), LinkageChain.new(bench_issue.LA2, i)
    plvs = [encrypted_pre_linkage_values(chain, i, 1, 20, aca.plv_keys[chain.la_id]) for chain in chains]
    template = CertificateTemplate(  # as the RA asks: cracaId, crlSeries and the linkage value are the ACA's
        id=CertificateId.linkage_data(LinkageData(IValue(i), bytes(9))),
        validity=ValidityPeriod(bench_issue.IPERIODS.start(i), "hours", 169),
        app_permissions=(PsidSsp(32, None), PsidSsp(38, None)),
    )
    requests = []
    for n in range(PIECE):
        linkage = LinkageInfo(plvs[0].plv(i, n % 20), plvs[1].plv(i, n % 20))
        request = butterfly_request(ButterflyKeys.generate(ButterflyVariant.UNIFIED).params(), i, n % 20, template,
                                    linkage, CertificateType.IMPLICIT, bench_issue.NOW)
        requests.append(verify_ra_aca_request(sign_ra_aca_request(request, ra_key, ra), bench_issue.NOW,
                                              check_ra=lambda cert, now: verify_chain(cert, [], [root], now)))
    return aca, requests


def _openssl_primitives() -> dict[str, Callable[[], object]]:
    """The OpenSSL operations one implicit certificate needs, called directly through `cryptography`."""
    curve = ec.SECP256R1()
    signer = ec.generate_private_key(curve)
    peer = ec.generate_private_key(curve).public_key()
    digest = hashlib.sha256(b"x").digest()
    data_key = os.urandom(16)
    nonce, plaintext = os.urandom(12), os.urandom(220)
    mac_key = os.urandom(32)

    def ecies_ephemeral() -> object:
        # ECDH on the fresh key it needs, as OpenSSL pays it: the first use of a new key exports it to OpenSSL's
        # provider (~9 µs), which an exchange repeated with one key measures only once.
        ephemeral = ec.generate_private_key(curve)
        return ephemeral.exchange(ec.ECDH(), peer), ephemeral.public_key()

    return {
        "k·G, ECQV randomiser k (generate key)": lambda: ec.generate_private_key(curve).public_key(),
        "v·G, ECDH x(v·R) on that fresh key (ECIES)": ecies_ephemeral,
        "ECDSA P-256 sign, response signature": lambda: signer.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))),
        # A fresh data key per message: OpenSSL sets up each new key (~0.4 µs more than a reused AESCCM object).
        "AES-128-CCM on a fresh key, response (~220 bytes)":
            lambda: AESCCM(data_key, tag_length=16).encrypt(nonce, plaintext, None),
        "HMAC-SHA256, ECIES tag": lambda: hmac.new(mac_key, plaintext[:16], hashlib.sha256).digest(),
        # e: H(tbs), H(..); rekRecipInfo id; KDF: 2 blocks; signature: H(tbsData), H(..). The issuer (= signer)
        # certificate's own hash is computed once per ACA certificate, not per certificate issued.
        "SHA-256 x 7 (e, rek id, KDF, signature)": lambda: [hashlib.sha256(plaintext).digest() for _ in range(7)],
    }


def _cpu_micros(fn: Callable[[], object], calls: int = 300, rounds: int = 5) -> float:
    """Best-of-`rounds` process CPU µs per call: steadier than wall time when other processes share the cores."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - start) / calls * 1e6)
    return best


def run() -> list[tuple[str, float]]:
    aca = _make_aca()
    caterpillar = SoftwareKey.generate(Curve.P256).public_point
    expansion_key = os.urandom(16)
    i = 600
    cocoons = [cocoon_public_key(caterpillar, expansion_key, i, j, KeyPurpose.SIGNING) for j in range(PIECE)]
    cocoon = cocoons[0]

    rows = [
        ("RA: cocoon public key (unified)", per_op_micros(lambda: cocoon_public_key(
            caterpillar, expansion_key, i, 0, KeyPurpose.SIGNING))),
    ]
    one = {explicit: lambda e=explicit: _issue(aca, cocoon, i, 0, e) for explicit in (False, True)}
    piece = {explicit: lambda e=explicit: _issue_piece(aca, cocoons, i, e) for explicit in (False, True)}
    for explicit, kind in ((False, "implicit"), (True, "explicit")):
        rows += [
            (f"ACA: {kind} certificate, one alone", per_op_micros(one[explicit])),
            (f"ACA: {kind} certificate, in a piece of {PIECE}", per_op_micros(piece[explicit]) / PIECE),
        ]
    issuer, requests = _verified_requests()
    now = bench_issue.NOW

    def answer_piece() -> list[bytes]:
        draws = randomize_piece(requests)
        with ecqv_issuing(issuer.key):
            return [issue_pseudonym(r, issuer, now, d) for r, d in zip(requests, draws, strict=True)]

    rows += [
        ("ACA: issue_pseudonym, implicit, one alone", per_op_micros(lambda: issue_pseudonym(requests[0], issuer, now))),
        (f"ACA: issue_pseudonym, implicit, in a piece of {PIECE}", per_op_micros(answer_piece) / PIECE),
    ]
    primitive_rows = [(f"  primitive: {name}", per_op_micros(fn)) for name, fn in _openssl_primitives().items()]
    primitives = sum(micros for _, micros in primitive_rows)
    rows += primitive_rows
    rows.append(("  sum of the OpenSSL primitives, implicit", primitives))
    for label, micros in rows[1:5]:
        print(f"{label.removeprefix('ACA: ')}: {micros:.0f} µs/certificate = "
              f"{micros / primitives:.2f}x the implicit primitives ({1e6 / micros:.0f} certificates/s/core)")
    for label, micros in rows[5:7]:
        print(f"{label.removeprefix('ACA: ')}: {micros:.0f} µs/certificate (the EE's SPDU, the PLVs, the RA's answer)")
    cpu_primitives = sum(_cpu_micros(fn, calls=2000) for fn in _openssl_primitives().values())
    cpu_one = _cpu_micros(one[False])
    cpu_piece = _cpu_micros(piece[False], calls=5) / PIECE
    print(f"CPU time: implicit, one {cpu_one:.0f} µs = {cpu_one / cpu_primitives:.2f}x, in a piece of {PIECE} "
          f"{cpu_piece:.0f} µs = {cpu_piece / cpu_primitives:.2f}x the primitives' {cpu_primitives:.1f} µs; "
          f"goal <= 2.5x, ~2,500 certificates/s/core")
    return rows

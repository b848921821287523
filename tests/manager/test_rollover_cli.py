"""A whole rollover through the shell, as an operator runs it (Typer runner, real clock): add an elector, replace the
root CA (add-root, rotate the CRL signer, the ICA and every component under it, remove-root), remove an elector,
issue CRLs; `scms trust verify` passes after every step. Then: each CTL verifies against the previous one, a device
holding only CTL 1 reaches the last CTL through the ones between, every certificate and SPDU produced decodes with
`scms asn1 decode` and verifies with `scms cert verify` / `scms spdu verify`, and no published file was rewritten."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app
from scms.dot2 import Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol import parse_ctl, verify_ctl_sequence, verify_first_ctl, verify_next_ctl

from ._trust import read_manifest

runner = CliRunner()

SEEDS = "1:000102030405060708090a0b0c0d0e0f,2:f0e0d0c0b0a090807060504030201000"
STEPS = (
    ["ctl", "add-elector"],
    ["ctl", "add-root"],
    ["rotate", "crl-signer"],
    ["rotate", "ica"],
    *(["rotate", name] for name in ("eca", "ra", "aca", "la1", "la2", "ma")),
    ["ctl", "remove-root"],
    ["ctl", "remove-elector", "elector-1"],
    ["rotate", "la1"],
    ["crl", "issue", "--series", "256", "--revoke-cert", "public/certificates/la1-2.oer"],
    ["crl", "issue", "--series", "1", "--revoke-linkage", SEEDS],
)


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in directory.rglob("*")
        if p.is_file() and p.name not in ("deployment.json", ".manager.lock")
    }


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("rollover") / "scms-data"
    assert runner.invoke(app, ["init", "--dir", str(directory)]).exit_code == 0
    seen = _snapshot(directory)
    started = time.perf_counter()
    for step in STEPS:
        arguments = [str(directory / a) if a.startswith("public/") else a for a in step]
        result = runner.invoke(app, ["manager", *arguments, "--dir", str(directory)])
        assert result.exit_code == 0, (step, result.output)
        assert "updated deployment.json" in result.stdout
        verified = runner.invoke(app, ["trust", "verify", str(directory)])
        assert verified.exit_code == 0, (step, verified.output)
        now = _snapshot(directory)
        assert {name: digest for name, digest in now.items() if name in seen} == seen, step  # nothing rewritten
        seen = now
    print(f"{len(STEPS)} operations, each followed by scms trust verify: {time.perf_counter() - started:.2f} s")
    return directory


def _ctls(directory: Path) -> list[bytes]:
    entries = sorted(read_manifest(directory)["ctls"], key=lambda e: e["sequence_number"])
    return [(directory / e["file"]).read_bytes() for e in entries]


def test_each_ctl_follows_the_previous_one(rolled: Path) -> None:
    ctl1, ctl2, ctl3, ctl4, ctl5 = _ctls(rolled)
    now = Time32.from_unix(time.time())
    trust = verify_first_ctl(ctl1, now)
    shapes = []
    for ctl in (ctl2, ctl3, ctl4, ctl5):
        trust = verify_next_ctl(trust, ctl, now)
        tbs = parse_ctl(ctl).tbs
        lists = (tbs.elector_approve, tbs.elector_remove, tbs.root_ca_approve, tbs.root_ca_remove)
        shapes.append(tuple(len(ids) for ids in lists))
    # add an elector; add the new root; remove the old root; remove an elector
    assert shapes == [(4, 0, 1, 0), (4, 0, 2, 0), (4, 0, 1, 1), (3, 1, 1, 0)]
    manifest = read_manifest(rolled)
    root = (rolled / manifest["certificates"]["root"]["file"]).read_bytes()
    assert [c.data for c in trust.root_certificates] == [root] and trust.quorum == 2


def test_a_device_holding_ctl1_reaches_ctl3_through_ctl2(rolled: Path) -> None:
    ctl1, ctl2, ctl3, ctl4, ctl5 = _ctls(rolled)
    now = Time32.from_unix(time.time())
    trust1 = verify_first_ctl(ctl1, now)
    trust3 = verify_ctl_sequence(ctl1, [ctl2, ctl3], now)
    assert trust3.sequence_number == 3 and len(trust3.root_cas) == 2
    with pytest.raises(Ieee1609Error, match="CTL 3 does not follow CTL 1"):
        verify_next_ctl(trust1, ctl3, now)
    last = verify_ctl_sequence(ctl1, [ctl2, ctl3, ctl4, ctl5], now)
    assert not set(last.root_cas) & set(trust1.root_cas)  # the root the device started with is gone
    assert set(last.electors) < set(verify_ctl_sequence(ctl1, [ctl2], now).electors)


def _files(directory: Path) -> tuple[dict[str, Path], list[tuple[str, Path]]]:
    manifest = read_manifest(directory)
    certificates = {e["file"]: directory / e["file"] for e in manifest["certificates"].values()}
    certificates |= {e["file"]: directory / e["file"] for e in manifest["history"]}
    spdus = [("MultiSignedCtlSpdu", directory / e["file"]) for e in manifest["ctls"]]
    spdus += [("SecuredCrl", directory / e["file"]) for e in manifest["crls"]]
    spdus += [("CertificateChainSpdu", p) for p in sorted((directory / "public/ccf").iterdir())]
    spdus += [("CompositeCrlSpdu", p) for p in sorted((directory / "public/composite-crl").iterdir())]
    return certificates, spdus


def test_every_certificate_decodes_and_verifies(rolled: Path) -> None:
    certificates, _ = _files(rolled)
    assert len(certificates) == 23  # 12 current (3 electors), 11 replaced or removed
    issuers = [a for path in certificates.values() for a in ("--issuer", str(path))]
    for file, path in certificates.items():
        decoded = runner.invoke(app, ["asn1", "decode", "Certificate", str(path)])
        assert decoded.exit_code == 0, (file, decoded.output)
        assert json.loads(decoded.stdout)["toBeSigned"]["id"]["name"].endswith(".scms.example")
        verified = runner.invoke(app, ["cert", "verify", str(path), *issuers])
        assert verified.exit_code == 0 and verified.stdout.startswith("OK "), (file, verified.output)


def test_every_spdu_decodes_and_every_crl_verifies(rolled: Path) -> None:
    certificates, spdus = _files(rolled)
    signers = [a for path in certificates.values() if "crl-signer" in path.name for a in ("--cert", str(path))]
    assert len(spdus) == 5 + 10 + 14 + 8  # CTLs, CRLs (4 per root and 2 issued), CCF and composite CRL versions
    for type_name, path in spdus:
        decoded = runner.invoke(app, ["asn1", "decode", type_name, str(path), "--deep"])
        assert decoded.exit_code == 0, (type_name, path, decoded.output)
        if type_name == "SecuredCrl":
            verified = runner.invoke(app, ["spdu", "verify", str(path), *signers])
            assert verified.exit_code == 0, (path, verified.output)

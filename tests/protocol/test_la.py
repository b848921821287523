"""Linkage authority: linkage chains, encrypted pre-linkage values (EncryptedIndividualPLV, LA -> ACA through the
RA), the seed release for a revocation and the linkage CRL it makes possible."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from scms import asn1
from scms.crypto import HashedId8, linkage_seed_after, linkage_value, pre_linkage_value
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import SymmetricEncryptionKey, SymmRecipient, encrypt, unsecured
from scms.protocol.encrypted_plv import EncryptedPlv, decrypt_plv, encrypt_plv
from scms.protocol.la import (
    LinkageChain,
    encrypted_pre_linkage_values,
    linkage_revocation,
    linkage_seed_release,
)
from vectors import case, case_params, unhex

KEY = SymmetricEncryptionKey(bytes(range(16)))


def _chain(la_id: int = 0x0101, i_first: int = 10) -> LinkageChain:
    return LinkageChain.new(la_id, i_first)


@pytest.mark.parametrize("param", case_params("camp/linkage-values.json"))
def test_camp_vectors_through_the_la_and_the_aca(param: tuple[str, int | None]) -> None:
    vector = case(param)
    chains = [
        LinkageChain(int(vector[f"la_id_{n}"], 16), os.urandom(16), vector["i"], unhex(vector[f"linkage_seed_{n}"]))
        for n in (1, 2)
    ]
    keys = {chain.la_id: SymmetricEncryptionKey(os.urandom(16)) for chain in chains}
    j = vector["j"]
    plvs = []
    for n, chain in enumerate(chains, start=1):
        batch = encrypted_pre_linkage_values(chain, vector["i"], 1, j + 1, keys[chain.la_id])
        plv = decrypt_plv(EncryptedPlv.from_bytes(batch.plv(vector["i"], j).data), keys)
        assert plv == unhex(vector[f"expected_plv_{n}"])
        plvs.append(plv)
    assert linkage_value(*plvs) == unhex(vector["expected_lv"])


def test_each_value_is_plv_i_j_of_the_evolved_seed() -> None:
    chain = _chain()
    batch = encrypted_pre_linkage_values(chain, 12, 3, 5, KEY)
    assert (batch.i_first, batch.i_count, batch.j_max, len(batch.enc_plvs)) == (12, 3, 5, 15)
    for i in range(12, 15):
        seed = linkage_seed_after(chain.la_id, chain.seed, i - chain.i_first)
        assert chain.seed_at(i) == seed
        for j in range(5):
            assert decrypt_plv(batch.plv(i, j), {chain.la_id: KEY}) == pre_linkage_value(chain.la_id, seed, j)
    with pytest.raises(KeyError):
        batch.plv(15, 0)


def test_wire_format_is_one_symm_recipient_with_aes_ccm() -> None:
    """Decrypted here with AES-CCM directly: recipientId = HashedId8 of the COER SymmetricEncryptionKey, the data
    key wrapped under the shared key, the plaintext an unsecured Ieee1609Dot2Data of the 9 PLV octets."""
    plv = os.urandom(9)
    encrypted = encrypt_plv(plv, 0x1234, KEY)
    value = asn1.decode("EncryptedIndividualPLV", encrypted.data)
    assert (value["version"], value["laId"], encrypted.la_id) == (2, b"\x12\x34", 0x1234)
    kind, body = value["encPlv"]["content"]
    assert kind == "encryptedData" and len(body["recipients"]) == 1
    recipient_kind, recipient = body["recipients"][0]
    key_coer = asn1.encode("SymmetricEncryptionKey", ("aes128Ccm", KEY.key))
    assert recipient_kind == "symmRecipInfo" and recipient["recipientId"] == bytes(HashedId8.of(key_coer))
    wrapped = recipient["encKey"][1]
    data_key = AESCCM(KEY.key, tag_length=16).decrypt(wrapped["nonce"], wrapped["ccmCiphertext"], None)
    ciphertext = body["ciphertext"][1]
    plaintext = AESCCM(data_key, tag_length=16).decrypt(ciphertext["nonce"], ciphertext["ccmCiphertext"], None)
    assert plaintext == unsecured(plv)


def test_the_ra_cannot_read_a_plv() -> None:
    plv = os.urandom(9)
    encrypted = encrypt_plv(plv, 0x0101, KEY)
    assert plv not in encrypted.data
    assert encrypt_plv(plv, 0x0101, KEY).data != encrypted.data  # fresh data key and nonces each time
    for keys in ({0x0101: SymmetricEncryptionKey(os.urandom(16))}, {}, {0x0202: KEY}):
        with pytest.raises(Ieee1609Error) as error:
            decrypt_plv(encrypted, keys)
        assert error.value.error is ErrorCode.FAILED_DECRYPTION


def test_tampering_is_detected() -> None:
    encrypted = encrypt_plv(os.urandom(9), 0x0101, KEY)
    tampered = bytearray(encrypted.data)
    tampered[-1] ^= 1
    with pytest.raises(Ieee1609Error) as error:
        decrypt_plv(EncryptedPlv.from_bytes(bytes(tampered)), {0x0101: KEY})
    assert error.value.error is ErrorCode.FAILED_DECRYPTION
    relabelled = b"\x02\x02\x02" + encrypted.data[3:]  # claims LA 0x0202, whose key is another
    with pytest.raises(Ieee1609Error) as error:
        decrypt_plv(EncryptedPlv.from_bytes(relabelled), {0x0101: KEY, 0x0202: SymmetricEncryptionKey(bytes(16))})
    assert error.value.error is ErrorCode.FAILED_DECRYPTION


def _wrapped(inner: bytes, recipients: list[SymmRecipient]) -> EncryptedPlv:
    enc = asn1.decode("Ieee1609Dot2Data", encrypt(inner, recipients))
    return EncryptedPlv.from_bytes(asn1.encode("EncryptedIndividualPLV", {"version": 2, "laId": b"\x01\x01",
                                                                          "encPlv": enc}))


def test_shape_of_the_plaintext_and_recipients_is_checked() -> None:
    other = SymmetricEncryptionKey(os.urandom(16))
    cases = [
        _wrapped(unsecured(os.urandom(9)), [SymmRecipient(other), SymmRecipient(KEY)]),  # two recipients
        _wrapped(unsecured(os.urandom(8)), [SymmRecipient(KEY)]),  # 8 octets are no PreLinkageValue
    ]
    for encrypted in cases:
        with pytest.raises(Ieee1609Error) as error:
            decrypt_plv(encrypted, {0x0101: KEY})
        assert error.value.error is ErrorCode.FAILED_PARSING
    with pytest.raises(Ieee1609Error) as error:
        EncryptedPlv.from_bytes(encrypt_plv(os.urandom(9), 1, KEY).data + b"\x00")
    assert error.value.error is ErrorCode.FAILED_PARSING


def test_ranges_a_chain_or_a_crl_cannot_hold_are_refused() -> None:
    chain = _chain(i_first=10)
    for i_first, i_count, j_max in ((9, 1, 1), (10, 0, 1), (0xFFFF, 2, 1), (10, 1, 0), (10, 1, 256)):
        with pytest.raises(Ieee1609Error) as error:
            encrypted_pre_linkage_values(chain, i_first, i_count, j_max, KEY)
        assert error.value.error is ErrorCode.DISALLOWED_OTHER_FIELDS
    with pytest.raises(ValueError, match="16"):
        LinkageChain(1, b"short", 0, bytes(16))
    with pytest.raises(ValueError, match="9 octets"):
        encrypt_plv(bytes(8), 1, KEY)


def test_the_seed_never_shows() -> None:
    chain = _chain()
    assert chain.seed.hex() not in repr(chain) and "[secure]" in repr(chain)
    release = linkage_seed_release(chain, 12)
    assert chain.seed_at(12).hex() not in repr(release)


def test_linkage_revocation_pairs_two_las_at_one_i() -> None:
    chains = (_chain(0x8E09, 10), _chain(0x59CE, 10))
    entry = linkage_revocation(*(linkage_seed_release(c, 14) for c in chains), i_max=40, jmax=20)
    assert (entry.la1_id, entry.la2_id, entry.i_rev, entry.i_max, entry.jmax) == (0x8E09, 0x59CE, 14, 40, 20)
    assert (entry.seed1, entry.seed2) == (chains[0].seed_at(14), chains[1].seed_at(14))
    with pytest.raises(ValueError, match="different"):
        linkage_revocation(linkage_seed_release(chains[0], 14), linkage_seed_release(chains[0], 14), i_max=1, jmax=1)
    with pytest.raises(ValueError, match="same i-period"):
        linkage_revocation(linkage_seed_release(chains[0], 14), linkage_seed_release(chains[1], 15), i_max=1, jmax=1)

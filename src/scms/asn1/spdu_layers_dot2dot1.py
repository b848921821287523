"""The IEEE 1609.2.1-2022 entries of the nested-layer tables (format: `scms.asn1.layer_table`).

1609.2.1 defines every SPDU with parameterized subtypes of `Ieee1609Dot2Data` (`Ieee1609Dot2Data-Signed {Tbs,
Psid}`, `-Encrypted {Tbe}`, `-SignedCertRequest {Tbscr, Signer}`, ...; module `Ieee1609Dot2Dot1Protocol`, clause
6.3 and Annex A of 1609.2.1-2022). Their constraints are not OER-visible, so each SPDU type encodes as a plain
`Ieee1609Dot2Data` and asn1tools does not check them. What they demand is written down here instead:

* `LAYERS`: for each named SPDU type, where its opaque octets are and which type they hold; `decode_deep` opens
  them wherever a value is declared with that type (e.g. `CompositeCrl.homeCtl`, `AcaResponse.private`).
* `OPEN_TYPE_FIELDS`: the `IEEE-1609-2-1-MSCTL` open types of `MultiSignedCtl` (object set `Ieee1609dot2dot1Ctls`).
* `SHAPES`: the whole constraint of each SPDU type, outermost layer first, down to the `ScmsPdu` (or `AcpcPdu`)
  alternative it must carry, the PSID of its signed layers and the signer form. Encrypted layers are listed too:
  their plaintext is what the layer after them describes, once a later layer (`scms.dot2`) has decrypted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scms.asn1.layer_table import Layer, OpenTypeField

__all__ = [
    "LAYERS",
    "OPEN_TYPE_FIELDS",
    "SECURITY_MGMT_PSID",
    "SHAPES",
    "SignerForm",
    "SpduShape",
    "WrappingKind",
    "shape_of",
]

SECURITY_MGMT_PSID = 35
"""`SecurityMgmtPsid`: every signed layer of an SCMS management SPDU carries it (1609.2.1 clause 6.3)."""

_ACPC_PSID = 2113696
"""`AcpcPsid`: signed APrV trees and individual APrVs (1609.2.1 clause 9.5)."""

WrappingKind = Literal[
    "unsecured", "signed", "signed-certificate-request", "signed-x509-certificate-request", "encrypted"
]
"""The `ContentKind`s of `scms.asn1.layer_table`, plus the `signedX509CertificateRequest` alternative (an Opaque
holding a `SignedX509CertificateRequest`), which only occurs inside an encrypted layer."""

SignerForm = Literal["certificate", "self", "x509-certificate"]
"""`SignerSingleCert` (a chain of exactly one 1609.2 certificate), `SignerSelf`, `SignerSingleX509Cert`."""


@dataclass(frozen=True)
class SpduShape:
    """What the standard's constraint on one SPDU type demands, from the outside in."""

    spdu: str
    wrapping: tuple[WrappingKind, ...]
    """Content kinds from the outermost `Ieee1609Dot2Data` inwards, e.g. `("encrypted", "signed")` for a
    signed-then-encrypted SPDU: the plaintext of the encrypted layer is the signed `Ieee1609Dot2Data`."""
    payload: str
    """Type inside the innermost layer: `ScmsPdu`, or `AcpcPdu` for the ACPC SPDUs."""
    scope: tuple[str, ...]
    """CHOICE alternatives the payload must take, outermost first, e.g. `("ee-ra", "eeRaCertRequest")`."""
    psid: int | None = None
    """`headerInfo.psid` of the signed layer (None when there is none)."""
    signer: SignerForm | None = None
    """Signer form of the signed or signed-certificate-request layer (None when there is none)."""


def _scms(
    spdu: str, wrapping: tuple[WrappingKind, ...], scope: tuple[str, str], signer: SignerForm | None = None
) -> SpduShape:
    # Signed layers always carry SecurityMgmtPsid; a signed-certificate-request layer has no headerInfo (no PSID).
    psid = SECURITY_MGMT_PSID if "signed" in wrapping else None
    if "signed" in wrapping and signer is None:
        signer = "certificate"
    return SpduShape(spdu, wrapping, "ScmsPdu", scope, psid, signer)


SHAPES: tuple[SpduShape, ...] = (
    # ACA -> EE (clause 8.2; the response kind follows RaAcaCertRequest.flags / certEncKey).
    _scms("AcaEeCertResponsePlainSpdu", ("unsecured",), ("aca-ee", "acaEeCertResponse")),
    # Encrypted-then-signed: the signed layer's unsecuredData holds the encrypted Ieee1609Dot2Data, as the standard
    # itself notes. 1609.2 encrypts a payload that is not an Ieee1609Dot2Data inside an unsecured one, hence the
    # "unsecured" after each "encrypted" that wraps a bare ScmsPdu.
    _scms("AcaEeCertResponsePrivateSpdu", ("signed", "encrypted", "unsecured"), ("aca-ee", "acaEeCertResponse")),
    _scms("AcaEeCertResponseCubkSpdu", ("encrypted", "unsecured"), ("aca-ee", "acaEeCertResponse")),
    # RA <-> ACA.
    _scms("RaAcaCertRequestSpdu", ("signed-certificate-request",), ("aca-ra", "raAcaCertRequest"), "certificate"),
    _scms("AcaRaCertResponseSpdu", ("signed",), ("aca-ra", "acaRaCertResponse")),
    # Certificate management (clause 8).
    _scms("CompositeCrlSpdu", ("unsecured",), ("cert", "compositeCrl")),
    _scms("CertificateChainSpdu", ("unsecured",), ("cert", "certificateChain")),
    _scms("MultiSignedCtlSpdu", ("unsecured",), ("cert", "multiSignedCtl")),
    _scms("CtlSignatureSpdu", ("signed",), ("cert", "tbsCtlSignature")),
    _scms("CertificateManagementInformationStatusSpdu", ("signed",), ("cert", "infoStatus")),
    # ECA <-> EE.
    _scms("EeEcaCertRequestSpdu", ("signed-certificate-request",), ("eca-ee", "eeEcaCertRequest"), "self"),
    _scms("EcaEeCertResponseSpdu", ("signed",), ("eca-ee", "ecaEeCertResponse")),
    # EE <-> RA. EeRaCertRequestSpdu is either of the two forms after it.
    _scms(
        "EeRaCertRequestSpdu", ("encrypted", "signed-certificate-request"), ("ee-ra", "eeRaCertRequest"), "certificate"
    ),
    _scms(
        "EeRa1609Dot2AuthenticatedCertRequestSpdu",
        ("encrypted", "signed-certificate-request"),
        ("ee-ra", "eeRaCertRequest"),
        "certificate",
    ),
    _scms(
        "EeRaX509AuthenticatedCertRequestSpdu",
        ("encrypted", "signed-x509-certificate-request"),
        ("ee-ra", "eeRaCertRequest"),
        "x509-certificate",
    ),
    _scms("RaEeCertAckSpdu", ("signed",), ("ee-ra", "raEeCertAck")),
    # x.info of a batch zip: unsecured without acpcTreeId, signed with it.
    _scms("RaEeCertInfoSpdu", ("unsecured",), ("ee-ra", "raEeCertInfo")),
    _scms("RaEeCertAndAcpcInfoSpdu", ("signed",), ("ee-ra", "raEeCertInfo")),
    _scms("EeRaDownloadRequestPlainSpdu", ("unsecured",), ("ee-ra", "eeRaDownloadRequest")),
    _scms("EeRaDownloadRequestSpdu", ("encrypted", "signed"), ("ee-ra", "eeRaDownloadRequest")),
    # The successor request: the ScmsPdu inside carries a complete (self-signed) EeEcaCertRequestSpdu.
    _scms(
        "EeRaSuccessorEnrollmentCertRequestSpdu",
        ("encrypted", "signed-certificate-request"),
        ("ee-ra", "eeRaSuccessorEnrollmentCertRequest"),
        "certificate",
    ),
    _scms("RaEeEnrollmentCertAckSpdu", ("signed",), ("ee-ra", "raEeCertInfo")),
    # ACPC (clause 9.5).
    SpduShape("UnsecuredAprvBinaryTree", ("unsecured",), "AcpcPdu", ("tree",)),
    SpduShape("SignedAprvBinaryTree", ("signed",), "AcpcPdu", ("tree",), _ACPC_PSID, "certificate"),
    SpduShape("SignedIndividualAprv", ("signed",), "AcpcPdu", ("aprv",), _ACPC_PSID, "certificate"),
)
"""Every SPDU type of 1609.2.1-2022 (module `Ieee1609Dot2Dot1Protocol` and `Ieee1609Dot2Dot1Acpc`)."""


def _layer(shape: SpduShape) -> Layer:
    # Only the outermost layer can be opened without keys: encrypted octets stay closed; a signed certificate
    # request opens to the SignedCertificateRequest structure (whose tbsRequest is the ScmsPdu itself); a signed
    # layer around an encrypted one (the Private ACA response) opens to that encrypted Ieee1609Dot2Data.
    kind = shape.wrapping[0]
    if kind == "encrypted":
        return Layer(shape.spdu, kind, None)
    if kind == "signed-certificate-request":
        return Layer(shape.spdu, kind, "SignedCertificateRequest")
    if kind == "signed-x509-certificate-request":  # never outermost in 1609.2.1-2022
        raise ValueError(f"{shape.spdu}: an X.509-signed request is always encrypted")
    return Layer(shape.spdu, kind, shape.payload if len(shape.wrapping) == 1 else "Ieee1609Dot2Data")


LAYERS: tuple[Layer, ...] = tuple(_layer(shape) for shape in SHAPES)

OPEN_TYPE_FIELDS: tuple[OpenTypeField, ...] = (
    # IEEE-1609-2-1-MSCTL: type 1 = fullIeeeCtl -> FullIeeeTbsCtl, unsigned material = the listed certificates.
    OpenTypeField("MultiSignedCtl", ("tbsCtl",), "type", {1: "FullIeeeTbsCtl"}),
    OpenTypeField("MultiSignedCtl", ("unsigned",), "type", {1: "SequenceOfCertificate"}),
)

_BY_NAME = {shape.spdu: shape for shape in SHAPES}


def shape_of(spdu: str) -> SpduShape:
    """The `SpduShape` of a 1609.2.1 SPDU type name; KeyError for any other name."""
    return _BY_NAME[spdu]

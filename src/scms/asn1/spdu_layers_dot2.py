"""The IEEE 1609.2-2022 entries of the nested-layer tables (format: `scms.asn1.layer_table`)."""

from __future__ import annotations

from scms.asn1.layer_table import Layer, OpenTypeField

__all__ = ["LAYERS", "OPEN_TYPE_FIELDS"]

LAYERS: tuple[Layer, ...] = (
    # 7.4: a CRL is a signedData whose payload is an unsecuredData holding the COER of CrlContents.
    Layer("SecuredCrl", "signed", "CrlContents"),
)

OPEN_TYPE_FIELDS: tuple[OpenTypeField, ...] = (
    # SetCertExtensions: id 1 (certExtId-OperatingOrganization) -> APP OperatingOrganizationId. Its ISSUE and
    # REQUEST forms are NULL, which is not a named type, so they stay as octets (always empty).
    OpenTypeField("AppExtension", ("content",), "id", {1: "OperatingOrganizationId"}),
    # Ieee1609HeaderInfoExtensions: id 1 (p2pcd8ByteLearningRequestId) -> HashedId8.
    OpenTypeField("Ieee1609ContributedHeaderInfoExtension", ("content",), "id", {1: "HashedId8"}),
    # Ieee1609Dot2HeaderInfoContributedExtensions: contributor 1 (IEEE) -> Ieee1609ContributedHeaderInfoExtension.
    # Contributor 2 (ETSI) is not in our modules: its extensions stay as octets.
    OpenTypeField(
        "ContributedExtensionBlock", ("extns", "*"), "contributorId", {1: "Ieee1609ContributedHeaderInfoExtension"}
    ),
)

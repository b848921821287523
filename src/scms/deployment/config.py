"""The typed configuration of a deployment: one `scms.toml`, one model per component (style rule 13).

Every component model embeds a common part: `CertificateSettings` (curve, validity, region of its certificate)
and, for the online services, `ServiceSettings` (URL, database, error mode, body size). Unknown options are
rejected; secrets are file paths, never values. `load_config` (in `config_file`) reads and validates a file;
`render_config` writes the commented default. Reference of every option: docs/configuration.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scms.crypto import ButterflyVariant, Curve
from scms.deployment.layout import Layout
from scms.deployment.policy import AuthorizationProfile, DeviceTypeSettings, PermissionSpec
from scms.deployment.policy_parameters import PolicyParameters
from scms.deployment.regions import RegionSpec

__all__ = [
    "CONFIG_FORMAT_VERSION",
    "CURVES",
    "AcaConfig",
    "AnchorCurve",
    "CertificateSettings",
    "ComponentCurve",
    "CrlConfig",
    "CtlConfig",
    "DeploymentConfig",
    "DeploymentSettings",
    "DevicesConfig",
    "EcaConfig",
    "ElectorCurve",
    "ElectorsConfig",
    "IcaConfig",
    "LaConfig",
    "MaConfig",
    "ManagerConfig",
    "RaConfig",
    "RootConfig",
    "ServiceSettings",
]

CONFIG_FORMAT_VERSION = 1

AnchorCurve = Literal["P-256", "P-384", "brainpoolP384r1"]
"""Curves allowed for the root CA (1609.2 §5.3.1)."""
ElectorCurve = Literal["P-384", "brainpoolP384r1"]
"""Curves allowed for electors: 384-bit, since a CTL names electors by HashedId48 and each elector signs the
SHA-384 `tbsCtlHash` (1609.2.1 §8 `FullIeeeTbsCtl`, `ToBeSignedCtlSignature`)."""
ComponentCurve = Literal["P-256"]
"""Curves allowed below the root: P-256 (ECQV and ECIES of 1609.2 are 256-bit)."""
CURVES: dict[str, Curve] = {"P-256": Curve.P256, "P-384": Curve.P384, "brainpoolP384r1": Curve.BRAINPOOL_P384R1}

_STRICT = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
_URL = r"^https?://[^\s/]+(/[^\s]*)?$"
_REGION_EXAMPLE = {"countries": [840]}


class CertificateSettings(BaseModel):
    """The part common to every component that holds a certificate (its curve: in each component's model)."""

    model_config = _STRICT

    validity_years: int = Field(default=5, ge=1, le=100)
    """Validity of the certificate (validityPeriod, 1609.2 §6.4.14), in years from init."""
    region: RegionSpec | None = Field(default=None, examples=[_REGION_EXAMPLE])
    """Region of the certificate (1609.2 §6.4.17); unset: its issuer's."""


class ServiceSettings(CertificateSettings):
    """The part common to every online component."""

    curve: ComponentCurve = "P-256"
    """Curve of the certificate's verification key (1609.2 §5.3.1)."""
    url: str | None = Field(default=None, pattern=_URL, examples=["https://scms.example.com/component"])
    """Base URL of its API as EEs and other components reach it; unset: deployment.base_url + "/<component>"."""
    database_url: str | None = Field(default=None, examples=["postgresql+psycopg://scms@db.example.com/component"])
    """SQLAlchemy URL of its own database; unset: SQLite file <dir>/<component>/data/<component>.sqlite."""
    error_mode: Literal["fine", "coarse"] = "fine"
    """`scmsV3-error` (1609.2.1 Table 4): "fine" answers status + Ieee-1609.2.1-Error, "coarse" only HTTP 500."""
    max_body_size: int = Field(default=64 * 1024, ge=1024, le=1 << 30)
    """Largest request body in bytes; a larger one is refused before it is decoded."""


class EcaConfig(ServiceSettings):
    """The enrollment CA (1609.2.1 §4.1.2): issues enrollment certificates."""

    validity_years: int = Field(default=10, ge=1, le=100)
    """Validity of the ECA certificate in years (longer than the enrollment certificates it issues)."""


class RaConfig(ServiceSettings):
    """The registration authority (1609.2.1 §4.1.3), also the device registry (DCM role) and distribution centre."""

    operator_token_file: str = "ra/secrets/operator-token"  # noqa: S105 (a path, not a password)
    """File holding the API token of the registration operator (relative to the deployment directory)."""


class AcaConfig(ServiceSettings):
    """The authorization CA (1609.2.1 §4.1.4): issues pseudonym and identification certificates."""

    compact_unified: bool = True
    """Set `cubk` in the ACA certificate's flags (1609.2 §6.4.8): needed for compact unified butterfly keys."""
    max_body_size: int = Field(default=1 << 20, ge=1024, le=1 << 30)
    """Largest request body in bytes (larger than the others': the RA sends RaAcaCertRequests in batches)."""


class LaConfig(ServiceSettings):
    """A linkage authority (1609.2.1 §4.1.5)."""

    la_id: int = Field(ge=0, le=65535)
    """`LaId` (2 octets) of this LA: in its certificate's LaSsp and in every linkage value it helps compute."""


class MaConfig(ServiceSettings):
    """The misbehaviour authority (1609.2.1 §4.1.7)."""

    relevant_psids: tuple[int, ...] | None = Field(default=None, examples=[[32, 38]])
    """`MaSsp.relevantPsids`: PSIDs whose misbehaviour reports go to this MA; unset: every PSID of the devices."""


class ElectorsConfig(BaseModel):
    """The electors (1609.2.1 §4.1.6): they sign each CTL; a quorum of them is needed."""

    model_config = _STRICT

    count: int = Field(default=3, ge=1, le=32)
    """Number of electors created by init."""
    quorum: int = Field(default=2, ge=1, le=32)
    """`quorum` of the CTL (FullIeeeTbsCtl): elector signatures a new CTL needs."""
    curve: ElectorCurve = "P-384"
    """Curve of the elector keys (384-bit: electors are named and sign by SHA-384 in the CTL)."""
    validity_years: int = Field(default=30, ge=1, le=100)
    """Validity of the elector certificates in years."""


class RootConfig(CertificateSettings):
    """The root CA: self-signed, approved by the CTL."""

    curve: AnchorCurve = "P-256"
    """Curve of the root CA key."""
    validity_years: int = Field(default=30, ge=1, le=100)
    """Validity of the root CA certificate in years."""


class IcaConfig(CertificateSettings):
    """The intermediate CA: issues every component certificate."""

    curve: ComponentCurve = "P-256"
    """Curve of the ICA key (1609.2 §5.3.1)."""
    validity_years: int = Field(default=20, ge=1, le=100)
    """Validity of the ICA certificate in years."""


class CrlConfig(CertificateSettings):
    """The CRL signer (1609.2 §5.1.3, CrlSsp issuerIsCraca) and the CRL series; the CRACA is the root CA."""

    curve: ComponentCurve = "P-256"
    """Curve of the CRL signer key (1609.2 §5.3.1)."""
    next_crl_hours: int = Field(default=168, ge=1, le=24 * 366)
    """`nextCrl` - `issueDate` of every CRL, in hours."""
    ca_series: int = Field(default=256, ge=0, le=65535)
    """`CrlSeries` of CA and component certificates (hash-based CRL)."""
    enrollment_series: int = Field(default=2, ge=0, le=65535)
    """`CrlSeries` of enrollment certificates (hash-based CRL)."""
    pseudonym_series: int = Field(default=1, ge=0, le=65535)
    """`CrlSeries` of pseudonym certificates (linkage-based CRL)."""
    identification_series: int = Field(default=3, ge=0, le=65535)
    """`CrlSeries` of identification certificates (hash-based CRL)."""

    @property
    def hash_series(self) -> tuple[int, ...]:
        return (self.ca_series, self.enrollment_series, self.identification_series)

    @property
    def all_series(self) -> tuple[int, ...]:
        return (*self.hash_series, self.pseudonym_series)


class CtlConfig(BaseModel):
    """The home CTL series."""

    model_config = _STRICT

    series_id: str = Field(default="53434d5300000001", pattern=r"^[0-9a-f]{16}$")
    """`CtlSeriesId` (8 octets as 16 lower-case hex digits; assigned values: 1609.2.1 Annex K.1)."""

    @property
    def series_bytes(self) -> bytes:
        return bytes.fromhex(self.series_id)


class ManagerConfig(BaseModel):
    """The SCMS manager: electors, root CA, intermediate CA, CRL signer, CTL."""

    model_config = _STRICT

    electors: ElectorsConfig = ElectorsConfig()
    root: RootConfig = RootConfig()
    ica: IcaConfig = IcaConfig()
    crl: CrlConfig = CrlConfig()
    ctl: CtlConfig = CtlConfig()


class DeploymentSettings(BaseModel):
    """Names shared by all components."""

    model_config = _STRICT

    name: str = Field(default="scms.example", pattern=r"^[a-z0-9]([a-z0-9.-]{0,200}[a-z0-9])?$")
    """DNS-like name of the deployment: certificates are named "<component>.<name>" (1609.2 `Hostname`)."""
    base_url: str = Field(default="http://127.0.0.1:8080", pattern=_URL)
    """Where the embedded runtime serves every component, each under "/<component>"."""


def _pseudonym(psids: tuple[int, ...]) -> AuthorizationProfile:
    return AuthorizationProfile(
        name="pseudonym",
        kind="pseudonym",
        app_permissions=tuple(PermissionSpec(psid=p) for p in psids),
        butterfly_types=tuple(ButterflyVariant),
    )


def _identification(psids: tuple[int, ...], hours: int) -> AuthorizationProfile:
    return AuthorizationProfile(
        name="identification",
        kind="identification",
        app_permissions=tuple(PermissionSpec(psid=p) for p in psids),
        validity_hours=hours,
    )


class DevicesConfig(BaseModel):
    """The device types and what each may request (written into the device policy files)."""

    model_config = _STRICT

    obu: DeviceTypeSettings = DeviceTypeSettings(authorization=(_pseudonym((32, 38)), _identification((135,), 168)))
    """On-board units: pseudonym certificates (BSM 32, misbehaviour report 38), identification for WSA (135)."""
    rsu: DeviceTypeSettings = DeviceTypeSettings(authorization=(_identification((135,), 168),))
    """Road-side units: identification certificates for WSA (135)."""

    def by_type(self) -> dict[str, DeviceTypeSettings]:
        return {"OBU": self.obu, "RSU": self.rsu}


class DeploymentConfig(BaseModel):
    """The whole `scms.toml`."""

    model_config = _STRICT

    format_version: Literal[1] = 1
    """Version of this file's layout."""
    deployment: DeploymentSettings = DeploymentSettings()
    policy: PolicyParameters = PolicyParameters()
    devices: DevicesConfig = DevicesConfig()
    manager: ManagerConfig = ManagerConfig()
    eca: EcaConfig = EcaConfig()
    ra: RaConfig = RaConfig()
    aca: AcaConfig = AcaConfig()
    la1: LaConfig = LaConfig(la_id=1)
    la2: LaConfig = LaConfig(la_id=2)
    ma: MaConfig = MaConfig()

    def service(self, component: str) -> ServiceSettings:
        """The settings of one online component ("eca", "ra", "aca", "la1", "la2", "ma")."""
        settings = {"eca": self.eca, "ra": self.ra, "aca": self.aca, "la1": self.la1, "la2": self.la2, "ma": self.ma}
        if component not in settings:
            raise KeyError(f"no service component {component!r}")
        return settings[component]

    def url(self, component: str) -> str:
        return self.service(component).url or f"{self.deployment.base_url.rstrip('/')}/{component}"

    def database_url(self, component: str, layout: Layout) -> str:
        return self.service(component).database_url or layout.default_database_url(component)

    def device_psids(self) -> tuple[int, ...]:
        """Every PSID any device type may request, sorted."""
        return tuple(
            sorted({p.psid for d in self.devices.by_type().values() for p in d.request_permissions()})
        )

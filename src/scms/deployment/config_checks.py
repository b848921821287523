"""Rules across options of `scms.toml` that one field cannot check alone, each naming the option at fault.

`consistency_problems(config)` returns (option, reason) pairs; `load_config` refuses a file with any. The rules keep
init from failing half-way in the certificate linter: quorum within the elector count, distinct LA ids and CRL
series, validity and region of each certificate within its issuer's (1609.2 §5.1.3.2), butterfly variants the RA
accepts and the ACA certificate can serve (compact unified needs its `cubk` flag).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.crypto import ButterflyVariant
from scms.deployment.config import DeploymentConfig
from scms.deployment.regions import RegionSpec
from scms.dot2.region import Region, region_within

__all__ = ["consistency_problems"]

Problem = tuple[str, str]


def _validity(config: DeploymentConfig) -> Iterator[Problem]:
    manager = config.manager
    root_years, ica_years = manager.root.validity_years, manager.ica.validity_years
    if ica_years > root_years:
        yield "manager.ica.validity_years", f"{ica_years} exceeds manager.root.validity_years ({root_years})"
    if manager.crl.validity_years > root_years:
        yield "manager.crl.validity_years", f"exceeds manager.root.validity_years ({root_years})"
    for name in ("eca", "ra", "aca", "la1", "la2", "ma"):
        years = config.service(name).validity_years
        if years > ica_years:
            yield f"{name}.validity_years", f"{years} exceeds manager.ica.validity_years ({ica_years})"
    for device, settings in config.devices.by_type().items():
        if settings.enrollment_validity_years > config.eca.validity_years:
            yield (
                f"devices.{device.lower()}.enrollment_validity_years",
                f"{settings.enrollment_validity_years} exceeds eca.validity_years ({config.eca.validity_years})",
            )


def _region(spec: RegionSpec | None, inherited: Region | None) -> Region | None:
    return inherited if spec is None else spec.to_region()


def _regions(config: DeploymentConfig) -> Iterator[Problem]:
    root = _region(config.manager.root.region, None)
    ica = _region(config.manager.ica.region, root)
    if not region_within(ica, root):
        yield "manager.ica.region", "not within manager.root.region"
    crl = config.manager.crl.region
    if crl is not None and not region_within(crl.to_region(), root):
        yield "manager.crl.region", "not within manager.root.region"
    for name in ("eca", "ra", "aca", "la1", "la2", "ma"):
        spec = config.service(name).region
        if spec is not None and not region_within(spec.to_region(), ica):
            yield f"{name}.region", "not within the region of the ICA (manager.ica.region or manager.root.region)"
    for issuer in ("eca", "aca"):
        issuer_region = _region(config.service(issuer).region, ica)
        for device, settings in config.devices.by_type().items():
            if settings.region is not None and not region_within(settings.region.to_region(), issuer_region):
                yield f"devices.{device.lower()}.region", f"not within the region of the {issuer.upper()}"


def _butterfly(config: DeploymentConfig) -> Iterator[Problem]:
    accepted = set(config.policy.butterfly_types)
    if ButterflyVariant.COMPACT_UNIFIED in accepted and not config.aca.compact_unified:
        yield "aca.compact_unified", "must be true while policy.ra-butterflyType lists compactUnified"
    for device, settings in config.devices.by_type().items():
        for index, profile in enumerate(settings.authorization):
            extra = [b.value for b in profile.butterfly_types if b not in accepted]
            if extra:
                yield (
                    f"devices.{device.lower()}.authorization[{index}].butterfly_types",
                    f"{', '.join(extra)} not in policy.ra-butterflyType",
                )


def consistency_problems(config: DeploymentConfig) -> list[Problem]:
    """Every cross-option problem of `config` as (dotted option, reason); empty when consistent."""
    problems: list[Problem] = []
    electors = config.manager.electors
    if electors.quorum > electors.count:
        reason = f"{electors.quorum} exceeds manager.electors.count ({electors.count})"
        problems.append(("manager.electors.quorum", reason))
    if config.la1.la_id == config.la2.la_id:
        problems.append(("la2.la_id", f"equals la1.la_id ({config.la1.la_id}); the two LAs need distinct ids"))
    series = config.manager.crl.all_series
    if len(set(series)) != len(series):
        problems.append(("manager.crl", f"the four CRL series must differ (got {list(series)})"))
    problems.extend(_validity(config))
    problems.extend(_regions(config))
    problems.extend(_butterfly(config))
    return problems

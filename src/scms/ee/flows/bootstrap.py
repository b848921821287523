"""Bootstrap: fetch the trust material from the RA and verify it from the device's trust anchor (1609.2.1 clauses
6.3.5.7, 6.3.5.8, 6.3.5.11, 6.3.5.12; standards notes §10.1).

    GET {ra}/v3/ctl?ctlSeriesId=<16 hex>&ctlSequenceNumber=<the anchor's>   the anchor's CTL and every later one
    GET {ra}/v3/ccf-ctl?ctlSeriesId=<16 hex>                                 the certificate chain file
    GET {ra}/v3/ra-certificate                                               the certificate EEs encrypt to
    GET {ra}/v3/composite-crl-ctl?ctlSeriesId=<16 hex>                       every CRL the device needs

The anchor CTL is what the device trusts before it talks to anyone (received out of band, e.g. the deployment's
`public/ctl/ctl_<series>_1.oer`): nothing the RA serves is trusted unless it verifies from there
(`scms.ee.trust.TrustMaterial.verify`).
"""

from __future__ import annotations

from scms.dot2.time import Time32
from scms.ee.ctl_file import read_ctl_file
from scms.ee.exchange import Flow, call
from scms.ee.flows._urls import component_get
from scms.ee.trust import TrustMaterial
from scms.protocol.ctl import parse_ctl

__all__ = ["bootstrap"]


def bootstrap(ra_url: str, anchor_ctl: bytes, now: Time32) -> Flow[TrustMaterial]:
    """Fetch the CTLs from the anchor's on, the CCF, the RA certificate and the composite CRL, and verify them
    (Ieee1609Error naming what failed; ServerError when the RA refuses)."""
    anchor = parse_ctl(anchor_ctl)
    series = {"ctlSeriesId": anchor.series_id.hex()}
    ctl_file, now = yield from call(component_get(
        ra_url, "v3/ctl", "ra/ctl", {**series, "ctlSequenceNumber": str(anchor.sequence_number)}
    ))
    ccf, now = yield from call(component_get(ra_url, "v3/ccf-ctl", "ra/ccf-ctl", series))
    ra_certificate, now = yield from call(component_get(ra_url, "v3/ra-certificate", "ra/ra-certificate"))
    composite_crl, now = yield from call(component_get(ra_url, "v3/composite-crl-ctl", "ra/composite-crl-ctl", series))
    ctls = read_ctl_file(ctl_file, anchor.series_id)
    return TrustMaterial.verify(anchor_ctl, [ctl.raw for ctl in ctls], ccf, composite_crl, ra_certificate, now)

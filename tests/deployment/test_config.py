"""scms.toml: the commented default round-trips, every option is read, every bad option is named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scms.crypto import ButterflyVariant, Curve
from scms.deployment import ConfigError, DeploymentConfig, Layout, load_config, parse_config, render_config
from scms.deployment.config import CURVES
from scms.dot2.region import IdentifiedRegions

CUSTOM = """
format_version = 1
[deployment]
name = "v2x.example.org"
base_url = "https://scms.example.org"
[policy]
time-iPeriodLength = 86400
time-baseCertNumber = 10
ra-butterflyType = ["original"]
eca-maxAge = 60
[devices.obu]
enrollment_validity_years = 3
region = { countries = [840] }
[[devices.obu.authorization]]
name = "bsm"
kind = "pseudonym"
app_permissions = [{ psid = 32 }, { psid = 38, ssp = "01" }]
butterfly_types = ["original"]
[manager.electors]
count = 5
quorum = 3
curve = "brainpoolP384r1"
[manager.root]
curve = "P-384"
region = { countries = [840, 124] }
[manager.ctl]
series_id = "0102030405060708"
[aca]
compact_unified = false
error_mode = "coarse"
[ra]
url = "https://ra.example.org/v3base"
database_url = "postgresql+psycopg://ra@db/ra"
max_body_size = 4096
operator_token_file = "/run/secrets/ra-operator"
[la1]
la_id = 7
[la2]
la_id = 9
[ma]
relevant_psids = [32]
"""


def test_default_file_round_trips_and_is_valid_toml() -> None:
    text = render_config(DeploymentConfig())
    tomllib.loads(text)
    assert parse_config(text) == DeploymentConfig()
    assert "# `eca-maxAge`" in text and "eca-maxAge = 300" in text  # 1609.2.1 names, commented


def test_custom_values_are_read() -> None:
    config = parse_config(CUSTOM)
    assert config.deployment.name == "v2x.example.org"
    assert config.policy.i_period_length == 86400 and config.policy.base_cert_number == 10
    assert config.policy.butterfly_types == (ButterflyVariant.ORIGINAL,)
    assert config.policy.eca_max_age == 60
    assert config.manager.electors.count == 5 and config.manager.electors.quorum == 3
    assert CURVES[config.manager.electors.curve] is Curve.BRAINPOOL_P384R1
    assert CURVES[config.manager.root.curve] is Curve.P384
    assert isinstance(config.manager.root.region and config.manager.root.region.to_region(), IdentifiedRegions)
    obu = config.devices.obu
    assert obu.enrollment_validity_years == 3
    assert isinstance(obu.region and obu.region.to_region(), IdentifiedRegions)
    assert [p.psid for p in obu.request_permissions()] == [32, 38]
    assert config.manager.ctl.series_bytes == bytes.fromhex("0102030405060708")
    assert config.aca.error_mode == "coarse" and config.aca.compact_unified is False
    assert config.url("ra") == "https://ra.example.org/v3base"
    assert config.url("eca") == "https://scms.example.org/eca"
    layout = Layout(Path("/srv/scms"))
    assert config.database_url("ra", layout) == "postgresql+psycopg://ra@db/ra"
    assert config.database_url("la1", layout) == "sqlite:////srv/scms/la1/data/la1.sqlite"
    assert config.ra.max_body_size == 4096 and config.ra.operator_token_file == "/run/secrets/ra-operator"
    assert (config.la1.la_id, config.la2.la_id) == (7, 9)
    assert config.ma.relevant_psids == (32,)
    assert config.device_psids() == (32, 38, 135)  # the RSU default stays
    # The rendered form of a custom configuration reads back to the same configuration.
    assert parse_config(render_config(config)) == config


BAD = [
    ("[ra]\ncolour = 1", "ra.colour", "unknown option"),
    ("[policy]\neca_max_age = 3", "policy.eca_max_age", "unknown option"),
    ("[policy]\neca-maxAge = -1", "policy.eca-maxAge", "greater than or equal to 1"),
    ("[policy]\nra-butterflyType = [\"original\", \"original\"]", "policy", "twice"),
    ("[policy]\nra-butterflyType = [\"sideways\"]", "policy.ra-butterflyType[0]", "original"),
    ("[manager.electors]\nquorum = 4", "manager.electors.quorum", "exceeds manager.electors.count"),
    ("[manager.electors]\ncurve = \"P-256\"", "manager.electors.curve", "P-384"),
    ("[manager.root]\ncurve = \"P-521\"", "manager.root.curve", "P-384"),
    ("[eca]\ncurve = \"P-384\"", "eca.curve", "P-256"),
    ("[la2]\nla_id = 1", "la2.la_id", "distinct"),
    ("[la1]\nurl = \"http://x\"", "la1.la_id", "Field required"),
    ("[la1]\nla_id = 70000", "la1.la_id", "65535"),
    ("[aca]\ncompact_unified = false", "aca.compact_unified", "compactUnified"),
    ("[manager.ica]\nvalidity_years = 40", "manager.ica.validity_years", "exceeds manager.root"),
    ("[manager.crl]\nvalidity_years = 31", "manager.crl.validity_years", "exceeds manager.root"),
    ("[ma]\nvalidity_years = 21", "ma.validity_years", "exceeds manager.ica"),
    ("[devices.rsu]\nenrollment_validity_years = 11\n[[devices.rsu.authorization]]\nname = \"x\"\n"
     "kind = \"identification\"\napp_permissions = [{ psid = 135 }]\nvalidity_hours = 1",
     "devices.rsu.enrollment_validity_years", "exceeds eca.validity_years"),
    ("[manager.crl]\npseudonym_series = 256", "manager.crl", "must differ"),
    ("[manager.ctl]\nseries_id = \"01\"", "manager.ctl.series_id", "pattern"),
    ("[deployment]\nbase_url = \"ftp://x\"", "deployment.base_url", "pattern"),
    ("[deployment]\nname = \"Bad Name\"", "deployment.name", "pattern"),
    ("[ra]\nerror_mode = \"loud\"", "ra.error_mode", "fine"),
    ("[ra]\nmax_body_size = 10", "ra.max_body_size", "1024"),
    ("[manager.root]\nregion = { countries = [840] }\n[eca]\nregion = { circle = { latitude = 1.0, longitude = 2.0, "
     "radius = 5 } }", "eca.region", "not within"),
    ("[manager.root]\nregion = { countries = [840], circle = { latitude = 1.0, longitude = 2.0, radius = 5 } }",
     "manager.root.region", "exactly one"),
    ("[manager.root]\nregion = { rectangles = [[10.0, 20.0, 30.0, 40.0]] }", "manager.root.region", "north"),
    ("[manager.root]\nregion = { countries = [840] }\n[devices.rsu]\nregion = { rectangles = [[45.0, -90.0, 40.0, "
     "-80.0]] }\n[[devices.rsu.authorization]]\nname = \"x\"\nkind = \"identification\"\n"
     "app_permissions = [{ psid = 135 }]\nvalidity_hours = 1",
     "devices.rsu.region", "not within the region of the ECA"),
    ("[devices.obu]\nauthorization = []", "devices.obu.authorization", "at least 1"),
    ("[[devices.obu.authorization]]\nname = \"p\"\nkind = \"pseudonym\"\napp_permissions = [{ psid = 32 }]",
     "devices.obu.authorization[0]", "butterfly_types"),
    ("[[devices.obu.authorization]]\nname = \"p\"\nkind = \"identification\"\napp_permissions = [{ psid = 32 }]"
     "\nvalidity_hours = 5\nbutterfly_types = [\"unified\"]", "devices.obu.authorization[0]", "no butterfly_types"),
    ("[[devices.obu.authorization]]\nname = \"p\"\nkind = \"identification\"\n"
     "app_permissions = [{ psid = 32, ssp = \"zz\" }]\nvalidity_hours = 5",
     "devices.obu.authorization[0].app_permissions[0].ssp", "hex"),
    ("[policy]\nra-butterflyType = [\"original\"]\n[aca]\ncompact_unified = false\n[[devices.obu.authorization]]\n"
     "name = \"p\"\nkind = \"pseudonym\"\napp_permissions = [{ psid = 32 }]\nbutterfly_types = [\"unified\"]",
     "devices.obu.authorization[0].butterfly_types", "not in policy.ra-butterflyType"),
    ("format_version = 2", "format_version", "1"),
]


@pytest.mark.parametrize(("text", "option", "reason"), BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_option_is_named(text: str, option: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "site.toml")
    message = str(caught.value)
    assert message.startswith("site.toml: ")
    assert option in caught.value.options, message
    assert f"{option}: " in message and reason in message, message
    assert "\n" not in message


def test_secret_values_are_not_echoed() -> None:
    """A wrong value may be a pasted secret: the error names the option, never repeats the value."""
    with pytest.raises(ConfigError) as caught:
        parse_config('[ra]\noperator_token_file = 12345678987654321\n')
    assert "ra.operator_token_file" in str(caught.value)
    assert "12345678987654321" not in str(caught.value)


def test_load_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "scms.toml"
    with pytest.raises(ConfigError, match=r"scms\.toml: cannot read"):
        load_config(path)
    path.write_text("[ra\n")
    with pytest.raises(ConfigError, match=r"scms\.toml: not valid TOML"):
        load_config(path)
    path.write_text(CUSTOM)
    assert load_config(path) == parse_config(CUSTOM)

"""The deployment layer's view of a deployment's certificates over time: generations of file names, the manifest
history, the inventory (issuer by HashedId8, root of a chain) and what the CCF and composite CRL must carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from scms.deployment import load_deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.layout import Layout
from scms.deployment.manifest import read_manifest
from scms.deployment.publication import CCF_COMPONENTS, ccf_certificates, composite_crl_entries, home_trust
from scms.protocol import parse_ccf, parse_composite_crl

from ._deployment import LATER
from ._trust import read_manifest as manifest_json
from ._trust import write_manifest


def test_generation_names(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    assert layout.certificate("eca") == layout.certificate("eca", 1) == tmp_path / "public/certificates/eca.oer"
    assert layout.certificate("eca", 2).name == "eca-2.oer"
    assert layout.key_file("ra", "encryption", 3) == tmp_path / "ra/keys/encryption-3.key"
    with pytest.raises(ValueError, match="numbered from 1"):
        layout.key_file("ra", "signing", 0)


def test_a_manifest_without_history_still_loads(pristine: Path, tmp_path: Path) -> None:
    value = manifest_json(pristine)
    assert value["history"] == []  # init writes the field ...
    del value["history"]  # ... and a manifest written before it existed still reads
    write_manifest(tmp_path, value)
    assert read_manifest(tmp_path / "deployment.json").history == ()


def test_inventory_links_issuers(pristine: Path) -> None:
    deployment = load_deployment(pristine)
    inventory = load_inventory(deployment)
    assert all(h.current for h in inventory) and len(inventory.held) == 12
    ra = deployment.certificate("ra")
    issuer = inventory.issuer(ra)
    assert issuer is not None and issuer.component == "ica"
    assert inventory.root_of(ra) == deployment.certificate("root")
    assert inventory.issuer(deployment.certificate("root")) is None and inventory.find(None) is None
    assert inventory.next_generation("eca") == 2 and inventory.next_generation("elector-4") == 1
    current = inventory.current_held("ma")
    assert current is not None and current.certificate == deployment.certificate("ma")


def test_publication_rules_match_what_init_published(pristine: Path) -> None:
    deployment = load_deployment(pristine)
    trust = home_trust(deployment, LATER)
    assert trust.sequence_number == 1
    inventory = load_inventory(deployment)
    expected = ccf_certificates(inventory, trust, LATER)
    assert expected == parse_ccf(deployment.ccf()).others
    assert expected == tuple(deployment.certificate(name) for name in CCF_COMPONENTS)
    entries = composite_crl_entries(deployment.manifest, trust)
    assert {deployment.read(e.file) for e in entries} == set(parse_composite_crl(deployment.composite_crl()).crls)
    assert len(entries) == 4

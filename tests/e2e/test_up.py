"""`scms up` itself, over real HTTP: every component answers under its prefix with its own database, at the URLs
the policy gives devices; the internal apps are not reachable; the MA is said to be missing; what it printed tells
an operator where everything is."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from scms.dot2.certificate import Certificate
from scms.services.runtime import EMBEDDED_COMPONENTS

from ._up import Up


def test_it_serves_every_component_where_the_policy_says(scms: Up, web: httpx.Client) -> None:
    print(f"scms up: verified and serving after {scms.started_s:.2f} s")
    assert scms.started_s < 60
    policy = json.loads((scms.directory / "public" / "policy" / "global.json").read_text())
    assert policy["urls"] == {**{c: f"{scms.url}/{c}" for c in EMBEDDED_COMPONENTS}, "ma": f"{scms.url}/ma"}
    for component in EMBEDDED_COMPONENTS:
        ready = web.get(f"/{component}/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready", component
        assert web.get(f"/{component}/openapi.json").status_code == 200
        assert scms.deployment.layout.database_file(component).is_file()
    certificate = web.get("/ra/v3/ra-certificate")
    assert certificate.status_code == 200
    assert Certificate.from_bytes(certificate.content) == scms.deployment.certificate("ra")


def test_only_the_public_apps_are_reachable(web: httpx.Client) -> None:
    assert web.get("/ma/healthz").status_code == 404                       # no MA service yet
    assert web.post("/ra/internal/v1/registration-check", json={}).status_code == 404
    assert web.post("/eca/internal/v1/successor-enrollment", json={}).status_code == 404
    assert web.get("/internal/v1/registration-check").status_code == 404


def test_what_it_printed(scms: Up) -> None:
    out = scms.printed.out()
    assert out[0].startswith(f"SCMS up: deployment {scms.directory} (scms.example), ")
    for component in EMBEDDED_COMPONENTS:
        assert any(line.split()[:2] == [component, f"{scms.url}/{component}"] for line in out), component
    assert any(line.split()[:3] == ["ma", "not", "served:"] for line in out)
    token_file = Path(next(line for line in out if line.startswith("operator token: ")).split()[2])
    assert token_file.read_text().strip() == scms.token and token_file.stat().st_mode & 0o077 == 0
    assert scms.token not in "\n".join(out)
    for la in ("la1", "la2"):
        line = next(line for line in out if line.startswith(f"{la} seed-release token: "))
        assert line.split()[3] == str(scms.deployment.layout.secrets_dir(la) / "release-token")
        assert line.endswith(f"(on {scms.url}/{la}/v1/linkage-seeds)")
    databases = {line.split()[1].rstrip(":"): line.split()[2] for line in out if line.startswith("database ")}
    assert databases == {c: f"sqlite:///{scms.deployment.layout.database_file(c).resolve()}"
                         for c in EMBEDDED_COMPONENTS}
    assert scms.printed.err() == []                                         # the policy names where it serves

"""Where `scms up` listens and whether the policy sends devices there (`scms.services.runtime.addresses`)."""

from __future__ import annotations

import pytest

from scms.services.runtime import (
    DEFAULT_ADDRESS,
    EMBEDDED_COMPONENTS,
    Mismatch,
    base_url_for,
    listen_address,
    policy_mismatches,
    served_urls,
)


@pytest.mark.parametrize(("base_url", "address"), [
    ("http://127.0.0.1:8080", ("127.0.0.1", 8080)),
    ("http://scms.example:9000/", ("scms.example", 9000)),
    ("http://[::1]:8443", ("::1", 8443)),
    ("http://10.0.0.5", ("10.0.0.5", 80)),
    ("https://scms.example.com", DEFAULT_ADDRESS),         # TLS ends in a proxy in front
    ("http://scms.example.com/v1", DEFAULT_ADDRESS),       # a path: something in front maps it
])
def test_listen_address(base_url: str, address: tuple[str, int]) -> None:
    assert listen_address(base_url) == address


def test_base_url_for_the_listening_address() -> None:
    assert base_url_for("127.0.0.1", 9001, "http://127.0.0.1:8080") == "http://127.0.0.1:9001"
    assert base_url_for("::1", 9001, "http://127.0.0.1:8080") == "http://[::1]:9001"
    # devices cannot connect to the wildcard address: the configured host stays
    assert base_url_for("0.0.0.0", 9001, "http://scms.example:8080") == "http://scms.example:9001"
    assert base_url_for("::", 9001, "https://scms.example.com") == "http://127.0.0.1:9001"


def test_policy_mismatches() -> None:
    served = served_urls("127.0.0.1", 8080, EMBEDDED_COMPONENTS)
    assert served["la1"] == "http://127.0.0.1:8080/la1"
    policy = dict(served)
    assert policy_mismatches(policy, "127.0.0.1", 8080, EMBEDDED_COMPONENTS) == []
    assert policy_mismatches(policy, "localhost", 8080, EMBEDDED_COMPONENTS) == []          # both loopback
    assert policy_mismatches(policy, "0.0.0.0", 8080, EMBEDDED_COMPONENTS) == []
    assert [m.component for m in policy_mismatches(policy, "127.0.0.1", 9000, EMBEDDED_COMPONENTS)] == list(
        EMBEDDED_COMPONENTS)
    policy["eca"] = "https://scms.example.com/eca"                                           # behind a proxy
    del policy["la2"]
    policy["aca"] = "http://127.0.0.1:8080/aca?x=1"
    assert policy_mismatches(policy, "127.0.0.1", 8080, EMBEDDED_COMPONENTS) == [
        Mismatch("eca", "https://scms.example.com/eca", "http://127.0.0.1:8080/eca"),
        Mismatch("aca", "http://127.0.0.1:8080/aca?x=1", "http://127.0.0.1:8080/aca"),
        Mismatch("la2", "(none)", "http://127.0.0.1:8080/la2"),
    ]
    assert policy_mismatches({"ra": "http://10.1.1.1:8080/ra"}, "127.0.0.1", 8080, ["ra"])[0].component == "ra"

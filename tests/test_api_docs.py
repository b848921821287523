"""The Python examples of every API page (docs/api*.md, and docs/services.md for the services' common runtime) run
as written: in order, one namespace per page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = [*sorted(DOCS.glob("api*.md")), DOCS / "services.md"]


def _examples(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)


def test_every_layer_has_an_api_page() -> None:
    names = {page.name for page in PAGES}
    assert {"api.md", "api-crypto.md", "api-asn1.md", "api-dot2-certificates.md", "api-dot2-spdu.md",
            "api-dot2-crl.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_page_examples_run_in_order(page: Path) -> None:
    examples = _examples(page)
    assert examples, f"{page.name} has no Python example"
    namespace: dict[str, Any] = {}
    for number, source in enumerate(examples, start=1):
        exec(compile(source, f"{page}:example-{number}", "exec"), namespace)  # our own documentation as a test

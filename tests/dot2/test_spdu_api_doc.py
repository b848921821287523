"""The Python examples of docs/api-dot2-spdu.md run as written, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-dot2-spdu.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_the_page_has_examples() -> None:
    assert len(BLOCKS) >= 6


def test_examples_run_in_order() -> None:
    namespace: dict[str, object] = {}
    for number, source in enumerate(BLOCKS, start=1):
        exec(compile(source, f"{DOC}:example-{number}", "exec"), namespace)  # our own documentation as a test

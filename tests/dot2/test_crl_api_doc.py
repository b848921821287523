"""The Python examples of docs/api-dot2-crl.md run as written, in order, as one session."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-dot2-crl.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_every_example_runs_in_order() -> None:
    assert len(BLOCKS) >= 7
    namespace: dict[str, Any] = {}
    for source in BLOCKS:
        exec(compile(source, str(DOC), "exec"), namespace)  # our own documentation, executed as a test

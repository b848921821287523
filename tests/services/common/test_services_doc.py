"""The Python examples of docs/services.md run as written, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PAGE = Path(__file__).resolve().parents[3] / "docs" / "services.md"


def test_services_page_examples_run() -> None:
    examples = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)
    assert len(examples) >= 3
    namespace: dict[str, Any] = {}
    for number, source in enumerate(examples, start=1):
        exec(compile(source, f"{PAGE}:example-{number}", "exec"), namespace)  # our own documentation as a test

"""`refused(f, *args)`: call f, expect a CodecError, return it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scms.asn1 import CodecError


def refused(function: Callable[..., Any], *args: Any) -> CodecError:
    with pytest.raises(CodecError) as caught:
        function(*args)
    return caught.value

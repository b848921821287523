"""Shared timing helper for the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def per_op_micros(fn: Callable[[], object], min_seconds: float = 0.3, repeat: int = 3) -> float:
    """Best-of-`repeat` microseconds per call of `fn`, each round running at least `min_seconds`."""
    fn()  # warm caches (compiled specs, curve objects)
    best = float("inf")
    for _ in range(repeat):
        count = 0
        start = time.perf_counter()
        elapsed = 0.0
        while elapsed < min_seconds:
            for _ in range(10):
                fn()
            count += 10
            elapsed = time.perf_counter() - start
        best = min(best, elapsed / count * 1e6)
    return best

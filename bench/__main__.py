"""Run every `bench/bench_*.py` module's `run()` and print its figures with the hardware they ran on.

Each module's `run()` returns rows of (operation, microseconds per operation) and may print extra lines of its own
(ratios, goals). `python -m bench [NAME ...]` runs only the named modules (e.g. `crypto aca`).
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    wanted = argv or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    print(f"# {_cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.machine()})")
    for name in wanted:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"\n## {name}")
        for operation, micros in module.run():
            print(f"{operation:<58} {micros:>10.1f} µs/op  {1e6 / micros:>10.0f} op/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

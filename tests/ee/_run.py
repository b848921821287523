"""Run a flow against the test SCMS without a driver: each HttpRequest goes to `MiniScms.handle`, each Wait moves
the fake clock."""

from __future__ import annotations

from typing import TypeVar

from scms.ee.exchange import Flow, HttpRequest, Reply, Step, Wait

from ._scms import FakeClock, MiniScms

T = TypeVar("T")


def run(flow: Flow[T], scms: MiniScms, clock: FakeClock, steps: list[Step] | None = None) -> T:
    """Drive `flow` to its result; every step it yields is appended to `steps` when given."""
    try:
        step = next(flow)
        while True:
            if steps is not None:
                steps.append(step)
            if isinstance(step, Wait):
                clock.now = max(clock.now, step.until)
                step = flow.send(Reply(clock()))
            else:
                assert isinstance(step, HttpRequest)
                step = flow.send(Reply(clock(), scms.handle(step)))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]

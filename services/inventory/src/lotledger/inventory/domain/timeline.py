"""What a batch held at an earlier instant, for commands scanned before events already
recorded (docs/adr/0012-device-time.md).

The batch stream is in recorded order; quantities are sums of holding deltas, so the
order does not change today's on-hand, only what was held in between. A command dated
`since` that takes stock must leave every holding non-negative at every instant from
`since` on: the quantity it may take is the least the holding held over `[since, now]`,
walking the events stamped after `since` by their `at` (then stream version).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.contracts.holdings import HoldingDelta
from lotledger.shared.contracts.stock import HoldingStatus


@dataclass(frozen=True)
class Stamped:
    """One event of a batch: when it happened, its version, and what it moved."""

    at: datetime
    version: int
    deltas: tuple[HoldingDelta, ...]


class NeedHistory(Exception):
    """A back-dated command needs the batch's recent events, which were not loaded."""

    def __init__(self, batch_id: str) -> None:
        super().__init__(batch_id)
        self.batch_id = batch_id


def dated_after(state: BatchState, since: datetime | None) -> bool:
    """Whether events of the batch may be stamped after `since` (a back-dated command)."""
    if since is None or not state.exists:
        return False
    return state.last_at is None or state.last_at > since


def _later(
    timeline: Sequence[Stamped], location: str, holding: HoldingStatus, since: datetime
) -> list[int]:
    """The holding's deltas of events stamped after `since`, in time order."""
    later = sorted((s for s in timeline if s.at > since), key=lambda s: (s.at, s.version))
    return [
        delta
        for stamped in later
        for loc, status, delta in stamped.deltas
        if loc == location and status == holding
    ]


def held_at(
    state: BatchState,
    timeline: Sequence[Stamped],
    location: str,
    holding: HoldingStatus,
    since: datetime,
) -> tuple[int, int]:
    """(what the holding held at `since`, the least it held from `since` on)."""
    current = state.at(location, holding)
    deltas = _later(timeline, location, holding, since)
    then = current - sum(deltas)
    least = running = then
    for delta in deltas:
        running += delta
        least = min(least, running)
    return then, least

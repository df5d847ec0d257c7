"""What a stock request is and what it answers: plain results the service builds itself.

An accepted operation's `plain()` is the answer stored under its idempotency key and
replayed to a retry: event ids, types, batches, stream versions and hashes, the touched
batches' states and, for picks, the allocations. A whole request's answer (a batch of
operations, a stocktake, a recall) is rendered once, from its operations' results, by
the caller's `render`, and stored under the request's key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lotledger.inventory.adapters.batch_rows import held_to_json
from lotledger.inventory.adapters.envelopes import Metadata, SignedEvent
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.service.sync_records import Origin
from lotledger.inventory.service.units import StockUnit
from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.errors import DomainError
from lotledger.shared.idempotency import StoredResponse

PICKED = "lotledger.stock.picked.v1"


@dataclass(frozen=True)
class Operation:
    command: c.Command
    key: str | None = None
    fingerprint: str | None = None
    causation: str | None = None
    origin: Origin | None = None
    """Set for an operation of an offline sync: a refusal is kept as a sync conflict."""
    meta: Metadata | None = None
    principal: Principal | None = None
    """Set for an operation of another request than the one carrying it (group commit):
    who asked, and the request's metadata; otherwise the carrying request's."""


@dataclass(frozen=True)
class Accepted:
    events: list[SignedEvent]
    batches: list[BatchState]

    def plain(self) -> dict[str, Any]:
        """The answer to this operation as plain data (the API's `CommandResponse`)."""
        return {
            "events": [
                {
                    "id": str(e.id),
                    "type": e.type,
                    "batch_id": e.subject,
                    "stream_version": e.streamversion,
                    "hash": e.hash,
                }
                for e in self.events
            ],
            "batches": [
                {
                    "batch_id": s.batch_id,
                    "gtin": s.gtin,
                    "lot": s.lot,
                    "expiry": s.expiry.isoformat() if s.expiry else None,
                    "status": str(s.status) if s.status else None,
                    "version": s.version,
                    "on_hand": dict(sorted(s.on_hand.items())),
                    "total": s.total,
                    "held": held_to_json(s.held) if s.held else {},
                }
                for s in self.batches
            ],
            "allocations": [
                {
                    "lot": e.data["lot"],
                    "location": e.data["location"],
                    "qty": e.data["qty"],
                    "fefo_deviation": bool(e.data.get("fefo_deviation", False)),
                }
                for e in self.events
                if e.type == PICKED
            ],
        }


@dataclass(frozen=True)
class Replayed:
    """An operation answered before under its key: what was stored then."""

    response: StoredResponse


Result = Accepted | Replayed | DomainError | Forbidden
ProblemOf = Callable[[DomainError], dict[str, Any]]
"""The RFC 9457 body of a refusal, as the edge would answer it."""
Also = Callable[[StockUnit, list[Result]], Awaitable[None]]
"""Run in the request's transaction after its events are appended, before the commit."""


@dataclass(frozen=True)
class WholeRequest:
    """A whole multi-operation request: `render` makes its answer from its operations'
    results (once); under `key` that answer is stored with the events, and a retry
    replays it without running anything."""

    render: Callable[[list[Result]], tuple[int, bytes]]
    key: str | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class Request:
    operations: Sequence[Operation]
    meta: Metadata
    principal: Principal
    whole: WholeRequest | None = None
    problem_of: ProblemOf | None = None
    """Needed when operations have an `origin`: how their refusals are kept."""
    sync_topic: str = ""
    also: Also | None = None
    """More to write in the request's transaction once its operations are decided (the
    request then runs in one locking transaction from its first attempt)."""


@dataclass(frozen=True)
class Outcome:
    """One result per operation, in order, and a whole request's answer (`response`),
    which `replayed` marks as answered before (its `results` are then empty)."""

    results: list[Result] = field(default_factory=list)
    response: StoredResponse | None = None
    replayed: bool = False

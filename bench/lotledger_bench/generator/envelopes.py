"""Stock events as CloudEvents (DESIGN §5) with each batch's hash chain (§4.6).

Envelopes are built as plain dicts in exactly the form `CloudEvent.to_dict()` gives
(UTC microsecond times, no null members), so the hash is the one any consumer
recomputes; ids come from the seeded generator, so a seed always yields the same bytes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lotledger.shared.contracts.stock import TYPE_OF, StockEvent
from lotledger.shared.envelope import format_time
from lotledger.shared.identifiers import warehouse_of
from lotledger.verify.chain import GENESIS, chain_hash


@dataclass
class Chainer:
    """Turns (batch id, event) into the next envelope of that batch's stream."""

    seed: int
    actor: str = "generator"
    device: str | None = "gen-01"
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def envelope(
        self, batch_id: str, event: StockEvent, at: datetime, correlation: str | None = None
    ) -> dict[str, Any]:
        version, prev = self.heads.get(batch_id, (0, GENESIS))
        data = event.as_data()
        location = data.get("location") or data.get("from_location")
        unsigned: dict[str, Any] = {
            "specversion": "1.0",
            "id": str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            "source": f"/inventory/{warehouse_of(location)}" if location else "/inventory",
            "type": TYPE_OF[type(event)],
            "subject": batch_id,
            "time": format_time(at),
            "datacontenttype": "application/json",
            "data": data,
            "streamversion": version + 1,
            "actor": self.actor,
            "device": self.device,
            "correlationid": correlation,
            "prevhash": prev,
        }
        envelope = {k: v for k, v in unsigned.items() if v is not None}
        envelope["hash"] = chain_hash(prev, envelope)
        self.heads[batch_id] = (version + 1, envelope["hash"])
        return envelope

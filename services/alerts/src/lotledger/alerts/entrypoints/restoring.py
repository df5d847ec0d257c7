"""The projection a rebuild replays into the rebuild schema (`service/restore.py`): the
projector's four topics for the facts, and `lotledger.alerts.v1` for the alerts. Its
positions are stored under the projector's consumer name, so they compare with the live
ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.entrypoints.projector import CONSUMER, PAYLOADS, parse
from lotledger.alerts.service.evaluation import Context
from lotledger.alerts.service.restore import readings, restore
from lotledger.shared.clock import Clock
from lotledger.shared.contracts import alerts, topics
from lotledger.shared.contracts.common import Payload
from lotledger.shared.projection import Record
from lotledger.shared.settings import CommonSettings

RESTORED: dict[str, dict[str, type[Payload]]] = {**PAYLOADS, topics.ALERTS: alerts.EVENT_TYPES}


class RestoringProjection:
    consumer = CONSUMER

    def __init__(
        self, settings: CommonSettings, clock: Clock, only: Sequence[str] | None = None
    ) -> None:
        self.clock = clock
        self._topic = {settings.topic(name): name for name in RESTORED}
        wanted = RESTORED if only is None else only
        self.topics: Sequence[str] = sorted(settings.topic(name) for name in wanted)

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        ctx = Context(await Stores.within(conn), self.clock.now())
        latest: dict[str, tuple[str, datetime]] = {}
        for record in records:
            parsed = parse(record, RESTORED.get(self._topic.get(record.topic, ""), {}))
            if parsed is not None:
                await restore(ctx, *parsed, latest)
        await readings(ctx, latest)
        await ctx.stores.flush()

"""The checkpointer: the only process holding the signing key. One is active (a session
advisory lock; others wait as standbys). It signs a checkpoint within seconds of
starting, then on a steady wall-clock schedule (multiples of the interval, so restarts
never push the next one back), and as soon as `checkpoint_max_leaves` published events
await one — each only when the stock topic holds something new."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime

import structlog

from lotledger.inventory.adapters.log_store import LogStore
from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.adapters.stock_source import KafkaStockSource
from lotledger.inventory.service.checkpointing import LogConfig, take_checkpoint
from lotledger.inventory.settings import CheckpointerSettings
from lotledger.shared.contracts.topics import CHECKPOINTS, STOCK
from lotledger.shared.db import driver_connect
from lotledger.shared.runner import sleep_or_stop

log = structlog.get_logger("lotledger.checkpointer")
LOCK_KEY = 0x6C6F67636865636B  # "logcheck"


def next_tick(now: float, interval_s: float) -> float:
    return math.floor(now / interval_s) * interval_s + interval_s


class Checkpointer:
    def __init__(self, settings: CheckpointerSettings, poll_s: float = 1.0) -> None:
        self.settings = settings
        self.poll_s = poll_s
        self.signer = Signer.from_seed(settings.signing_seed())

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        conn = await driver_connect(
            s.inventory_database_url, s.inventory_db_schema, "lotledger-checkpointer"
        )
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
                await sleep_or_stop(stop, 1.0)
                if stop.is_set():
                    return
            log.info("checkpointer_active", key_id=self.signer.key_id)
            source = KafkaStockSource(s, s.topic(STOCK), "lotledger-checkpointer")
            await source.start()
            try:
                await self._serve(LogStore(conn), source, stop)
            finally:
                await source.stop()
        finally:
            await conn.close()

    async def _serve(self, store: LogStore, source: KafkaStockSource, stop: asyncio.Event) -> None:
        s = self.settings
        partitions = max(1, len(await source.ends()))
        config = LogConfig(
            s.topic(STOCK), s.topic(CHECKPOINTS), s.checkpoint_max_leaves, partitions
        )
        due = time.time() + s.checkpoint_startup_s
        while not stop.is_set():
            try:
                latest = await store.latest()
                covered = latest.offsets if latest else {}
                ends = await source.ends()
                waiting = sum(max(0, end - covered.get(p, 0)) for p, end in ends.items())
                if waiting and (time.time() >= due or waiting >= s.checkpoint_max_leaves):
                    config = LogConfig(
                        config.log, config.topic, config.max_leaves, max(1, len(ends))
                    )
                    taken = await take_checkpoint(
                        store, source, self.signer, config, datetime.now(UTC)
                    )
                    if taken is not None:
                        log.info(
                            "checkpoint_signed", checkpoint=taken.id, tree_size=taken.tree_size
                        )
                        continue
                if time.time() >= due:
                    due = next_tick(time.time(), s.checkpoint_interval_s)
            except Exception as exc:
                log.warning("checkpoint_failed", error=str(exc))
            await sleep_or_stop(stop, self.poll_s)

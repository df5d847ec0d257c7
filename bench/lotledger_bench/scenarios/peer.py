"""The peer: the `eventsourcing` package's Postgres recorders appending equivalent events
(the same generated envelopes as their state, ~700 bytes), one new aggregate per call
with a few events each, from as many threads as the bench's append concurrency.

The application recorder is the peer's counterpart of lotledger's store (a global,
gap-free notification order: it takes a table lock per insert); the aggregate recorder
(no global order) is reported beside it.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario
from lotledger_bench.scenarios.rows import payload_bytes


def _datastore(ctx: Context) -> PostgresDatastore:
    url = urlsplit(ctx.env.database_admin_url())
    return PostgresDatastore(
        dbname=url.path.lstrip("/"),
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "",
        password=url.password or "",
        pool_size=ctx.cfg.append_concurrency,
        schema="baseline",
    )


def _append(recorder: Any, ctx: Context, seconds: float, warmup: float) -> dict[str, Any]:
    per_aggregate, threads = ctx.cfg.peer_events_per_aggregate, ctx.cfg.append_concurrency
    payloads = payload_bytes(ctx.cfg.seed)
    counted = [0] * threads
    start = time.monotonic()
    measure_from, stop = start + warmup, start + warmup + seconds

    def worker(w: int) -> None:
        i = w
        while (now := time.monotonic()) < stop:
            aggregate = uuid.uuid4()
            events = []
            for version in range(1, per_aggregate + 1):
                i = (i + 1) % len(payloads)
                events.append(StoredEvent(aggregate, version, "lotledger.stock:Event", payloads[i]))
            recorder.insert_events(events)
            if now >= measure_from:
                counted[w] += per_aggregate

    pool = [threading.Thread(target=worker, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {
        "events_per_s": round(sum(counted) / seconds, 1),
        "threads": threads,
        "events_per_call": per_aggregate,
    }


def _measure(ctx: Context) -> list[tuple[str, str, dict[str, Any]]]:
    datastore = _datastore(ctx)
    try:
        results = []
        for key, label, cls in (
            ("application", "ApplicationRecorder (global order)", PostgresApplicationRecorder),
            ("aggregate", "AggregateRecorder (no global order)", PostgresAggregateRecorder),
        ):
            recorder = cls(datastore, events_table_name=f"peer_{key}_events")
            recorder.create_table()
            results.append((key, label, _append(recorder, ctx, ctx.cfg.durations.peer_s, 1.0)))
        return results
    finally:
        datastore.close()


@scenario(
    "peer",
    "Peer: eventsourcing Postgres recorder",
    "events/s appended by eventsourcing's recorders, same events, same concurrency",
)
async def run(ctx: Context) -> Outcome:
    out = Outcome()
    for key, label, result in await asyncio.to_thread(_measure, ctx):
        out.runs.append({"label": f"eventsourcing {label}", **result})
        out.figures.append(
            Figure(
                f"peer.{key}_events_per_s",
                f"eventsourcing {label}, {result['events_per_call']} events per call",
                result["events_per_s"],
                "events/s",
            )
        )
    return out

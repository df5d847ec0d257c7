"""Replaying topics with several processes, each owning a share of their partitions.

Every read-model row belongs to one Kafka key, so to one partition (a lot's stock events,
a sensor's readings), and the processes never write the same row; each stores its own
partitions' positions. One core per process is what bounds a single replay (decoding and
folding in Python), so this is how a rebuild uses more cores. Starting a process costs a
few seconds of imports, so each process takes its share of every topic at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from lotledger.shared.gc_tuning import tune_gc
from lotledger.shared.kafka import partitions_of
from lotledger.shared.replay import replay_all
from lotledger.traceability.entrypoints.wiring import Wiring


async def replay_topics(wiring: Wiring, schema: str, topics: Sequence[str], jobs: int) -> int:
    """Records applied replaying `topics` into `schema` with `jobs` processes."""
    settings = wiring.settings
    if jobs <= 1:
        return await _replay_share(wiring, schema, list(topics), None)
    count = max([len(await partitions_of(settings.kafka_bootstrap, t)) for t in topics] or [0])
    shares = [list(range(count))[i::jobs] for i in range(min(jobs, count))]
    loop = asyncio.get_running_loop()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(shares), mp_context=spawn) as pool:
        done = [
            loop.run_in_executor(pool, _replay_in_process, wiring, schema, list(topics), share)
            for share in shares
        ]
        return sum(await asyncio.gather(*done))


def _replay_in_process(wiring: Wiring, schema: str, topics: list[str], share: list[int]) -> int:
    tune_gc()
    return asyncio.run(_replay_share(wiring, schema, topics, share))


async def _replay_share(
    wiring: Wiring, schema: str, topics: list[str], share: list[int] | None
) -> int:
    """Replay the partitions numbered in `share` (all when None) of every topic: the
    others are bounded at offset zero, so this process never touches them."""
    settings, until = wiring.settings, None
    if share is not None:
        every = [tp for t in topics for tp in await partitions_of(settings.kafka_bootstrap, t)]
        until = {tp: 0 for tp in every if tp.partition not in share}
    engine = wiring.engine("rebuild", schema)
    try:
        projection = wiring.projection(publish=False, only=topics)
        return (await replay_all(settings, engine, projection, until=until))[0]
    finally:
        await engine.dispose()

"""Two `lotledger-traceability project` processes in one consumer group share the stock
topic's partitions; one SIGKILLed mid-load hands its partitions to the other, which goes
on from the positions committed with the read models: nothing is lost or applied twice,
and the read models equal a rebuild from offset zero (issue 17, DESIGN §14)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from lotledger_bench import alerts_workload
from pydantic import SecretStr

from lotledger.shared.kafka import ensure_topics
from lotledger.traceability.bootstrap import run_rebuild
from lotledger.traceability.entrypoints.projector import GROUP
from lotledger.traceability.settings import TraceabilitySettings
from tests.support.infra import Infra, migrate, provision, teardown
from tests.support.kafka import group_members
from tests.support.processes import spawn_cli
from tests.support.tokens import TEST_SECRET

PRODUCTS, EVENTS, PARTITIONS = 40, 24_000, 6


@pytest.fixture
async def infra() -> AsyncIterator[Infra]:
    """A database and topics of the test's own: the session's projector is not in this
    group."""
    infra = await provision()
    try:
        await migrate(infra, "traceability")
        yield infra
    finally:
        await teardown(infra)


def _settings(infra: Infra) -> TraceabilitySettings:
    return TraceabilitySettings(
        traceability_database_url=infra.url("traceability"),
        kafka_bootstrap=infra.kafka_bootstrap,
        topic_prefix=infra.topic_prefix,
        topic_partitions=PARTITIONS,
        auth_secret=SecretStr(TEST_SECRET),
    )


def _environment(infra: Infra) -> dict[str, str]:
    return {
        "LOTLEDGER_TRACEABILITY_DATABASE_URL": infra.url("traceability"),
        "LOTLEDGER_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "LOTLEDGER_TOPIC_PREFIX": infra.topic_prefix,
        "LOTLEDGER_TOPIC_PARTITIONS": str(PARTITIONS),
        "LOTLEDGER_AUTH_SECRET": TEST_SECRET,
    }


async def _until(check: Callable[[], Awaitable[bool]], timeout_s: float) -> None:
    async with asyncio.timeout(timeout_s):
        while not await check():
            await asyncio.sleep(0.2)


async def test_a_member_sigkilled_mid_load_loses_and_doubles_nothing(infra: Infra) -> None:
    settings = _settings(infra)
    await ensure_topics(settings)
    conn = await asyncpg.connect(
        infra.url("traceability", driver="postgresql"),
        server_settings={"search_path": "traceability"},
    )
    members = [
        await spawn_cli("traceability", "project", _environment(infra)),
        await spawn_cli("traceability", "project", _environment(infra)),
    ]
    try:

        async def both_in_the_group() -> bool:
            return await group_members(settings.kafka_bootstrap, settings.topic(GROUP)) == 2

        await _until(both_in_the_group, timeout_s=120)
        codes = alerts_workload.gtins(PRODUCTS, first=7000)
        publishing = asyncio.create_task(alerts_workload.publish(settings, codes, EVENTS, seed=23))

        async def projected(at_least: int) -> bool:
            return int(await conn.fetchval("SELECT count(*) FROM history")) >= at_least

        await _until(lambda: projected(EVENTS // 20), timeout_s=180)
        assert not await projected(EVENTS), "killed mid-load, not after it"
        members[0].send_signal(signal.SIGKILL)
        await members[0].wait()
        sent = await publishing
        await _until(lambda: projected(sent), timeout_s=180)
        await asyncio.sleep(2)

        counts = await conn.fetchrow(
            "SELECT count(*) AS events, count(DISTINCT (gtin, lot, version)) AS distinct_events, "
            "count(DISTINCT event_id) AS ids FROM history"
        )
        assert counts is not None
        assert (counts["events"], counts["distinct_events"], counts["ids"]) == (sent,) * 3
        gaps = await conn.fetchval(
            "SELECT count(*) FROM (SELECT gtin, lot FROM history GROUP BY gtin, lot "
            "HAVING min(version) <> 1 OR max(version) <> count(*)) AS g"
        )
        assert gaps == 0
        lots = await conn.fetchval("SELECT count(*) FROM lots")
        assert lots * alerts_workload.PER_LOT == sent
    finally:
        for member in members:
            if member.returncode is None:
                member.send_signal(signal.SIGTERM)
        await asyncio.gather(*(asyncio.wait_for(m.wait(), 30) for m in members))
        await conn.close()

    assert await run_rebuild(settings, compare=True, wait_s=60) == 0

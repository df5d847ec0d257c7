"""Guarantee 4: the read models rebuilt from offset zero equal the live ones, and the
comparison notices when they do not."""

import asyncio
import os
import sys
from datetime import timedelta

import asyncpg
import httpx
import pytest

from lotledger.shared.clock import ManualClock
from lotledger.traceability.bootstrap import Wiring, build_engine, run_rebuild
from lotledger.traceability.entrypoints.rebuild import compare_with_live
from lotledger.traceability.settings import TraceabilitySettings
from tests.integration.traceability.conftest import START, Settle
from tests.integration.traceability.lifecycle import Lifecycle, live_through
from tests.support.infra import Infra
from tests.support.log_world import checkpoint_now
from tests.support.tokens import TEST_SECRET
from tests.support.world import fresh_lot


@pytest.fixture(scope="module")
async def life(
    stock_api: httpx.AsyncClient, clock: ManualClock, settled: Settle, migrated: Infra
) -> Lifecycle:
    lived = await live_through(stock_api, clock, fresh_lot("RB"), START + timedelta(days=3))
    await _quiet(migrated, settled)
    return lived


async def _quiet(infra: Infra, settled: Settle) -> None:
    """Everything published is checkpointed and projected, so that no checkpoint lands in
    the live model between the rebuild's end offsets and its comparison."""
    await settled()
    await checkpoint_now(infra)
    await settled()


async def test_rebuild_equals_live_and_a_difference_is_named(
    life: Lifecycle,
    traceability_settings: TraceabilitySettings,
    migrated: Infra,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run_rebuild(traceability_settings, compare=True, wait_s=30) == 0
    out = capsys.readouterr().out
    assert "rebuild equals live" in out
    assert "DIFFERENT" not in out

    admin = await asyncpg.connect(migrated.admin_url())
    try:
        await admin.execute(
            "UPDATE traceability_rebuild.lots SET shipped = shipped + 1 "
            "WHERE gtin = $1 AND lot = $2",
            life.gtin,
            life.lot,
        )
    finally:
        await admin.close()
    engine = build_engine(
        traceability_settings, "test", traceability_settings.traceability_rebuild_schema
    )
    try:
        verdicts = await compare_with_live(Wiring(traceability_settings), engine, wait_s=30)
    finally:
        await engine.dispose()
    different = {v.table: v for v in verdicts if not v.equal}
    assert set(different) == {"lots"}
    assert (different["lots"].only_live, different["lots"].only_rebuilt) == (1, 1)


async def test_the_rebuild_command_with_two_processes_exits_zero_when_equal(
    life: Lifecycle, migrated: Infra, settled: Settle
) -> None:
    await _quiet(migrated, settled)
    env = {
        **os.environ,
        "LOTLEDGER_TRACEABILITY_DATABASE_URL": migrated.url("traceability"),
        "LOTLEDGER_KAFKA_BOOTSTRAP": migrated.kafka_bootstrap,
        "LOTLEDGER_TOPIC_PREFIX": migrated.topic_prefix,
        "LOTLEDGER_AUTH_SECRET": TEST_SECRET,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.traceability.cli",
        "rebuild",
        "--compare",
        "--jobs",
        "2",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode()
    assert process.returncode == 0, text
    assert "records/s" in text
    assert "rebuild equals live" in text

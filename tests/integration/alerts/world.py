"""An alerts world for integration tests: a private database and topic prefix, the
inventory API in-process with its relay (stock reaches Kafka the real way), and the
alerts projector, publisher, deliverer and API in-process on a manual clock.

Stock reaches the projector through the repartition stage (docs/adr/0017), as in
`lotledger-alerts project`. Private, because the clock sweep judges every fact in its
database at the instant it is given: a test moving time must not touch another suite's
lots and sensors.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
import httpx
from pydantic import SecretStr

from lotledger.alerts.bootstrap import (
    build_deliverer,
    build_forecast_catch_up,
    build_pacing,
    build_projector,
    build_publisher,
    build_repartitioner,
    build_runtime,
    build_sweeper,
    create_app,
)
from lotledger.alerts.entrypoints.sweeper import Sweeper
from lotledger.alerts.runtime import AlertsRuntime
from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.alerts.service.sweep import SweepReport
from lotledger.alerts.settings import AlertsSettings
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.shared.clock import ManualClock, SystemClock
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.kafka import create_producer, ensure_topics
from tests.support.apps import serve
from tests.support.infra import Infra, migrate, provision, teardown
from tests.support.private import settings_for
from tests.support.tokens import TEST_SECRET, bearer
from tests.support.world import fresh_gtin as fresh_gtin
from tests.support.world import seed_catalog

TODAY = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ADMIN = bearer("admin", sub="admin-1")
QA = bearer("qa", sub="qa-1")
T = TypeVar("T")


def alerts_settings(infra: Infra, **overrides: Any) -> AlertsSettings:
    values: dict[str, Any] = {
        "env": "dev",
        "alerts_database_url": infra.url("alerts"),
        "kafka_bootstrap": infra.kafka_bootstrap,
        "topic_prefix": infra.topic_prefix,
        "topic_partitions": 3,
        "auth_secret": SecretStr(TEST_SECRET),
        "alerts_webhook_retry_base_s": 0.2,
        "alerts_webhook_retry_max_delay_s": 1.0,
        "alerts_webhook_failing_after": 3,
        "alerts_projector_batch": 200,
    }
    return AlertsSettings(**(values | overrides))


def alerts_environment(infra: Infra) -> dict[str, str]:
    """The same settings as environment variables, for a worker subprocess."""
    return {
        "LOTLEDGER_ENV": "dev",
        "LOTLEDGER_ALERTS_DATABASE_URL": infra.url("alerts"),
        "LOTLEDGER_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "LOTLEDGER_TOPIC_PREFIX": infra.topic_prefix,
        "LOTLEDGER_AUTH_SECRET": TEST_SECRET,
        "LOTLEDGER_ALERTS_WEBHOOK_RETRY_BASE_S": "0.2",
        "LOTLEDGER_ALERTS_WEBHOOK_RETRY_MAX_DELAY_S": "1.0",
    }


@dataclass
class AlertsWorld:
    infra: Infra
    settings: AlertsSettings
    clock: ManualClock
    runtime: AlertsRuntime
    sweeper: Sweeper
    inventory: httpx.AsyncClient
    api: httpx.AsyncClient
    pacing: ForecastPacing
    """The world's projector's: forecasts it deferred are settled by its catch-up."""

    async def sweep(self, at: datetime) -> SweepReport:
        return await self.sweeper.sweep_once(at)

    async def alerts(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.api.get("/v1/alerts", params=params | {"limit": 500}, headers=ADMIN)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def until(self, probe: Callable[[], Awaitable[T | None]], timeout_s: float = 30) -> T:
        """Poll `probe` until it answers something truthy (the projector is eventual)."""
        try:
            async with asyncio.timeout(timeout_s):
                while True:
                    if answer := await probe():
                        return answer
                    await asyncio.sleep(0.1)
        except TimeoutError as exc:
            raise AssertionError(f"condition not met after {timeout_s}s") from exc

    async def forecasts_caught_up(self) -> None:
        """Until the forecasts the projector deferred are settled (ADR 0015 §8)."""

        async def none_pending() -> bool:
            return not self.pacing.pending

        await self.until(none_pending)

    async def produce(self, topic: str, key: str, *events: CloudEvent) -> None:
        producer = create_producer(self.settings, "alerts-test-producer")
        await producer.start()
        try:
            for event in events:
                await producer.send_and_wait(
                    self.settings.topic(topic), event.to_json(), key=key.encode()
                )
        finally:
            await producer.stop()

    async def sql(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.infra.url("alerts", driver="postgresql"))
        try:
            await conn.execute("SET search_path = alerts")
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()


@asynccontextmanager
async def _task(work: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(work(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


@asynccontextmanager
async def alerts_world(
    *, deliver: bool = True, inventory_overrides: dict[str, Any] | None = None, **overrides: Any
) -> AsyncIterator[AlertsWorld]:
    """A fresh world; `deliver=False` leaves publishing and webhooks to a test's own
    worker (a subprocess it may kill); `inventory_overrides` are inventory's settings."""
    infra = await provision()
    try:
        await migrate(infra, "inventory")
        await migrate(infra, "alerts")
        inventory_settings = settings_for(infra, **(inventory_overrides or {}))
        await ensure_topics(inventory_settings)
        settings = alerts_settings(infra, **overrides)
        clock = ManualClock(TODAY)
        async with AsyncExitStack() as stack:
            inventory = await stack.enter_async_context(
                serve(inventory_app(inventory_settings, ManualClock(TODAY)))
            )
            await seed_catalog(inventory, bearer("admin"))
            await stack.enter_async_context(_task(Relay(inventory_settings, idle_wait_s=0.2).run))
            runtime = build_runtime(settings, clock, pool_size=4)
            stack.push_async_callback(runtime.engine.dispose)
            await stack.enter_async_context(_task(build_repartitioner(runtime).run))
            pacing = build_pacing(runtime)
            await stack.enter_async_context(_task(build_projector(runtime, pacing).run))
            await stack.enter_async_context(_task(build_forecast_catch_up(runtime, pacing).run))
            if deliver:
                workers = build_runtime(settings, SystemClock(), pool_size=4)
                stack.push_async_callback(workers.engine.dispose)
                publisher, deliverer = build_publisher(workers), build_deliverer(workers)
                publisher.idle_wait_s = deliverer.idle_wait_s = 0.2
                stack.push_async_callback(deliverer.client.close)
                await stack.enter_async_context(_task(publisher.run))
                await stack.enter_async_context(_task(deliverer.run))
            api = await stack.enter_async_context(serve(create_app(settings, clock)))
            yield AlertsWorld(
                infra, settings, clock, runtime, build_sweeper(runtime), inventory, api, pacing
            )
    finally:
        await teardown(infra)

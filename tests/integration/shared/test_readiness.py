"""`/readyz` follows the real broker: 503 while it is stopped, 200 once it is back."""

import asyncio
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from lotledger.alerts.bootstrap import create_app as alerts_app
from lotledger.alerts.settings import AlertsSettings
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.inventory.settings import InventorySettings
from lotledger.traceability.bootstrap import create_app as traceability_app
from lotledger.traceability.settings import TraceabilitySettings
from tests.support.apps import serve
from tests.support.infra import Infra, migrate
from tests.support.kafka_instance import KafkaInstance
from tests.support.tokens import TEST_SECRET


async def _wait_for(client: httpx.AsyncClient, status: int, attempts: int = 50) -> dict[str, Any]:
    for _ in range(attempts):
        response = await client.get("/readyz")
        if response.status_code == status:
            return response.json()  # type: ignore[no-any-return]
        await asyncio.sleep(0.2)
    raise AssertionError(f"/readyz never answered {status}: {response.json()}")


@pytest.fixture(scope="module")
async def broker():  # type: ignore[no-untyped-def]
    instance = KafkaInstance.private("readyz")
    await instance.start()
    try:
        yield instance
    finally:
        await instance.reset()


async def test_readyz_reports_kafka_outage_and_recovery(
    infra: Infra, broker: KafkaInstance
) -> None:
    await migrate(infra, "inventory")
    settings = InventorySettings(
        inventory_database_url=infra.url("inventory"),
        kafka_bootstrap=broker.bootstrap,
        auth_secret=SecretStr(TEST_SECRET),
    )
    async with serve(inventory_app(settings)) as client:
        ready = await _wait_for(client, 200)
        assert ready["checks"] == {"database": "ok", "schema": "ok", "kafka": "ok"}
        assert (await client.get("/healthz")).status_code == 200

        await broker.stop()
        down = await _wait_for(client, 503)
        assert down["checks"] == {"database": "ok", "schema": "ok", "kafka": "unreachable"}
        assert (await client.get("/healthz")).status_code == 200

        await broker.start()
        assert (await _wait_for(client, 200))["checks"]["kafka"] == "ok"


async def test_readyz_reports_an_unreachable_database(infra: Infra) -> None:
    settings = TraceabilitySettings(
        traceability_database_url="postgresql+asyncpg://traceability:traceability@127.0.0.1:1/x",
        kafka_bootstrap=infra.kafka_bootstrap,
        auth_secret=SecretStr(TEST_SECRET),
    )
    async with serve(traceability_app(settings)) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"] == {
            "database": "unreachable",
            "schema": "unknown",
            "kafka": "ok",
        }


async def test_every_service_serves_openapi_metrics_and_readiness(infra: Infra) -> None:
    for service in ("inventory", "traceability", "alerts"):
        await migrate(infra, service)
    apps = [
        inventory_app(
            InventorySettings(
                inventory_database_url=infra.url("inventory"), kafka_bootstrap=infra.kafka_bootstrap
            )
        ),
        traceability_app(
            TraceabilitySettings(
                traceability_database_url=infra.url("traceability"),
                kafka_bootstrap=infra.kafka_bootstrap,
            )
        ),
        alerts_app(
            AlertsSettings(
                alerts_database_url=infra.url("alerts"), kafka_bootstrap=infra.kafka_bootstrap
            )
        ),
    ]
    for app in apps:
        async with serve(app) as client:
            assert (await client.get("/readyz")).status_code == 200
            spec = (await client.get("/openapi.json")).json()
            assert spec["info"]["title"].startswith("lotledger ")
            metrics = await client.get("/metrics")
            assert "lotledger_http_request_seconds" in metrics.text

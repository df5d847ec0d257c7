"""A service started on a database its migrations have not reached: `/readyz` says the
schema is not migrated (so nothing routes to it), and a request that reaches it anyway is
a 503 problem naming the cause, not a 500. Once migrated, both clear."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lotledger.inventory.bootstrap import create_app
from lotledger.shared.clock import ManualClock
from tests.integration.alerts.world import TODAY
from tests.support.apps import serve
from tests.support.infra import Infra, migrate, provision, teardown
from tests.support.private import settings_for
from tests.support.tokens import bearer
from tests.support.world import fresh_gtin

PRODUCT = {"name": "Unmigrated", "storage_class": "cold", "rx": True}


@pytest.fixture
async def bare() -> AsyncIterator[Infra]:
    """A database of its own: the session's `infra` is migrated by whichever test needs it
    first."""
    infra = await provision()
    try:
        yield infra
    finally:
        await teardown(infra)


async def test_an_unmigrated_schema_is_not_ready_and_answers_503(bare: Infra) -> None:
    gtin = fresh_gtin()
    admin = bearer("admin")
    async with serve(create_app(settings_for(bare), ManualClock(TODAY))) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {
            "database": "ok",
            "schema": "not migrated",
            "kafka": "ok",
        }
        for response in (
            await client.put(f"/v1/products/{gtin}", json=PRODUCT, headers=admin),
            await client.get(f"/v1/products/{gtin}", headers=admin),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            assert problem["type"] == "urn:lotledger:problem:schema-not-migrated"
            assert "migrate" in problem["detail"]

        await migrate(bare, "inventory")
        assert (await client.get("/readyz")).status_code == 200
        created = await client.put(f"/v1/products/{gtin}", json=PRODUCT, headers=admin)
        assert created.status_code == 201, created.text

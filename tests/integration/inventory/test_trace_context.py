"""A stock event's row and a catalog event's outbox row keep the trace context of the
request that wrote it (docs/adr/0019): NULL while tracing is off, the request's server
span when on; the event's hashed bytes are the same either way (no trace member in them)."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

from lotledger.inventory.bootstrap import create_app
from lotledger.shared.clock import SystemClock
from tests.support.apps import serve
from tests.support.private import private_inventory, settings_for
from tests.support.spans import exported
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, SUPPLIER, fresh_lot, seed_catalog

PRODUCT = "09506000999999"


def _product() -> dict[str, Any]:
    return {"name": "Traced product", "storage_class": "cold", "rx": True}


def _receipt(lot: str) -> dict[str, Any]:
    return {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2028-01-31",
        "qty": 5,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
    }


async def test_a_published_row_keeps_its_request_trace_only_when_tracing_is_on() -> None:
    untraced, traced = fresh_lot("TOFF"), fresh_lot("TON")
    async with private_inventory() as infra:
        app = create_app(settings_for(infra), SystemClock())
        async with serve(app) as client:
            await seed_catalog(client, bearer("admin"))
            response = await client.post("/v1/receipts", json=_receipt(untraced), headers=SCANNER)
            assert response.status_code == 201, response.text
            with exported() as exporter:
                response = await client.post("/v1/receipts", json=_receipt(traced), headers=SCANNER)
                assert response.status_code == 201, response.text
                response = await client.put(
                    f"/v1/products/{PRODUCT}", json=_product(), headers=bearer("admin")
                )
                assert response.status_code == 201, response.text
            spans = {s.name: s for s in exporter.get_finished_spans()}
            span, put = spans["POST /v1/receipts"], spans["PUT /v1/products/{gtin}"]
        conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
        try:
            rows = await conn.fetch(
                "SELECT stream_id AS key, traceparent, payload FROM inventory.events "
                "WHERE stream_id LIKE $1",
                f"{COLD}/%",
            )
            (product,) = await conn.fetch(
                "SELECT traceparent FROM inventory.outbox WHERE key = $1", f"product:{PRODUCT}"
            )
        finally:
            await conn.close()
    stored = {r["key"].split("/", 1)[1]: r for r in rows}
    assert stored[untraced]["traceparent"] is None
    _, trace_id, parent_id, _ = stored[traced]["traceparent"].split("-")
    assert (trace_id, parent_id) == (
        f"{span.context.trace_id:032x}",
        f"{span.context.span_id:016x}",
    )
    assert all("traceparent" not in orjson.loads(r["payload"]) for r in rows)
    assert product["traceparent"].split("-")[2] == f"{put.context.span_id:016x}"

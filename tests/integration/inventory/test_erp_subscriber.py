"""The example ERP subscriber, run against the real broker, keeps a ledger equal to
lotledger's own stock, and replays or duplicates change nothing."""

import asyncio
import sqlite3
from pathlib import Path
from types import ModuleType

import httpx

from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.modules import from_file
from tests.support.infra import Infra
from tests.support.relay import unpublished
from tests.support.stock import READER, SCANNER, receive
from tests.support.world import COLD, PHARMACIES, fresh_lot

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "erp_subscriber.py"


def _example() -> ModuleType:
    return from_file(EXAMPLE, "erp_subscriber")


async def _relay_caught_up(infra: Infra) -> None:
    for _ in range(300):
        if await unpublished(infra) == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("relay did not catch up")


async def _lotledger_stock(
    inventory: httpx.AsyncClient,
) -> dict[tuple[str, str, str, str], int]:
    lines = (await inventory.get("/v1/stock", headers=READER, params={"limit": 10000})).json()
    return {
        (x["gtin"], x["lot"], x["location"], x["holding_status"]): x["qty"] for x in lines["lines"]
    }


async def test_example_subscriber_ledger_equals_stock(
    inventory: httpx.AsyncClient,
    inventory_settings: InventorySettings,
    relay: Relay,
    migrated: Infra,
    tmp_path: Path,
) -> None:
    erp = _example()
    lot = fresh_lot("ERP")
    await receive(inventory, COLD, lot, 30)
    for body in (
        {
            "gtin": COLD,
            "lot": lot,
            "qty": 4,
            "from_location": "WH1/COLD-A/01",
            "to_location": "WH1/COLD-A/02",
        },
    ):
        assert (await inventory.post("/v1/moves", json=body, headers=SCANNER)).status_code == 201
    assert (
        await inventory.post(
            "/v1/picks",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "qty": 5,
                "location": "WH1/COLD-A/02",
                "order_ref": "SO-E",
                "ship_to": PHARMACIES[2],
            },
        )
    ).status_code == 409
    assert (
        await inventory.post(
            "/v1/counts",
            headers=SCANNER,
            json={"gtin": COLD, "lot": lot, "location": "WH1/COLD-A/01", "counted_qty": 25},
        )
    ).status_code == 201
    hold = {"gtin": COLD, "lot": lot, "location": "WH1/COLD-A/01", "qty": 3, "reason": "damaged"}
    assert (
        await inventory.post("/v1/holdings/hold", json=hold, headers=SCANNER)
    ).status_code == 201
    await _relay_caught_up(migrated)

    topic = inventory_settings.topic("lotledger.stock.v1")
    ledger = erp.Ledger(tmp_path / "erp.sqlite")
    first = await erp.catch_up(inventory_settings.kafka_bootstrap, topic, ledger)
    assert first > 0
    expected = await _lotledger_stock(inventory)
    assert ledger.stock() == expected
    assert ledger.stock()[(COLD, lot, "WH1/COLD-A/01", "available")] == 22
    assert ledger.stock()[(COLD, lot, "WH1/COLD-A/01", "held")] == 3

    assert await erp.catch_up(inventory_settings.kafka_bootstrap, topic, ledger) == 0
    db = sqlite3.connect(tmp_path / "erp.sqlite")
    with db:
        db.execute("DELETE FROM positions")
    db.close()
    assert await erp.catch_up(inventory_settings.kafka_bootstrap, topic, ledger) == 0
    assert ledger.stock() == expected

"""Storage-class ranges are configuration applied the same way everywhere: with
`LOTLEDGER_COLD_MAX_C=10` (China GSP's 2–10 °C) a 2–10 °C cold location is registered, and
cold goods are received and moved into it; a range outside the configured class is still
refused at registration."""

import httpx

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from tests.integration.conftest import TODAY
from tests.support.apps import serve
from tests.support.stock import problem_type, receive
from tests.support.tokens import bearer
from tests.support.world import fresh_lot, fresh_product

ADMIN = bearer("admin")
SCANNER = bearer("scanner")


def _cold(warehouse: str, low: float, high: float) -> dict[str, object]:
    return {
        "warehouse": warehouse,
        "name": f"cold {low}-{high}",
        "kind": "storage",
        "storage_class": "cold",
        "temp_min_c": low,
        "temp_max_c": high,
    }


async def test_a_2_to_10_cold_location_takes_cold_goods_when_configured(
    inventory_settings: InventorySettings, inventory: httpx.AsyncClient
) -> None:
    settings = inventory_settings.model_copy(update={"cold_max_c": 10.0})
    async with serve(create_app(settings, ManualClock(TODAY))) as china:
        wide = "WH1/COLD-GSP/01"
        registered = await china.put(
            f"/v1/locations/{wide}", headers=ADMIN, json=_cold("WH1", 2, 10)
        )
        assert registered.status_code in (200, 201), registered.text
        too_warm = await china.put(
            "/v1/locations/WH1/COLD-GSP/02", headers=ADMIN, json=_cold("WH1", 2, 12)
        )
        assert too_warm.status_code == 422, too_warm.text
        assert problem_type(too_warm) == "location-outside-class-range"

        gtin = await fresh_product(china, ADMIN, "cold")
        lot = fresh_lot("GSP")
        await receive(china, gtin, lot, 10, location=wide, headers=SCANNER)
        await receive(china, gtin, lot, 5, location="WH1/COLD-A/01", headers=SCANNER)
        moved = await china.post(
            "/v1/moves",
            headers=SCANNER,
            json={
                "gtin": gtin,
                "lot": lot,
                "qty": 5,
                "from_location": "WH1/COLD-A/01",
                "to_location": wide,
            },
        )
        assert moved.status_code == 201, moved.text
        assert moved.json()["batches"][0]["on_hand"] == {wide: 15}

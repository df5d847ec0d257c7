"""Serialised packs for the alerts tests: a small pallet captured and received, cases
shipped to pharmacies, and returns verified per pack (docs/adr/0016-serials.md)."""

from __future__ import annotations

from typing import Any

from tests.integration.alerts.steps import COLD_A, post
from tests.integration.alerts.world import ADMIN, AlertsWorld
from tests.support.serials import EXPIRY, Pallet, document, pallet
from tests.support.stock import SCANNER
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot, fresh_product


async def shipped_pallet(world: AlertsWorld) -> Pallet:
    """3 cases × 5 packs received at COLD_A; case 0 shipped to PHARMACIES[0], case 1 to
    PHARMACIES[1]; case 2 opened and its first pack decommissioned (damaged)."""
    gtin = await fresh_product(world.inventory, ADMIN, serialised=True)
    p = pallet(gtin, fresh_lot("SU"), EXPIRY, cases=3, per_case=5)
    await post(world, "/v1/epcis/capture", document(p))
    await post(
        world,
        "/v1/receipts/containers",
        {"sscc": p.sscc, "location": COLD_A, "supplier": SUPPLIER, "reference": "ASN-S"},
    )
    for (case, _), party in zip(p.cases.items(), PHARMACIES[:2], strict=False):
        await post(
            world,
            "/v1/picks/serials",
            {"containers": [case], "location": COLD_A, "order_ref": "SO-S", "ship_to": party},
        )
    opened = list(p.cases)[2]
    response = await world.inventory.post(f"/v1/containers/{opened}/open", headers=SCANNER)
    assert response.status_code == 200, response.text
    await post(
        world,
        "/v1/serials/decommission",
        {
            "serials": [{"gtin": gtin, "serial": packs_of(p, 2)[0]}],
            "location": COLD_A,
            "reason": "damaged",
        },
    )
    return p


def packs_of(p: Pallet, case: int) -> list[str]:
    return list(p.cases.values())[case]


async def verified_return(
    world: AlertsWorld, p: Pallet, serials: list[str], from_party: str, location: str = COLD_A
) -> Any:
    return await post(
        world,
        "/v1/returns/verified",
        {
            "packs": [{"gtin": p.gtin, "serial": s} for s in serials],
            "location": location,
            "from_party": from_party,
            "reason": "overstock",
        },
    )

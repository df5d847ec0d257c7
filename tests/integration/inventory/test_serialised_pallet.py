"""Serialised packs end to end over real Postgres (docs/adr/0016-serials.md): a supplier's
EPCIS aggregation for one pallet of 20 cases × 50 packs is captured; the pallet is received
by its SSCC; a case is opened; 3 packs go to one pharmacy and a whole case to another by
one scan; returns are verified per pack, and the packs refused are held and published for
QA on the sync topic; a pack's state and history are answered."""

from typing import Any

import asyncpg
import httpx

from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.contracts import sync
from lotledger.shared.contracts.topics import SYNC
from lotledger.shared.urls import lot_segment
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.serials import document, events, post, serialised_pallet, state
from tests.support.stock import READER, SCANNER
from tests.support.world import PHARMACIES, SUPPLIER

A, B = "WH1/COLD-A/01", "WH1/COLD-A/02"
EXPIRY = "2027-06-30"


async def test_a_pallet_of_a_thousand_packs_from_capture_to_verified_returns(
    inventory: httpx.AsyncClient,
    inventory_settings: InventorySettings,
    relay: Relay,
    migrated: Infra,
) -> None:
    p = await serialised_pallet(inventory)
    captured = await post(inventory, "/v1/epcis/capture", document(p))
    assert (captured["packs"], captured["containers"]) == (1000, 21)

    received = await post(
        inventory,
        "/v1/receipts/containers",
        {"sscc": p.sscc, "location": A, "supplier": SUPPLIER, "reference": "ASN-1"},
    )
    assert received["received"] == 1000
    assert received["lots"] == {f"{p.gtin}/{p.lot}": 1000}
    assert (received["missing"], received["extra"]) == ([], [])
    batch = (
        await inventory.get(f"/v1/batches/{p.gtin}/{lot_segment(p.lot)}", headers=READER)
    ).json()
    assert batch["on_hand"] == {A: 1000}
    [receipt] = await events(inventory, p.gtin, p.lot)
    assert receipt["data"]["qty"] == len(receipt["data"]["serials"]) == 1000
    packed = {a["parent"]: a for a in receipt["data"]["aggregation"]}
    assert sorted(packed[p.sscc]["containers"]) == sorted(p.cases)
    assert all(packed[case]["serials"] == sorted(s) for case, s in p.cases.items())

    cases = list(p.cases.items())
    (opened, opened_packs), (whole, whole_packs) = cases[0], cases[1]
    sealed = await post(
        inventory,
        "/v1/picks/serials",
        {
            "serials": [{"gtin": p.gtin, "serial": opened_packs[0]}],
            "location": A,
            "order_ref": "SO-1",
            "ship_to": PHARMACIES[0],
        },
        409,
    )
    assert sealed["type"].endswith(":container-sealed")
    opening = await inventory.post(f"/v1/containers/{opened}/open", headers=SCANNER)
    assert opening.status_code == 200, opening.text
    assert opening.json()["packs"] == 50

    three = await post(
        inventory,
        "/v1/picks/serials",
        {
            "serials": [{"gtin": p.gtin, "serial": s} for s in opened_packs[:3]],
            "location": A,
            "order_ref": "SO-1",
            "ship_to": PHARMACIES[0],
        },
    )
    assert three["qty"] == 3
    case = await post(
        inventory,
        "/v1/picks/serials",
        {"containers": [whole], "location": A, "order_ref": "SO-2", "ship_to": PHARMACIES[1]},
    )
    assert (case["qty"], case["lots"]) == (50, {f"{p.gtin}/{p.lot}": 50})
    picks = [e for e in await events(inventory, p.gtin, p.lot) if "picked" in e["type"]]
    assert [(e["data"]["ship_to"], e["data"]["qty"], len(e["data"]["serials"])) for e in picks] == [
        (PHARMACIES[0], 3, 3),
        (PHARMACIES[1], 50, 50),
    ]
    assert picks[1]["data"]["aggregation"] == [
        {"parent": whole, "serials": sorted(whole_packs), "containers": []}
    ]
    assert "aggregation" not in picks[0]["data"], "loose packs of an opened case"
    gone = await state(inventory, p.gtin, whole_packs[7])
    assert (gone["state"], gone["party"], gone["container"]) == ("shipped", PHARMACIES[1], whole)

    await post(
        inventory,
        "/v1/serials/decommission",
        {
            "serials": [{"gtin": p.gtin, "serial": opened_packs[10]}],
            "location": A,
            "reason": "damaged",
        },
    )
    returned = await post(
        inventory,
        "/v1/returns/verified",
        {
            "packs": [
                {"gtin": p.gtin, "serial": opened_packs[0]},
                {"gtin": p.gtin, "serial": whole_packs[0]},
                {"gtin": p.gtin, "serial": opened_packs[10]},
                {"gtin": p.gtin, "serial": "NEVER-MADE"},
                {"gtin": p.gtin, "serial": opened_packs[20]},
            ],
            "location": A,
            "from_party": PHARMACIES[0],
            "reason": "overstock",
        },
    )
    assert [(v["verified"], v["reason"]) for v in returned["verdicts"]] == [
        (True, None),
        (False, "not_shipped_to_party"),
        (False, "decommissioned"),
        (False, "unknown_serial"),
        (False, "not_shipped"),
    ]
    assert (returned["accepted"], returned["held"]) == (1, 4)
    assert len(returned["suspect"]) == 1
    conn = await asyncpg.connect(migrated.url("inventory", driver="postgresql"))
    try:
        held = await conn.fetch(
            "SELECT serial, verdict FROM inventory.suspect_packs WHERE record_id = $1::uuid",
            returned["suspect"][0],
        )
    finally:
        await conn.close()
    assert sorted((r["serial"], r["verdict"]) for r in held) == sorted(
        [
            (whole_packs[0], "not_shipped_to_party"),
            (opened_packs[10], "decommissioned"),
            ("NEVER-MADE", "unknown_serial"),
            (opened_packs[20], "not_shipped"),
        ]
    )
    batch = (
        await inventory.get(f"/v1/batches/{p.gtin}/{lot_segment(p.lot)}", headers=READER)
    ).json()
    assert batch["on_hand"] == {A: 1000 - 3 - 50 - 1 + 1}
    assert batch["held"] == {}, "a verified return is saleable at once"

    forged = await post(
        inventory,
        "/v1/returns/verified",
        {
            "packs": [{"barcode": f"(01){p.gtin}(17)280101(10){p.lot}(21){opened_packs[1]}"}],
            "location": A,
            "from_party": PHARMACIES[0],
            "reason": "overstock",
        },
    )
    assert [v["reason"] for v in forged["verdicts"]] == ["expiry_mismatch"]
    back = await state(inventory, p.gtin, opened_packs[0])
    assert (back["state"], back["location"]) == ("returned", A)
    assert [h["action"] for h in back["history"]] == ["received", "picked", "returned"]
    assert back["history"][1]["party"] == PHARMACIES[0]

    def suspects(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m
            for m in messages
            if m["type"] == sync.SUSPECT_RETURN and m["data"]["packs"][0]["gtin"] == p.gtin
        ]

    published = suspects(
        await read_topic(
            inventory_settings.kafka_bootstrap,
            inventory_settings.topic(SYNC),
            until=lambda messages: len(suspects(messages)) >= 2,
        )
    )
    refused, falsified = sorted(published, key=lambda m: len(m["data"]["packs"]), reverse=True)
    assert [(x["serial"], x.get("lot"), x["verdict"]) for x in refused["data"]["packs"]] == [
        (whole_packs[0], p.lot, "not_shipped_to_party"),
        (opened_packs[10], p.lot, "decommissioned"),
        ("NEVER-MADE", None, "unknown_serial"),
        (opened_packs[20], p.lot, "not_shipped"),
    ]
    assert refused["_key"] == refused["id"] == refused["data"]["return_id"]
    assert refused["id"] == returned["suspect"][0]
    assert (refused["data"]["from_party"], refused["data"]["warehouses"]) == (
        PHARMACIES[0],
        ["WH1"],
    )
    assert [x["verdict"] for x in falsified["data"]["packs"]] == ["expiry_mismatch"]

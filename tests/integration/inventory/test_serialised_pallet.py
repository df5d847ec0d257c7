"""Serialised packs end to end over real Postgres (docs/adr/0016-serials.md): a supplier's
EPCIS aggregation for one pallet of 20 cases × 50 packs is captured; the pallet is received
by its SSCC; a case is opened; 3 packs go to one pharmacy and a whole case to another by
one scan; returns are verified per pack; a pack's state and history are answered."""

import asyncio
from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.serials import Pallet, document, pallet, sscc_urn
from tests.support.stock import QA, READER, SCANNER, problem_type
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot, fresh_product

ADMIN = bearer("admin")
A, B = "WH1/COLD-A/01", "WH1/COLD-A/02"
EXPIRY = "2027-06-30"


async def _serialised_pallet(client: httpx.AsyncClient, **shape: int) -> Pallet:
    gtin = await fresh_product(client, ADMIN, serialised=True)
    return pallet(gtin, fresh_lot("SP"), EXPIRY, **shape)


async def _post(client: httpx.AsyncClient, path: str, body: Any, status: int = 201) -> Any:
    response = await client.post(path, headers=SCANNER, json=body)
    assert response.status_code == status, response.text
    return response.json()


async def _events(client: httpx.AsyncClient, gtin: str, lot: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/batches/{gtin}/{lot_segment(lot)}/events", headers=READER)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


async def _state(client: httpx.AsyncClient, gtin: str, serial: str) -> dict[str, Any]:
    response = await client.get(f"/v1/serials/{gtin}/{serial}", headers=READER)
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


async def test_a_pallet_of_a_thousand_packs_from_capture_to_verified_returns(
    inventory: httpx.AsyncClient,
) -> None:
    p = await _serialised_pallet(inventory)
    captured = await _post(inventory, "/v1/epcis/capture", document(p))
    assert (captured["packs"], captured["containers"]) == (1000, 21)

    received = await _post(
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
    [receipt] = await _events(inventory, p.gtin, p.lot)
    assert receipt["data"]["qty"] == len(receipt["data"]["serials"]) == 1000
    packed = {a["parent"]: a for a in receipt["data"]["aggregation"]}
    assert sorted(packed[p.sscc]["containers"]) == sorted(p.cases)
    assert all(packed[case]["serials"] == sorted(s) for case, s in p.cases.items())

    cases = list(p.cases.items())
    (opened, opened_packs), (whole, whole_packs) = cases[0], cases[1]
    sealed = await _post(
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

    three = await _post(
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
    case = await _post(
        inventory,
        "/v1/picks/serials",
        {"containers": [whole], "location": A, "order_ref": "SO-2", "ship_to": PHARMACIES[1]},
    )
    assert (case["qty"], case["lots"]) == (50, {f"{p.gtin}/{p.lot}": 50})
    picks = [e for e in await _events(inventory, p.gtin, p.lot) if "picked" in e["type"]]
    assert [(e["data"]["ship_to"], e["data"]["qty"], len(e["data"]["serials"])) for e in picks] == [
        (PHARMACIES[0], 3, 3),
        (PHARMACIES[1], 50, 50),
    ]
    assert picks[1]["data"]["aggregation"] == [
        {"parent": whole, "serials": sorted(whole_packs), "containers": []}
    ]
    assert "aggregation" not in picks[0]["data"], "loose packs of an opened case"
    gone = await _state(inventory, p.gtin, whole_packs[7])
    assert (gone["state"], gone["party"], gone["container"]) == ("shipped", PHARMACIES[1], whole)

    await _post(
        inventory,
        "/v1/serials/decommission",
        {
            "serials": [{"gtin": p.gtin, "serial": opened_packs[10]}],
            "location": A,
            "reason": "damaged",
        },
    )
    returned = await _post(
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
    batch = (
        await inventory.get(f"/v1/batches/{p.gtin}/{lot_segment(p.lot)}", headers=READER)
    ).json()
    assert batch["on_hand"] == {A: 1000 - 3 - 50 - 1 + 1}
    assert batch["held"] == {}, "a verified return is saleable at once"

    forged = await _post(
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
    back = await _state(inventory, p.gtin, opened_packs[0])
    assert (back["state"], back["location"]) == ("returned", A)
    assert [h["action"] for h in back["history"]] == ["received", "picked", "returned"]
    assert back["history"][1]["party"] == PHARMACIES[0]


async def test_receiving_an_sscc_against_a_scan_reports_missing_and_extra_packs(
    inventory: httpx.AsyncClient,
) -> None:
    p = await _serialised_pallet(inventory, cases=2, per_case=5)
    await _post(inventory, "/v1/epcis/capture", document(p))
    found = [*p.serials[1:], "STRANGER"]
    received = await _post(
        inventory,
        "/v1/receipts/containers",
        {
            "sscc": p.sscc,
            "location": A,
            "supplier": SUPPLIER,
            "scanned": [{"gtin": p.gtin, "serial": s} for s in found],
        },
    )
    assert received["received"] == 9
    assert received["missing"] == [{"gtin": p.gtin, "serial": p.serials[0], "lot": None}]
    assert received["extra"] == [{"gtin": p.gtin, "serial": "STRANGER", "lot": None}]
    again = await _post(
        inventory,
        "/v1/receipts/containers",
        {"sscc": p.sscc, "location": A, "supplier": SUPPLIER},
    )
    assert again["received"] == 1, "the missing pack arrives later"


async def test_a_malformed_or_inconsistent_capture_is_refused_naming_the_field(
    inventory: httpx.AsyncClient,
) -> None:
    p = await _serialised_pallet(inventory, cases=2, per_case=3)
    bad = document(p)
    bad["epcisBody"]["eventList"][1]["eventTime"] = "yesterday"
    refused = await _post(inventory, "/v1/epcis/capture", bad, 422)
    assert refused["errors"][0]["field"] == "epcisBody.eventList[1].eventTime"
    inconsistent = document(p)
    inconsistent["epcisBody"]["eventList"][2]["childEPCs"].append(
        f"https://id.gs1.org/01/{p.gtin}/21/GHOST"
    )
    refused = await _post(inventory, "/v1/epcis/capture", inconsistent, 422)
    assert refused["errors"][0]["field"] == "epcisBody.eventList[2].childEPCs[3]"
    nothing = await inventory.post(
        "/v1/receipts/containers",
        headers=SCANNER,
        json={"sscc": p.sscc, "location": A, "supplier": SUPPLIER},
    )
    assert nothing.status_code == 404, "nothing of a refused document is stored"
    assert problem_type(nothing) == "unknown-container"
    gone = await inventory.get(f"/v1/serials/{p.gtin}/{p.serials[0]}", headers=READER)
    assert gone.status_code == 404


async def test_a_serialised_product_moves_only_by_its_packs(inventory: httpx.AsyncClient) -> None:
    p = await _serialised_pallet(inventory, cases=1, per_case=2)
    plain = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={
            "gtin": p.gtin,
            "lot": p.lot,
            "expiry": EXPIRY,
            "qty": 2,
            "location": A,
            "supplier": SUPPLIER,
        },
    )
    assert plain.status_code == 422, plain.text
    assert problem_type(plain) == "serials-required"
    move = {"gtin": p.gtin, "lot": p.lot, "qty": 1, "from_location": A, "to_location": B}
    plain_move = await inventory.post("/v1/moves", headers=SCANNER, json=move)
    assert plain_move.status_code == 422, plain_move.text
    assert problem_type(plain_move) == "serials-required"
    not_ours = await inventory.post("/v1/epcis/capture", headers=QA, json=document(p))
    assert not_ours.status_code == 403
    assert sscc_urn(p.sscc).startswith("urn:epc:id:sscc:")


async def test_two_scanners_shipping_the_same_packs_ship_them_once(
    inventory: httpx.AsyncClient,
) -> None:
    p = await _serialised_pallet(inventory, cases=1, per_case=4)
    await _post(inventory, "/v1/epcis/capture", document(p))
    await _post(
        inventory, "/v1/receipts/containers", {"sscc": p.sscc, "location": A, "supplier": SUPPLIER}
    )
    [case] = p.cases
    picks = [
        inventory.post(
            "/v1/picks/serials",
            headers=SCANNER,
            json={"containers": [case], "location": A, "order_ref": f"SO-{n}", "ship_to": party},
        )
        for n, party in enumerate(PHARMACIES[:2])
    ]
    answers = sorted([r.status_code for r in await asyncio.gather(*picks)])
    assert answers == [201, 409]
    batch = (
        await inventory.get(f"/v1/batches/{p.gtin}/{lot_segment(p.lot)}", headers=READER)
    ).json()
    assert batch["on_hand"] == {}
    shipped = [e for e in await _events(inventory, p.gtin, p.lot) if "picked" in e["type"]]
    assert len(shipped) == 1


async def test_a_moved_case_takes_its_packs_with_it(inventory: httpx.AsyncClient) -> None:
    p = await _serialised_pallet(inventory, cases=2, per_case=3)
    await _post(inventory, "/v1/epcis/capture", document(p))
    await _post(
        inventory, "/v1/receipts/containers", {"sscc": p.sscc, "location": A, "supplier": SUPPLIER}
    )
    (first, packs), (second, _) = p.cases.items()
    moved = await _post(
        inventory,
        "/v1/moves/serials",
        {"containers": [first], "from_location": A, "to_location": B},
    )
    assert moved["qty"] == 3
    batch = (
        await inventory.get(f"/v1/batches/{p.gtin}/{lot_segment(p.lot)}", headers=READER)
    ).json()
    assert batch["on_hand"] == {A: 3, B: 3}
    here = await _state(inventory, p.gtin, packs[0])
    assert (here["state"], here["location"]) == ("in_stock", B)
    assert [h["action"] for h in here["history"]] == ["received", "moved"]
    wrong_place = await _post(
        inventory,
        "/v1/picks/serials",
        {"containers": [first], "location": A, "order_ref": "SO-M", "ship_to": PHARMACIES[0]},
        409,
    )
    assert wrong_place["type"].endswith(":pack-not-available")
    await _post(
        inventory,
        "/v1/picks/serials",
        {"containers": [first], "location": B, "order_ref": "SO-M", "ship_to": PHARMACIES[0]},
    )
    assert second in p.cases

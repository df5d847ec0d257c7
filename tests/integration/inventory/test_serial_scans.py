"""Serial scans beyond the pallet's day (docs/adr/0016-serials.md): a receipt checked
against a scan, malformed and inconsistent captures refused with nothing stored, a
serialised product moving only by its packs, concurrent shipments of one case, a case
moved with its packs."""

import asyncio

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.serials import document, events, post, serialised_pallet, sscc_urn, state
from tests.support.stock import QA, READER, SCANNER, problem_type
from tests.support.world import PHARMACIES, SUPPLIER

A, B = "WH1/COLD-A/01", "WH1/COLD-A/02"
EXPIRY = "2027-06-30"


async def test_receiving_an_sscc_against_a_scan_reports_missing_and_extra_packs(
    inventory: httpx.AsyncClient,
) -> None:
    p = await serialised_pallet(inventory, cases=2, per_case=5)
    await post(inventory, "/v1/epcis/capture", document(p))
    found = [*p.serials[1:], "STRANGER"]
    received = await post(
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
    again = await post(
        inventory,
        "/v1/receipts/containers",
        {"sscc": p.sscc, "location": A, "supplier": SUPPLIER},
    )
    assert again["received"] == 1, "the missing pack arrives later"


async def test_a_malformed_or_inconsistent_capture_is_refused_naming_the_field(
    inventory: httpx.AsyncClient,
) -> None:
    p = await serialised_pallet(inventory, cases=2, per_case=3)
    bad = document(p)
    bad["epcisBody"]["eventList"][1]["eventTime"] = "yesterday"
    refused = await post(inventory, "/v1/epcis/capture", bad, 422)
    assert refused["errors"][0]["field"] == "epcisBody.eventList[1].eventTime"
    inconsistent = document(p)
    inconsistent["epcisBody"]["eventList"][2]["childEPCs"].append(
        f"https://id.gs1.org/01/{p.gtin}/21/GHOST"
    )
    refused = await post(inventory, "/v1/epcis/capture", inconsistent, 422)
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
    p = await serialised_pallet(inventory, cases=1, per_case=2)
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
    p = await serialised_pallet(inventory, cases=1, per_case=4)
    await post(inventory, "/v1/epcis/capture", document(p))
    await post(
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
    shipped = [e for e in await events(inventory, p.gtin, p.lot) if "picked" in e["type"]]
    assert len(shipped) == 1


async def test_a_moved_case_takes_its_packs_with_it(inventory: httpx.AsyncClient) -> None:
    p = await serialised_pallet(inventory, cases=2, per_case=3)
    await post(inventory, "/v1/epcis/capture", document(p))
    await post(
        inventory, "/v1/receipts/containers", {"sscc": p.sscc, "location": A, "supplier": SUPPLIER}
    )
    (first, packs), (second, _) = p.cases.items()
    moved = await post(
        inventory,
        "/v1/moves/serials",
        {"containers": [first], "from_location": A, "to_location": B},
    )
    assert moved["qty"] == 3
    batch = (
        await inventory.get(f"/v1/batches/{p.gtin}/{lot_segment(p.lot)}", headers=READER)
    ).json()
    assert batch["on_hand"] == {A: 3, B: 3}
    here = await state(inventory, p.gtin, packs[0])
    assert (here["state"], here["location"]) == ("in_stock", B)
    assert [h["action"] for h in here["history"]] == ["received", "moved"]
    wrong_place = await post(
        inventory,
        "/v1/picks/serials",
        {"containers": [first], "location": A, "order_ref": "SO-M", "ship_to": PHARMACIES[0]},
        409,
    )
    assert wrong_place["type"].endswith(":pack-not-available")
    await post(
        inventory,
        "/v1/picks/serials",
        {"containers": [first], "location": B, "order_ref": "SO-M", "ship_to": PHARMACIES[0]},
    )
    assert second in p.cases


async def test_a_retried_scan_replays_its_first_answer(inventory: httpx.AsyncClient) -> None:
    p = await serialised_pallet(inventory, cases=1, per_case=3)
    keyed = {**SCANNER, "Idempotency-Key": f"capture-{p.sscc}"}
    first = await inventory.post("/v1/epcis/capture", headers=keyed, json=document(p))
    again = await inventory.post("/v1/epcis/capture", headers=keyed, json=document(p))
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"

    receipt = {"sscc": p.sscc, "location": A, "supplier": SUPPLIER}
    keyed = {**SCANNER, "Idempotency-Key": f"receipt-{p.sscc}"}
    first = await inventory.post("/v1/receipts/containers", headers=keyed, json=receipt)
    again = await inventory.post("/v1/receipts/containers", headers=keyed, json=receipt)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(await events(inventory, p.gtin, p.lot)) == 1

    other = await inventory.post(
        "/v1/receipts/containers", headers=keyed, json={**receipt, "location": B}
    )
    assert other.status_code == 409, other.text
    assert problem_type(other) == "conflict"

    [case] = p.cases
    pick = {"containers": [case], "location": A, "order_ref": "SO-I", "ship_to": PHARMACIES[0]}
    keyed = {**SCANNER, "Idempotency-Key": f"pick-{p.sscc}"}
    answers = await asyncio.gather(
        *(inventory.post("/v1/picks/serials", headers=keyed, json=pick) for _ in range(2))
    )
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    picked = [e for e in await events(inventory, p.gtin, p.lot) if "picked" in e["type"]]
    assert len(picked) == 1

"""Holdings over HTTP (docs/adr/0011-holdings.md): a customer return is segregated on its
own and the lot's other stock stays saleable; a return beyond what the party was shipped
is refused unless QA overrides it (marked on the event); incoming inspection keeps a
receipt out of FEFO until QA accepts it, in part, and rejected stock only goes back to
the supplier or is disposed of; receipts into recalled lots are refused and a recall can
name a product."""

from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.integration.inventory.test_refusals import pick_body, refused
from tests.support.stock import QA, READER, problem_type, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot, fresh_product

SCANNER = bearer("scanner", warehouses=["WH1", "WH2"])
ADMIN = bearer("admin")
A, Q, OTHER = "WH1/COLD-A/01", "WH1/COLD-Q/01", "WH2/COLD-A/01"


def _return(lot: str, qty: int, party: str = PHARMACIES[1], **extra: Any) -> dict[str, Any]:
    return {
        "gtin": COLD,
        "lot": lot,
        "qty": qty,
        "location": Q,
        "from_party": party,
        "reason": "damaged-packaging",
        **extra,
    }


async def _events(client: httpx.AsyncClient, gtin: str, lot: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/batches/{gtin}/{lot_segment(lot)}/events", headers=READER)
    return list(response.json()["events"])


async def test_a_one_unit_return_leaves_the_lot_pickable_elsewhere(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("RT")
    await receive(inventory, COLD, lot, 5, location=A, headers=SCANNER)
    await receive(inventory, COLD, lot, 5, location=OTHER, headers=SCANNER)
    picked = await inventory.post(
        "/v1/picks", json=pick_body(lot, 2, ship_to=PHARMACIES[1]), headers=SCANNER
    )
    assert picked.status_code == 201, picked.text
    returned = await inventory.post("/v1/returns", json=_return(lot, 1), headers=SCANNER)
    assert returned.status_code == 201, returned.text
    batch = returned.json()["batches"][0]
    assert (batch["status"], batch["held"]) == ("available", {Q: {"returned": 1}})

    elsewhere = await inventory.post(
        "/v1/picks", json=pick_body(lot, 2, location=OTHER), headers=SCANNER
    )
    assert elsewhere.status_code == 201, elsewhere.text
    lines = (await inventory.get(f"/v1/stock?gtin={COLD}&location={Q}", headers=READER)).json()
    assert [
        (x["lot"], x["holding_status"], x["qty"]) for x in lines["lines"] if x["lot"] == lot
    ] == [(lot, "returned", 1)]
    await refused(
        inventory,
        COLD,
        lot,
        422,
        "invalid-input",
        lambda: inventory.post(
            "/v1/picks",
            json=pick_body(lot, 1, location=Q, holding_status="returned"),
            headers=SCANNER,
        ),
    )


async def test_a_return_beyond_shipments_is_refused_and_an_override_is_marked(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("RX")
    await receive(inventory, COLD, lot, 10, location=A, headers=SCANNER)
    never = await refused(
        inventory,
        COLD,
        lot,
        409,
        "return-exceeds-shipped",
        lambda: inventory.post("/v1/returns", json=_return(lot, 1000), headers=SCANNER),
    )
    assert (never["shipped"], never["errors"][0]["field"]) == (0, "qty")
    assert (
        await inventory.post(
            "/v1/picks", json=pick_body(lot, 3, ship_to=PHARMACIES[1]), headers=SCANNER
        )
    ).status_code == 201
    ok = await inventory.post("/v1/returns", json=_return(lot, 2), headers=SCANNER)
    assert ok.status_code == 201, ok.text
    again = await refused(
        inventory,
        COLD,
        lot,
        409,
        "return-exceeds-shipped",
        lambda: inventory.post("/v1/returns", json=_return(lot, 2), headers=SCANNER),
    )
    assert again["shipped"] == 1
    not_qa = await inventory.post(
        "/v1/returns", json=_return(lot, 2, override_reason="qa-approved"), headers=SCANNER
    )
    assert not_qa.status_code == 403, not_qa.text
    overridden = await inventory.post(
        "/v1/returns", json=_return(lot, 2, override_reason="qa-approved"), headers=QA
    )
    assert overridden.status_code == 201, overridden.text
    last = (await _events(inventory, COLD, lot))[-1]["data"]
    assert (last["override_reason"], last["override_by"], last["holding_status"]) == (
        "qa-approved",
        "tester",
        "returned",
    )


async def test_inspection_holds_stock_out_of_fefo_until_accepted(
    inventory: httpx.AsyncClient,
) -> None:
    gtin = await fresh_product(inventory, ADMIN, "cold", inspect_receipts=True)
    lot = fresh_lot("IN")
    await receive(inventory, gtin, lot, 10, location=A, headers=SCANNER)
    fefo = await inventory.get(f"/v1/fefo?gtin={gtin}&qty=1&location={A}", headers=SCANNER)
    assert (fefo.json()["available"], fefo.json()["sufficient"]) == (0, False)
    short = await inventory.post(
        "/v1/picks", json={**pick_body(None, 1), "gtin": gtin}, headers=SCANNER
    )
    assert short.status_code == 409, short.text
    batch = (await inventory.get(f"/v1/batches/{gtin}/{lot_segment(lot)}", headers=READER)).json()
    assert batch["held"] == {A: {"pending_inspection": 10}}

    decision = {"gtin": gtin, "lot": lot, "location": A, "from_status": "pending_inspection"}
    by_scanner = await inventory.post("/v1/holdings/release", json=decision, headers=SCANNER)
    assert by_scanner.status_code == 403, by_scanner.text
    accepted = await inventory.post(
        "/v1/holdings/release", json={**decision, "qty": 7, "reason": "conforms"}, headers=QA
    )
    assert accepted.status_code == 201, accepted.text
    rejected = await inventory.post(
        "/v1/holdings/reject", json={**decision, "reason": "leaking"}, headers=QA
    )
    assert rejected.status_code == 201, rejected.text
    assert rejected.json()["batches"][0]["held"] == {A: {"rejected": 3}}
    events = await _events(inventory, gtin, lot)
    assert [(e["data"]["from_status"], e["data"]["to_status"], e["data"]["qty"], e["actor"])
            for e in events[1:]] == [
        ("pending_inspection", "available", 7, "tester"),
        ("pending_inspection", "rejected", 3, "tester"),
    ]  # fmt: skip

    fefo = await inventory.get(f"/v1/fefo?gtin={gtin}&qty=7&location={A}", headers=SCANNER)
    assert fefo.json()["allocations"] == [
        {"lot": lot, "location": A, "qty": 7, "fefo_deviation": False}
    ]
    back = {**pick_body(lot, 3, ship_to=SUPPLIER, holding_status="rejected"), "gtin": gtin}
    assert (await inventory.post("/v1/picks", json=back, headers=SCANNER)).status_code == 201
    picked = await inventory.post(
        "/v1/picks", json={**pick_body(None, 7), "gtin": gtin}, headers=SCANNER
    )
    assert picked.status_code == 201, picked.text


async def test_the_warehouse_default_turns_inspection_on(inventory: httpx.AsyncClient) -> None:
    gtin = await fresh_product(inventory, ADMIN, "cold")
    put = await inventory.put(
        "/v1/warehouses/WH2", json={"name": "Depot 2", "inspect_receipts": True}, headers=ADMIN
    )
    assert put.status_code in (200, 201), put.text
    try:
        lot = fresh_lot("WI")
        await receive(inventory, gtin, lot, 4, location=OTHER, headers=SCANNER)
        await receive(inventory, gtin, lot, 4, location=A, headers=SCANNER)
        batch = (
            await inventory.get(f"/v1/batches/{gtin}/{lot_segment(lot)}", headers=READER)
        ).json()
        assert batch["held"] == {OTHER: {"pending_inspection": 4}}
        audit = (await inventory.get("/v1/warehouses/WH2/audit", headers=ADMIN)).json()
        assert audit[-1]["after"]["inspect_receipts"] is True
    finally:
        await inventory.put(
            "/v1/warehouses/WH2", json={"name": "Depot 2", "inspect_receipts": False}, headers=ADMIN
        )


async def test_receipts_into_recalled_lots_are_refused(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("RR")
    await receive(inventory, COLD, lot, 4, location=A, headers=SCANNER)
    recall = {"recall_id": "RC-RR", "class": "II", "reason": "mislabel"}
    path = f"/v1/batches/{COLD}/{lot_segment(lot)}/recall"
    assert (await inventory.post(path, json=recall, headers=QA)).status_code == 201
    receipt = {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-06-30",
        "qty": 1,
        "location": A,
        "supplier": SUPPLIER,
    }
    body = await refused(
        inventory,
        COLD,
        lot,
        409,
        "batch-recalled",
        lambda: inventory.post("/v1/receipts", json=receipt, headers=SCANNER),
    )
    assert body["batch_status"] == "recalled"


async def test_a_product_wide_recall_reports_per_lot(inventory: httpx.AsyncClient) -> None:
    gtin = await fresh_product(inventory, ADMIN, "cold")
    lots = [fresh_lot("PR") for _ in range(3)]
    for lot in lots:
        await receive(inventory, gtin, lot, 2, location=A, headers=SCANNER)
    first = {"gtin": gtin, "lots": [lots[0]], "recall_id": "RC-P0", "class": "I", "reason": "x"}
    assert (await inventory.post("/v1/recalls", json=first, headers=QA)).status_code == 200
    everything = {"gtin": gtin, "recall_id": "RC-P1", "class": "I", "reason": "sterility"}
    report = await inventory.post("/v1/recalls", json=everything, headers=QA)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["recall_id"], body["recalled"], body["refused"]) == ("RC-P1", 2, 1)
    assert [(x["lot"], x["status"]) for x in body["lots"]] == [
        (lots[0], 409),
        (lots[1], 201),
        (lots[2], 201),
    ]
    assert problem_type(httpx.Response(409, json=body["lots"][0]["problem"], headers={
        "content-type": "application/problem+json"})) == "invalid-status-change"  # fmt: skip
    for lot in lots:
        batch = await inventory.get(f"/v1/batches/{gtin}/{lot_segment(lot)}", headers=READER)
        assert batch.json()["status"] == "recalled"
    unknown = await inventory.post(
        "/v1/recalls", json={**everything, "gtin": "09506000134369"}, headers=QA
    )
    assert unknown.status_code == 404, unknown.text

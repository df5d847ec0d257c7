"""Serialised packs as the regulator sees them (docs/adr/0016-serials.md), from events that
went inventory → relay → Kafka → projector: a pack's trace by serial, the lot trace's pack
counts, the recall report's serials per consignee, and an EPCIS export with SGTINs that
passes the official schema."""

from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.integration.traceability.conftest import Settle
from tests.integration.traceability.epcis_schema import schema_errors
from tests.support.serials import document, pallet
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot, fresh_product

ADMIN, SCANNER, REGULATOR = bearer("admin"), bearer("scanner"), bearer("regulator")
A = "WH1/COLD-A/01"


async def _post(client: httpx.AsyncClient, path: str, body: Any) -> Any:
    response = await client.post(path, headers=SCANNER, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_pack_is_traced_by_serial_and_counted_in_its_lot(
    stock_api: httpx.AsyncClient, trace_api: httpx.AsyncClient, settled: Settle
) -> None:
    gtin = await fresh_product(stock_api, ADMIN, serialised=True)
    p = pallet(gtin, fresh_lot("ST"), "2028-06-30", cases=2, per_case=5)
    await _post(stock_api, "/v1/epcis/capture", document(p))
    await _post(
        stock_api, "/v1/receipts/containers", {"sscc": p.sscc, "location": A, "supplier": SUPPLIER}
    )
    [(first_case, first), (second_case, second)] = p.cases.items()
    await _post(
        stock_api,
        "/v1/picks/serials",
        {"containers": [second_case], "location": A, "order_ref": "SO-T", "ship_to": PHARMACIES[1]},
    )
    await stock_api.post(f"/v1/containers/{first_case}/open", headers=SCANNER)
    await _post(
        stock_api,
        "/v1/picks/serials",
        {
            "serials": [{"gtin": gtin, "serial": s} for s in first[:2]],
            "location": A,
            "order_ref": "SO-U",
            "ship_to": PHARMACIES[0],
        },
    )
    await _post(
        stock_api,
        "/v1/returns/verified",
        {
            "packs": [{"gtin": gtin, "serial": first[0]}],
            "location": A,
            "from_party": PHARMACIES[0],
            "reason": "overstock",
        },
    )
    await settled()

    traced = await trace_api.get(f"/v1/serials/{gtin}/{first[0]}", headers=REGULATOR)
    assert traced.status_code == 200, traced.text
    pack = traced.json()
    assert (pack["lot"], pack["state"], pack["location"]) == (p.lot, "returned", A)
    assert [(s["kind"], s["party"]) for s in pack["history"]] == [
        ("received", None),
        ("picked", PHARMACIES[0]),
        ("returned", PHARMACIES[0]),
    ]
    unknown = await trace_api.get(f"/v1/serials/{gtin}/NOPE", headers=REGULATOR)
    assert unknown.status_code == 404

    lot = f"/v1/lots/{gtin}/{lot_segment(p.lot)}"
    trace = (await trace_api.get(f"{lot}/trace", headers=REGULATOR)).json()
    assert trace["packs"] == {
        "received": 10,
        "shipped": 7,
        "returned": 1,
        "decommissioned": 0,
        "on_hand": 4,
    }
    report = (await trace_api.get(f"{lot}/recall-report", headers=REGULATOR)).json()
    serials = {c["party"]: c["serials"] for c in report["consignees"]}
    assert serials == {PHARMACIES[0]: [first[1]], PHARMACIES[1]: sorted(second)}

    exported = await trace_api.get(f"{lot}/epcis", headers=REGULATOR)
    assert exported.status_code == 200, exported.text
    epcis = exported.json()
    assert schema_errors(epcis) == []
    events = epcis["epcisBody"]["eventList"]
    shipped = [e for e in events if e["type"] == "ObjectEvent" and e.get("bizStep") == "shipping"]
    assert [len(e["epcList"]) for e in shipped] == [5, 2]
    assert shipped[1]["epcList"][0] == f"https://id.gs1.org/01/{gtin}/21/{first[0]}"
    assert all("quantityList" not in e for e in shipped)
    aggregations = [
        (e["bizStep"], e["parentID"].rsplit("/", 1)[1], len(e["childEPCs"]))
        for e in events
        if e["type"] == "AggregationEvent"
    ]
    assert aggregations == [
        *sorted(
            [("receiving", p.sscc, 2), ("receiving", first_case, 5), ("receiving", second_case, 5)]
        ),
        ("shipping", second_case, 5),
    ]

"""A serialised pallet in the warehouse day (issue 18, docs/adr/0016-serials.md): the
supplier's EPCIS packing data is captured, the pallet is received by scanning its SSCC, a
case is opened, three packs go to one pharmacy and a whole case to another by one scan,
and returns are verified pack by pack — one accepted, one refused (never shipped to that
pharmacy) and held, which alerts QA as suspect_product — before the regulator traces a
pack by its serial."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lotledger_bench.generator.catalog import CATALOG
from lotledger_bench.generator.pallets import document, pallet

from demo.api import until
from lotledger.shared.identifiers import gs1_check_digit

if TYPE_CHECKING:
    from demo.warehouse_day import WarehouseDay

SHELF = "WH1/COLD-A/02"


def _gtin(tag: str) -> str:
    body = "0950608" + tag[-6:]
    return body + str(gs1_check_digit(body))


async def serialised_pallet(day: WarehouseDay) -> None:
    api, report = day.api, day.report
    gtin = _gtin(day.tag)
    product = {
        "name": "Serialised vaccine (demo)",
        "storage_class": "cold",
        "rx": True,
        "serialised": True,
        "inspect_receipts": False,
    }
    await api.ok("PUT", "inventory", f"/v1/products/{gtin}", "admin", json=product)
    expiry = (day.today + timedelta(days=730)).isoformat()
    p = pallet(gtin, f"SER{day.tag[-8:]}", expiry, cases=4, per_case=6)
    await api.ok("POST", "inventory", "/v1/epcis/capture", "scanner", json=document(p))
    receipt = {"sscc": p.sscc, "location": SHELF, "supplier": CATALOG.suppliers[0]}
    received = await api.ok("POST", "inventory", "/v1/receipts/containers", "scanner", json=receipt)
    report(
        f"serialised pallet: EPCIS captured, SSCC {p.sscc} received by one scan: "
        f"{received['received']} packs in {len(p.cases)} cases, lot {p.lot}"
    )
    (opened, loose), (whole, _) = list(p.cases.items())[:2]
    await api.ok("POST", "inventory", f"/v1/containers/{opened}/open", "scanner")
    near, far = CATALOG.pharmacies[0], CATALOG.pharmacies[1]
    packs = [{"gtin": gtin, "serial": s} for s in loose[:3]]
    ship = {"location": SHELF, "order_ref": f"SER-{day.tag}"}
    await api.ok(
        "POST",
        "inventory",
        "/v1/picks/serials",
        "scanner",
        json=ship | {"serials": packs, "ship_to": near},
    )
    await api.ok(
        "POST",
        "inventory",
        "/v1/picks/serials",
        "scanner",
        json=ship | {"containers": [whole], "ship_to": far},
    )
    report(f"  case {opened} opened: 3 packs to {near}; case {whole} to {far} by one scan")
    back = {
        "packs": [packs[0], {"gtin": gtin, "serial": p.cases[whole][0]}],
        "location": SHELF,
        "from_party": near,
        "reason": "overstock",
    }
    verdicts = await api.ok("POST", "inventory", "/v1/returns/verified", "scanner", json=back)
    for v in verdicts["verdicts"]:
        answer = "verified, back to saleable" if v["verified"] else f"not verified: {v['reason']}"
        report(f"  return from {near} of pack {v['serial']}: {answer}")

    async def suspect() -> Any:
        params = {"type": "suspect_product", "gtin": gtin}
        return (await api.ok("GET", "alerts", "/v1/alerts", "qa", params=params))["items"]

    [alert] = await until("the suspect_product alert of the refused pack", suspect)
    day.day.suspect_product = alert["subject"]
    report(f"  suspect_product alert ({alert['severity']}): {alert['details']['message']}")

    async def traced() -> object:
        response = await api.call(
            "GET", "traceability", f"/v1/serials/{gtin}/{loose[0]}", "regulator"
        )
        if response.status_code != 200 or len(response.json()["history"]) < 3:
            return None
        return response.json()

    pack = await until(f"pack {loose[0]} in traceability", traced)
    assert isinstance(pack, dict)
    steps = " → ".join(
        f"{s['kind']}{' ' + s['party'] if s['party'] else ''}" for s in pack["history"]
    )
    report(f"  trace of pack {loose[0]}: {steps} (now {pack['state']})")

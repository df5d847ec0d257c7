"""What the people who depend on lotledger look at once the day is played: the recalled
lot's summary, trace and recall report, the cold-room excursion and the one found late,
and the alerts of the day, waited for (the read side is asynchronous) and printed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from demo.api import CONSOLE, Api, DemoError, Report, until
from demo.day import COLD_ROOM, LOGGER, LOGGER_ROOM, Day
from lotledger.shared.urls import lot_segment


@dataclass
class Findings:
    summary: dict[str, Any]
    trace: dict[str, Any]
    recall_report: dict[str, Any]
    excursion: dict[str, Any]
    late_excursion: dict[str, Any]
    alerts: list[dict[str, Any]]


async def findings(api: Api, day: Day, since: datetime, patience: float = 90.0) -> Findings:
    """Wait until traceability and alerts have caught up with the day, then read what it
    left: the recalled lot's summary, trace and recall report, the cold-room excursion
    with its exposed lots, and the alerts raised since the day began."""
    recalled, window, late = day.recalled, day.excursion_window, day.late_window
    if recalled is None or window is None or late is None:
        raise DemoError("the day has not been played")
    lot_path = f"/v1/lots/{recalled.path}"
    version = (await api.ok("GET", "inventory", f"/v1/batches/{recalled.path}", "regulator"))[
        "version"
    ]

    async def projected() -> dict[str, Any] | None:
        response = await api.call("GET", "traceability", lot_path, "regulator")
        if response.status_code == 200 and response.json()["version"] >= version:
            return dict(response.json())
        return None

    summary = await until("traceability to project the recalled lot", projected, patience)
    trace = await api.ok("GET", "traceability", f"{lot_path}/trace", "regulator")
    report = await api.ok("GET", "traceability", f"{lot_path}/recall-report", "regulator")

    async def ended() -> dict[str, Any] | None:
        params = {"location": COLD_ROOM, "from": window[0].isoformat(), "open": "false"}
        found = await api.ok("GET", "traceability", "/v1/excursions", "regulator", params=params)
        return found["items"][0] if found["items"] else None

    excursion = await until("the cold-room excursion to end", ended, patience)
    detail = await api.ok(
        "GET", "traceability", f"/v1/excursions/{excursion['excursion_id']}", "regulator"
    )

    async def found_late() -> dict[str, Any] | None:
        params = {"location": LOGGER_ROOM, "from": late[0].isoformat(), "to": late[1].isoformat()}
        found = await api.ok("GET", "traceability", "/v1/excursions", "regulator", params=params)
        return next((x for x in found["items"] if x["detected_late"]), None)

    late_excursion = await until("the logger's excursion, found late", found_late, patience)

    async def raised() -> list[dict[str, Any]] | None:
        found = await api.ok("GET", "alerts", "/v1/alerts", "qa", params={"limit": 500})
        items = [a for a in found["items"] if a["raised_at"] >= since.isoformat()[:19]]
        kinds = {a["type"] for a in items}
        wanted = {"recall", "temperature_excursion", "fefo_deviation", "near_expiry"}
        excursion_closed = any(
            a["type"] == "temperature_excursion" and a["status"] == "resolved" for a in items
        )
        late_alerted = any(a["tier"] == "late" for a in items)
        logger_silent = any(a["subject"] == LOGGER for a in items)
        done = wanted <= kinds and excursion_closed and late_alerted and logger_silent
        return items if done else None

    alerts = await until("the alerts of the day", raised, patience)
    return Findings(summary, trace, report, detail, late_excursion, alerts)


def render(api: Api, day: Day, found: Findings, report: Report) -> None:
    report("")
    report("lotledger is running:")
    for name, url in api.urls.items():
        report(f"  {name:<13} {url}   docs {url}/docs   OpenAPI {url}/openapi.json")
    report("  mint a token (roles: scanner qa sensor erp regulator admin) and ask for yourself:")
    report("    TOKEN=$(uv run lotledger token --sub you --role regulator --warehouse '*')")
    report('    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8002/v1/lots')
    lot_page = f"{CONSOLE}/lots/{found.summary['gtin']}/{lot_segment(found.summary['lot'])}"
    report(f"  console       {CONSOLE}   sign in with the token of:")
    report("    uv run lotledger token --sub qa-1 --role qa --warehouse '*'")
    report(f"    then open {lot_page}")
    report(f"         and {CONSOLE}/excursions/{found.excursion['excursion_id']}")
    report(f"         and {CONSOLE}/alerts")
    summary, trace = found.summary, found.trace
    name = day.recalled.product.name if day.recalled else summary["gtin"]
    report("")
    report(
        f"trace of lot {summary['lot']} — {name}, GTIN {summary['gtin']}, "
        f"expiry {summary['expiry']}, status {summary['status']}:"
    )
    for origin in trace["origin"]:
        report(f"  from supplier {origin['party']}")
    for step in trace["path"]:
        where = step.get("location") or ""
        qty = step.get("qty") or ""
        report(
            f"  v{step['version']:<3} {step['at'][11:19]}  {step['type']:<10} {qty:>5}  "
            f"{where:<15} by {step.get('actor', '')}"
        )
    recall = found.recall_report
    report(
        f"  recall report: {len(recall['consignees'])} consignees, {recall['shipped_total']} "
        f"shipped, {recall['on_hand_total']} on hand; reconciles: "
        f"{summary['reconciliation']['balances']}"
    )
    for consignee in recall["consignees"]:
        report(f"    {consignee['party']}: {consignee['shipped']}")
    report("")
    x = found.excursion
    today = {(lot.product.gtin, lot.lot) for lot in day.lots}
    exposed = sorted(
        x["exposed_lots"],
        key=lambda e: ((e["gtin"], e["lot"]) not in today, -e["max_qty"], e["gtin"], e["lot"]),
    )
    report(
        f"excursion at {COLD_ROOM}: {x['kind']} {x['started_at'][11:19]}–{x['ended_at'][11:19]} "
        f"UTC, peak {x['peak']} °C (limit {x['limit']}); {len(exposed)} lots exposed:"
    )
    for lot in exposed[:12]:
        report(
            f"  {lot['gtin']} lot {lot['lot']:<16} {lot['max_qty']:>6} units "
            f"{lot['exposure_minutes'] * 60:5.0f} s"
        )
    if len(exposed) > 12:
        report(f"  … and {len(exposed) - 12} more (GET /v1/excursions/{x['excursion_id']})")
    late = found.late_excursion
    seen_by = ", ".join(late["sensors"])
    report(
        f"found late at {LOGGER_ROOM}: {late['kind']} {late['started_at'][11:19]}–"
        f"{late['ended_at'][11:19]} UTC, peak {late['peak']} °C, seen by {seen_by} "
        "and uploaded two hours later: published and alerted as detected_late"
    )
    report(f"silent since its upload: {LOGGER} (last reading 35 minutes ago; GSP asks every 30)")
    report("")
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alert in found.alerts:
        by_type[alert["type"]].append(alert)
    report("alerts raised today (open unless marked):")
    for kind, alerts in sorted(
        by_type.items(), key=lambda kv: SEVERITY.get(kv[1][0]["severity"], 9)
    ):
        opened = [a for a in alerts if a["status"] != "resolved"]
        closed = len(alerts) - len(opened)
        report(f"  {alerts[0]['severity']:<8} {kind:<22} {len(opened)} open, {closed} resolved")
        for alert in alerts[:3]:
            mark = "" if alert["status"] != "resolved" else "  (resolved)"
            report(f"    {alert['subject']}{mark}")


SEVERITY = {"critical": 0, "warning": 1, "info": 2}

"""`make demo`: one warehouse day played against the running services, then what the
people who depend on lotledger would look at.

The day is seeded (same seed, same choices): the catalog of the bench generator (20
products, cold/cool/ambient locations in two warehouses), receipts from suppliers
scanned as GS1 barcodes, a FEFO pick wave to pharmacies, moves, a cycle count with a
variance, a customer return held apart while the lot still ships, a pick that deviates
from FEFO, a cold-room excursion played in real time by its sensor, damaged units
disposed, and a recall; and the stock rules of demo/stock_semantics.py: the incoming
inspection of every receipt, and an offline scanner's sync with one conflict.
Lot numbers carry the minute the day started, so the demo can be played again on the
same system.

    PYTHONPATH=bench uv run python -m demo.warehouse_day [--seed 7] [--excursion-s 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from lotledger_bench.generator.catalog import CATALOG, Product

from demo import stock_semantics
from lotledger.shared.auth import mint_token
from lotledger.shared.settings import CommonSettings
from lotledger.shared.urls import lot_segment

GS = "\x1d"
ROLES = ("admin", "scanner", "qa", "sensor", "regulator")
SERVICES = {
    "inventory": "http://127.0.0.1:8001",
    "traceability": "http://127.0.0.1:8002",
    "alerts": "http://127.0.0.1:8003",
}
COLD_ROOM = "WH1/COLD-A/01"
SHORT_DATED = {1: (45, 80), 9: (45, 80), 2: (120, 170), 12: (120, 170)}
"""Products (by catalog index) whose first lot of the day expires within these days."""
SCARCE = CATALOG.products[4]
"""Received just above its reorder point, then picked out: low stock, then a stock-out."""
OVERSTOCKED = CATALOG.products[5]
"""Its maximum stock lowered below what the day receives: overstock."""

Report = Callable[[str], None]


class DemoError(RuntimeError):
    pass


class Api:
    """The three services, a bearer token per role, and a client that waits out 429s."""

    def __init__(self, urls: Mapping[str, str], tokens: Mapping[str, str]) -> None:
        self.clients = {
            name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()
        }
        self.urls = dict(urls)
        self.tokens = dict(tokens)

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def call(
        self, method: str, service: str, path: str, role: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        while True:
            response = await self.clients[service].request(method, path, headers=headers, **kwargs)
            if response.status_code != 429:
                return response
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

    async def ok(self, method: str, service: str, path: str, role: str, **kwargs: Any) -> Any:
        response = await self.call(method, service, path, role, **kwargs)
        if response.status_code >= 300:
            raise DemoError(f"{method} {service}{path}: {response.status_code} {response.text}")
        return response.json()


def tokens_for(secret: str) -> dict[str, str]:
    return {
        role: mint_token(
            secret,
            sub=f"demo-{role}",
            roles=[role],
            warehouses=["*"],
            device=f"demo-{role}-device",
            ttl=timedelta(hours=2),
        )
        for role in ROLES
    }


@dataclass
class Lot:
    product: Product
    lot: str
    expiry: date | None
    location: str
    sequence: int
    short_dated: bool = False

    @property
    def key(self) -> str:
        return f"{self.product.gtin}/{self.lot}"

    @property
    def path(self) -> str:
        """`{gtin}/{lot}` as URL path segments."""
        return f"{self.product.gtin}/{lot_segment(self.lot)}"


@dataclass
class Day:
    """What the day did, for the closing report (and for the test that plays it)."""

    lots: list[Lot] = field(default_factory=list)
    known: dict[str, Lot] = field(default_factory=dict)
    shipped: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    counts: Counter[str] = field(default_factory=Counter)
    recalled: Lot | None = None
    deviation: Lot | None = None
    excursion_window: tuple[datetime, datetime] | None = None
    inspected: int = 0
    rejected: tuple[Lot, str] | None = None
    returned: Lot | None = None
    sync_conflict: str | None = None
    sync_replayed: bool = False

    def lot(self, key: str) -> Lot:
        return self.known[key]

    def add(self, lot: Lot) -> None:
        self.known.setdefault(lot.key, lot)


@dataclass
class WarehouseDay:
    api: Api
    report: Report
    seed: int = 7
    excursion_s: float = 20.0
    reading_interval_s: float = 2.0
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    tag: str = field(default_factory=lambda: f"{datetime.now(UTC):%y%m%d%H%M%S}")
    rng: random.Random = field(init=False)
    day: Day = field(default_factory=Day)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    async def play(self) -> Day:
        await self.seed_catalog()
        await self.readings([loc.location_id for loc in CATALOG.locations], 5.0, 20.0)
        await stock_semantics.inspection_on(self)
        await self.receive()
        await stock_semantics.inspect(self)
        await self.move()
        await self.pick_wave()
        await self.deviate_from_fefo()
        await self.count()
        await stock_semantics.return_held_apart(self)
        await stock_semantics.offline_sync(self)
        await self.excursion()
        await self.dispose_and_recall()
        return self.day

    async def seed_catalog(self) -> None:
        for product in CATALOG.products:
            body = product.body()
            if product.gtin == OVERSTOCKED.gtin:
                body["max_stock"] = 150
            await self.api.ok(
                "PUT", "inventory", f"/v1/products/{product.gtin}", "admin", json=body
            )
        for location in CATALOG.locations:
            path = f"/v1/locations/{location.location_id}"
            await self.api.ok("PUT", "inventory", path, "admin", json=location.body())
        self.report(
            f"catalog: {len(CATALOG.products)} products, {len(CATALOG.locations)} "
            f"locations in {len({loc.warehouse for loc in CATALOG.locations})} warehouses"
        )

    def _barcode(self, product: Product, lot: str, expiry: date) -> str:
        if self.rng.random() < 0.5:
            return f"(01){product.gtin}(17){expiry:%y%m%d}(10){lot}"
        return f"]d201{product.gtin}17{expiry:%y%m%d}10{lot}{GS}21{self.rng.randint(10**6, 10**7)}"

    async def receive(self) -> None:
        rng, received = self.rng, 0
        for index, product in enumerate(CATALOG.products):
            shelves = CATALOG.storage(product.storage_class)
            for n in range(1 if product is SCARCE else 2):
                lot = f"L{self.tag}{index:02d}{n}"
                if n == 0 and index in SHORT_DATED:
                    expiry = self.today + timedelta(days=rng.randint(*SHORT_DATED[index]))
                else:
                    expiry = self.today + timedelta(days=rng.randint(300 + 300 * n, 500 + 400 * n))
                qty = max(12, int(product.daily_demand * rng.uniform(4, 9)))
                if product is SCARCE:
                    qty = product.reorder_point + 6
                if product is OVERSTOCKED:
                    qty = 90
                location = (
                    COLD_ROOM
                    if product.storage_class == "cold"
                    else rng.choice(shelves).location_id
                )
                body = {
                    "barcode": self._barcode(product, lot, expiry),
                    "qty": qty,
                    "location": location,
                    "supplier": rng.choice(CATALOG.suppliers),
                    "reference": f"ASN-{self.tag}-{index:02d}{n}",
                }
                await self.api.ok("POST", "inventory", "/v1/receipts", "scanner", json=body)
                short = n == 0 and index in SHORT_DATED
                self.day.lots.append(Lot(product, lot, expiry, location, n, short))
                self.day.add(self.day.lots[-1])
                received += qty
        self.report(
            f"receipts: {len(self.day.lots)} lots, {received} units from "
            f"{len(CATALOG.suppliers)} suppliers, scanned as GS1 barcodes "
            f"(short-dated lots among them)"
        )

    async def move(self) -> None:
        moved = 0
        for lot in self.day.lots:
            if lot.location == COLD_ROOM and lot.sequence == 1 and moved < 3:
                stock = await self.batch(lot)
                qty = stock["on_hand"].get(lot.location, 0) // 3
                body = {
                    "gtin": lot.product.gtin,
                    "lot": lot.lot,
                    "qty": qty,
                    "from_location": lot.location,
                    "to_location": "WH1/COLD-A/02",
                }
                await self.api.ok("POST", "inventory", "/v1/moves", "scanner", json=body)
                moved += 1
        self.report(f"moves: {moved} putaways from the cold room to WH1/COLD-A/02")

    async def pick_wave(self, orders: int = 90) -> None:
        rng, products = self.rng, CATALOG.products
        short = picked = 0
        plan = rng.choices(products, weights=[p.daily_demand for p in products], k=orders)
        plan += [SCARCE] * 2
        for number, product in enumerate(plan, 1):
            qty = (
                8
                if product is SCARCE
                else max(1, int(product.daily_demand / 6 * rng.uniform(0.4, 1.6)))
            )
            ship_to = rng.choice(CATALOG.pharmacies)
            body = {
                "gtin": product.gtin,
                "qty": qty,
                "warehouse": "WH1",
                "order_ref": f"SO-{self.tag}-{number:03d}",
                "ship_to": ship_to,
            }
            response = await self.api.call("POST", "inventory", "/v1/picks", "scanner", json=body)
            if response.status_code == 409:
                short += 1
                continue
            if response.status_code != 201:
                raise DemoError(f"pick: {response.status_code} {response.text}")
            for allocation in response.json()["allocations"]:
                lot = Lot(product, allocation["lot"], None, allocation["location"], -1)
                self.day.add(lot)
                key = lot.key
                self.day.shipped[key][ship_to] += allocation["qty"]
            picked += 1
            if number % 30 == 0:
                self.report(f"  pick wave: {number}/{len(plan)} orders")
        self.report(
            f"pick wave: {picked} orders picked first-expiry-first-out to "
            f"{len({p for c in self.day.shipped.values() for p in c})} pharmacies, "
            f"{short} refused for lack of stock"
        )

    async def deviate_from_fefo(self) -> None:
        later = next(
            lot
            for lot in self.day.lots
            if lot.sequence == 1
            and lot.product.storage_class == "ambient"
            and CATALOG.products.index(lot.product) not in SHORT_DATED
        )
        body = {
            "gtin": later.product.gtin,
            "lot": later.lot,
            "location": later.location,
            "qty": 5,
            "order_ref": f"SO-{self.tag}-DEV",
            "ship_to": CATALOG.pharmacies[0],
        }
        result = await self.api.ok("POST", "inventory", "/v1/picks", "scanner", json=body)
        self.day.shipped[later.key][CATALOG.pharmacies[0]] += 5
        self.day.deviation = later
        flagged = any(a["fefo_deviation"] for a in result["allocations"])
        self.report(f"FEFO deviation: lot {later.lot} picked ahead of an earlier one ({flagged=})")

    async def count(self) -> None:
        variances = 0
        for index, lot in enumerate(self.day.lots[::4]):
            batch = await self.batch(lot)
            held = sum(batch["held"].get(lot.location, {}).values())
            on_hand = batch["on_hand"].get(lot.location, 0) - held
            counted = max(0, on_hand - 2) if index == 3 else on_hand
            body = {
                "gtin": lot.product.gtin,
                "lot": lot.lot,
                "location": lot.location,
                "counted_qty": counted,
            }
            await self.api.ok("POST", "inventory", "/v1/counts", "scanner", json=body)
            self.day.counts["variance" if counted != on_hand else "match"] += 1
            variances += counted != on_hand
        self.report(
            f"cycle count: {sum(self.day.counts.values())} bins, {variances} with a variance"
        )

    async def readings(self, locations: list[str], cold: float, other: float) -> None:
        now = datetime.now(UTC)
        readings = [
            {
                "sensor": sensor_id(location),
                "location": location,
                "at": now.isoformat(),
                "temperature_c": cold if "COLD" in location else other,
                "humidity_pct": 52.0,
            }
            for location in locations
        ]
        await self.api.ok(
            "POST", "inventory", "/v1/telemetry/readings", "sensor", json={"readings": readings}
        )

    async def excursion(self) -> None:
        steps = max(3, int(self.excursion_s / self.reading_interval_s))
        profile = (
            [5.2, 5.6]
            + [8.4 + 3.0 * min(i, steps - 1 - i) / steps for i in range(steps)]
            + [6.1, 5.3]
        )
        every = f"{self.reading_interval_s:g} s"
        self.report(f"cold room {COLD_ROOM}: the door stays open (a reading every {every})")
        started = ended = None
        for temperature in profile:
            await self.readings([COLD_ROOM], round(temperature, 1), 20.0)
            if temperature > 8.0 and started is None:
                started = datetime.now(UTC)
            if temperature <= 8.0 and started is not None and ended is None:
                ended = datetime.now(UTC)
            self.report(
                f"  {COLD_ROOM} {temperature:4.1f} °C{'  above 8 °C' if temperature > 8 else ''}"
            )
            await asyncio.sleep(self.reading_interval_s)
        if started is None or ended is None:
            raise DemoError("the excursion profile never left or never returned to the range")
        self.day.excursion_window = (started, ended)

    async def dispose_and_recall(self) -> None:
        candidates = []
        for key, consignees in self.day.shipped.items():
            lot = self.day.lot(key)
            if lot.product.storage_class == "cold":
                on_hand = (await self.batch(lot))["on_hand"]
                if on_hand:
                    candidates.append((len(consignees), key, on_hand))
        _, key, on_hand = max(candidates)
        lot = self.day.lot(key)
        where = max(on_hand, key=lambda loc: on_hand[loc])
        body = {
            "gtin": lot.product.gtin,
            "lot": lot.lot,
            "qty": 1,
            "location": where,
            "reason": "damaged",
            "witness": "emp-1042",
        }
        await self.api.ok("POST", "inventory", "/v1/disposals", "scanner", json=body)
        recall = {"recall_id": f"RC-{self.tag}", "class": "II", "reason": "temperature_excursion"}
        path = f"/v1/batches/{lot.path}/recall"
        await self.api.ok("POST", "inventory", path, "qa", json=recall)
        self.day.recalled = lot
        self.report(
            f"recall: QA recalls lot {lot.lot} ({lot.product.name}), shipped to "
            f"{len(self.day.shipped[key])} pharmacies"
        )

    async def batch(self, lot: Lot) -> dict[str, Any]:
        path = f"/v1/batches/{lot.path}"
        return dict(await self.api.ok("GET", "inventory", path, "scanner"))


def sensor_id(location: str) -> str:
    return "SN-" + location.replace("/", "-")


async def until(what: str, probe: Callable[[], Any], patience: float = 60.0) -> Any:
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        found = await probe()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise DemoError(f"timed out after {patience:g} s waiting for {what}")
        await asyncio.sleep(0.5)


@dataclass
class Findings:
    summary: dict[str, Any]
    trace: dict[str, Any]
    recall_report: dict[str, Any]
    excursion: dict[str, Any]
    alerts: list[dict[str, Any]]


async def findings(api: Api, day: Day, since: datetime, patience: float = 90.0) -> Findings:
    """Wait until traceability and alerts have caught up with the day, then read what it
    left: the recalled lot's summary, trace and recall report, the cold-room excursion
    with its exposed lots, and the alerts raised since the day began."""
    recalled, window = day.recalled, day.excursion_window
    if recalled is None or window is None:
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

    async def raised() -> list[dict[str, Any]] | None:
        found = await api.ok("GET", "alerts", "/v1/alerts", "qa", params={"limit": 500})
        items = [a for a in found["items"] if a["raised_at"] >= since.isoformat()[:19]]
        kinds = {a["type"] for a in items}
        wanted = {
            "recall",
            "temperature_excursion",
            "fefo_deviation",
            "near_expiry",
            "sync_conflict",
        }
        excursion_closed = any(
            a["type"] == "temperature_excursion" and a["status"] == "resolved" for a in items
        )
        return items if wanted <= kinds and excursion_closed else None

    alerts = await until("the alerts of the day", raised, patience)
    return Findings(summary, trace, report, detail, alerts)


def render(api: Api, day: Day, found: Findings, report: Report) -> None:
    report("")
    report("lotledger is running:")
    for name, url in api.urls.items():
        report(f"  {name:<13} {url}   docs {url}/docs   OpenAPI {url}/openapi.json")
    report("  mint a token (roles: scanner qa sensor erp regulator admin) and ask for yourself:")
    report("    TOKEN=$(uv run lotledger token --sub you --role regulator --warehouse '*')")
    report('    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8002/v1/lots')
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
    report("")
    report("the system stays up; `make down` stops it, `make demo` plays another day")


SEVERITY = {"critical": 0, "warning": 1, "info": 2}


async def main_async(args: argparse.Namespace) -> int:
    secret = CommonSettings().auth_secret.get_secret_value()
    api = Api(SERVICES, tokens_for(secret))
    try:
        for name, client in api.clients.items():
            ready = await client.get("/readyz")
            if ready.status_code != 200:
                raise DemoError(f"{name} is not ready: {ready.text}; is `make up` done?")
        since = datetime.now(UTC)
        day = await WarehouseDay(api, report, args.seed, args.excursion_s).play()
        report("waiting for traceability and alerts to catch up …")
        found = await findings(api, day, since)
        render(api, day, found, report)
    except DemoError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        await api.aclose()
    return 0


def report(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--excursion-s", type=float, default=20.0)
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()

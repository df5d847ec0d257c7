"""Serialised pallets (docs/adr/0016-serials.md): a supplier's EPCIS capture and the
receipt by SSCC of a 10,000-pack pallet (20 cases × 500), each timed end to end over
HTTP; then `GET /v1/serials/{gtin}/{serial}` latency on a serial store bulk-loaded to
`serial_store` packs (10,000,000 in a full run), 8 clients, random packs."""

from __future__ import annotations

import asyncio
import random
import time

import asyncpg
import httpx
from lotledger_bench.context import Context, token
from lotledger_bench.generator.catalog import CATALOG
from lotledger_bench.generator.pallets import document, pallet
from lotledger_bench.latency import summary
from lotledger_bench.registry import Figure, Outcome, scenario

from lotledger.shared.identifiers import gs1_check_digit

CASES, PER_CASE = 20, 500
LOOKUPS, CLIENTS = 2_000, 8
_BULK = """
INSERT INTO inventory.epcis_captures VALUES
    ('00000000-0000-4000-8000-00000000b001', 'bench', {n}, 0, now(), 'bench')
    ON CONFLICT DO NOTHING;
INSERT INTO inventory.serials (gtin, serial, lot, expiry, state, location, capture_id,
                               updated_at)
SELECT '{gtin}', 'B' || lpad(i::text, 9, '0'), 'BULK' || (i / 10000), '2029-12-31',
       'in_stock', '{location}', '00000000-0000-4000-8000-00000000b001', now()
FROM generate_series(1, {n}) AS i ON CONFLICT DO NOTHING;
ANALYZE inventory.serials;
"""


def _gtin() -> str:
    body = "0950609" + f"{random.randrange(10**6):06d}"
    return body + str(gs1_check_digit(body))


@scenario(
    "serials",
    "Serialised pallets",
    "capture + receipt of a 10,000-pack pallet; serial lookup p99 on a large serial store",
    services=True,
)
async def run(ctx: Context) -> Outcome:
    d, out = ctx.cfg.durations, Outcome()
    location = CATALOG.storage("cold")[0].location_id
    gtin = _gtin()
    admin = {"authorization": f"Bearer {token('admin', sub='bench-admin')}"}
    scanner = {"authorization": f"Bearer {token('scanner', sub='bench-serials')}"}
    async with httpx.AsyncClient(base_url=ctx.url, timeout=300) as client:
        body = {"name": "Serialised bench product", "storage_class": "cold", "rx": True}
        response = await client.put(
            f"/v1/products/{gtin}", json=body | {"serialised": True}, headers=admin
        )
        response.raise_for_status()
        captures, receipts = [], []
        for i in range(d.serial_pallets):
            p = pallet(gtin, f"SER{i}", "2029-12-31", cases=CASES, per_case=PER_CASE)
            started = time.perf_counter()
            (
                await client.post("/v1/epcis/capture", json=document(p), headers=scanner)
            ).raise_for_status()
            captured = time.perf_counter()
            receipt = {"sscc": p.sscc, "location": location, "supplier": CATALOG.suppliers[0]}
            response = await client.post("/v1/receipts/containers", json=receipt, headers=scanner)
            response.raise_for_status()
            assert response.json()["received"] == CASES * PER_CASE
            captures.append(captured - started)
            receipts.append(time.perf_counter() - captured)
            out.runs.append(
                {"label": f"pallet {i}", "capture_s": captures[-1], "receipt_s": receipts[-1]}
            )
        loading = time.perf_counter()
        conn = await asyncpg.connect(ctx.env.database_admin_url())
        try:
            await conn.execute(_BULK.format(n=d.serial_store, gtin=gtin, location=location))
        finally:
            await conn.close()
        loaded_s = time.perf_counter() - loading
        serials = [f"B{random.randrange(1, d.serial_store + 1):09d}" for _ in range(LOOKUPS)]
        latencies: list[float] = []

        async def lookups(share: list[str]) -> None:
            for serial in share:
                started = time.perf_counter()
                response = await client.get(f"/v1/serials/{gtin}/{serial}", headers=scanner)
                response.raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(lookups(serials[k::CLIENTS]) for k in range(CLIENTS)))
    lookup = summary(latencies)
    out.runs.append({"label": f"lookups on {d.serial_store:,} serials", "latency_ms": lookup})
    out.figures += [
        Figure("serials.capture_s", "EPCIS capture, 10,000-pack pallet", min(captures), "s"),
        Figure("serials.receipt_s", "receipt by SSCC, 10,000 packs", min(receipts), "s"),
        Figure(
            "serials.lookup_p99_ms",
            f"serial lookup p99, {d.serial_store:,} serials, {CLIENTS} clients",
            lookup["p99"],
            "ms",
        ),
    ]
    out.notes.append(
        f"best of {len(captures)} pallet(s); the serial store was bulk-loaded in "
        f"{loaded_s:.0f} s (generate_series into inventory.serials)"
    )
    return out

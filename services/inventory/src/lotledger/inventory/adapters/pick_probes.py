"""What a request's picks must read before deciding: FEFO candidates and, for an explicit
lot, the lots expiring before it; one statement for every pick of a request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lotledger.inventory.adapters.batch_rows import BATCH_COLUMNS, state_from_row
from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.db import Row


@dataclass(frozen=True)
class PickProbe:
    """What a pick needs read before locking: for a FEFO pick (`batch_id` None) the
    earliest eligible holdings in scope, for an explicit lot the eligible lots expiring
    before it (whose existence marks a FEFO deviation)."""

    gtin: str
    warehouse: str
    location: str | None
    earliest_expiry: date
    batch_id: str | None = None
    limit: int = 20
    expiry: date | None = None
    """The explicitly picked lot's expiry when the request itself receives it (the lot is
    not stored yet); otherwise the stored lot's expiry bounds the deviation check."""


@dataclass(frozen=True)
class Probed:
    fefo_candidates: dict[int, list[str]]
    """Per FEFO probe (by index): candidate batch ids, in FEFO order."""
    truncated: set[int]
    """FEFO probes whose candidate list hit the limit (more may exist)."""
    earlier: list[BatchState]
    """Unlocked states of lots expiring before an explicitly picked one."""
    candidates: dict[str, BatchState]
    """Unlocked states of the FEFO candidates (the optimistic path decides on them)."""


PROBE = f"""
SELECT r.i, {BATCH_COLUMNS}
FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::int[],
            $7::date[])
     WITH ORDINALITY AS r(gtin, warehouse, location, earliest, batch_id, lim, expiry, i)
CROSS JOIN LATERAL (
    SELECT CASE WHEN r.batch_id IS NULL THEN 'infinity'::date
           ELSE COALESCE((SELECT x.expiry FROM batches x WHERE x.batch_id = r.batch_id),
                         r.expiry, '-infinity'::date) END AS before) e
CROSS JOIN LATERAL (
    SELECT s.batch_id, s.expiry FROM stock_levels s
    WHERE s.gtin = r.gtin AND s.warehouse = r.warehouse AND s.status = 'available'
      AND s.pickable AND s.holding = 'available' AND s.expiry >= r.earliest
      AND (r.location IS NULL OR s.location = r.location)
      AND s.batch_id IS DISTINCT FROM r.batch_id
    ORDER BY s.expiry, s.lot LIMIT r.lim) c
JOIN batches b ON b.batch_id = c.batch_id
WHERE c.expiry < e.before
"""  # noqa: S608 (constants only)
"""One index scan per probe (see migration 0003) that stops after `lim` rows, each row
tagged with its probe's 1-based index `i`.

The upper bound (`before`) is applied to those rows, not inside the scan: they come in
expiry order, so the first `lim` from `earliest` that fall before it are exactly the
first `lim` of the range. Inside the scan, a range bounded by two unknowns was
estimated at a handful of rows, and on some statistics Postgres chose a bitmap scan of
every matching row and a sort instead (5.3-5.8 ms against 0.4 ms for a product with
~700 lots on hand; docs/adr/0014, fourth amendment)."""


def probe_arguments(probes: Sequence[PickProbe]) -> list[list[object]]:
    return [
        [p.gtin for p in probes],
        [p.warehouse for p in probes],
        [p.location for p in probes],
        [p.earliest_expiry for p in probes],
        [p.batch_id for p in probes],
        [p.limit for p in probes],
        [p.expiry for p in probes],
    ]


def probed(probes: Sequence[PickProbe], rows: Sequence[Row]) -> Probed:
    probed = Probed({}, set(), [], {})
    counts: dict[int, int] = {}
    for row in rows:
        index = int(row["i"]) - 1
        counts[index] = counts.get(index, 0) + 1
        if probes[index].batch_id is None:
            ids = probed.fefo_candidates.setdefault(index, [])
            if row["batch_id"] not in ids:
                ids.append(row["batch_id"])
                probed.candidates[row["batch_id"]] = state_from_row(row)
        else:
            probed.earlier.append(state_from_row(row))
    probed.truncated.update(
        i for i, n in counts.items() if probes[i].batch_id is None and n >= probes[i].limit
    )
    return probed

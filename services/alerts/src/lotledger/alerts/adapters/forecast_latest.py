"""The latest expiry-risk forecast per product and warehouse (migration 0011), kept by
the evaluation that computes it and read, top rows first, by the warehouse-wide report.

A row holds the forecast's velocity and expiry risk as JSON that decodes to equal domain
values (fractions as [numerator, denominator], money as decimal strings), so the report
built from a row is the one built from the live computation at the row's `computed_at`.
Runs on an asyncpg connection inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import orjson

from lotledger.alerts.domain.forecast import WarehouseForecast
from lotledger.alerts.domain.forecast_risk import ExpiryRisk, HeldLot, LotRisk
from lotledger.alerts.domain.forecast_velocity import Velocity
from lotledger.shared.db import Driver


@dataclass(frozen=True)
class KeptForecast:
    """A stored forecast: what the expiry-risk report shows of a `WarehouseForecast`."""

    gtin: str
    warehouse: str
    velocity: Velocity
    risk: ExpiryRisk
    computed_at: datetime


def _fraction(f: Fraction | None) -> list[int] | None:
    return None if f is None else [f.numerator, f.denominator]


def _unfraction(pair: list[int] | None) -> Fraction | None:
    return None if pair is None else Fraction(pair[0], pair[1])


def _undate(s: str | None) -> date | None:
    return None if s is None else date.fromisoformat(s)


def _money(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def _unmoney(s: str | None) -> Decimal | None:
    return None if s is None else Decimal(s)


def encode(v: Velocity, r: ExpiryRisk) -> str:
    """Dates go to orjson as they are (it writes them as ISO days, None as null): a
    forecast names every lot of its warehouse, three dates each."""
    return orjson.dumps(
        {
            "velocity": [_fraction(v.per_day), v.sigma, v.days, v.shipped, v.since],
            "today": r.today,
            "lots": [
                [
                    lot.lot,
                    lot.expiry,
                    lot.stops_sellable_on,
                    lot.qty,
                    lot.qty_at_risk,
                    _money(lot.value_at_risk),
                    lot.currency,
                    lot.reached_on,
                ]
                for lot in r.lots
            ],
            "held": [[h.lot, h.expiry, h.qty, _money(h.value), h.currency] for h in r.held],
            "qty_at_risk": r.qty_at_risk,
            "value_at_risk": {c: str(v) for c, v in r.value_at_risk.items()},
            "days_of_cover": _fraction(r.days_of_cover),
            "stock_out_on": r.stock_out_on,
        }
    ).decode()


def decode(gtin: str, warehouse: str, computed_at: datetime, doc: str) -> KeptForecast:
    d = orjson.loads(doc)
    per_day, sigma, days, shipped, since = d["velocity"]
    risk = ExpiryRisk(
        today=date.fromisoformat(d["today"]),
        lots=tuple(
            LotRisk(
                lot,
                date.fromisoformat(exp),
                date.fromisoformat(stops),
                qty,
                at_risk,
                _unmoney(value),
                currency,
                _undate(reached),
            )
            for lot, exp, stops, qty, at_risk, value, currency, reached in d["lots"]
        ),
        held=tuple(
            HeldLot(lot, date.fromisoformat(exp), qty, _unmoney(value), currency)
            for lot, exp, qty, value, currency in d["held"]
        ),
        qty_at_risk=d["qty_at_risk"],
        value_at_risk={c: Decimal(v) for c, v in d["value_at_risk"].items()},
        days_of_cover=_unfraction(d["days_of_cover"]),
        stock_out_on=_undate(d["stock_out_on"]),
    )
    speed = Velocity(Fraction(per_day[0], per_day[1]), sigma, days, shipped, _undate(since))
    return KeptForecast(gtin, warehouse, speed, risk, computed_at)


class ForecastLatestStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def keep(
        self, forecasts: Mapping[str, Sequence[WarehouseForecast]], at: datetime
    ) -> None:
        """Replace each product's rows with its forecasts (one per warehouse), in one
        statement: the rows it deletes and the rows it writes are never the same."""
        if not forecasts:
            return
        kept = [(gtin, f) for gtin, fs in sorted(forecasts.items()) for f in fs]
        await self._conn.execute(
            "WITH k AS (SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) "
            "AS k(gtin, warehouse, qty_at_risk, forecast)), "
            "gone AS (DELETE FROM forecast_latest f WHERE f.gtin = ANY($1::text[]) "
            "AND (f.gtin, f.warehouse) NOT IN (SELECT gtin, warehouse FROM k)) "
            "INSERT INTO forecast_latest (gtin, warehouse, qty_at_risk, computed_at, forecast) "
            "SELECT gtin, warehouse, qty_at_risk, $6, forecast::jsonb FROM k "
            "ON CONFLICT (gtin, warehouse) DO UPDATE SET qty_at_risk = EXCLUDED.qty_at_risk, "
            "computed_at = EXCLUDED.computed_at, forecast = EXCLUDED.forecast",
            sorted(forecasts),
            [gtin for gtin, _ in kept],
            [f.warehouse for _, f in kept],
            [f.risk.qty_at_risk for _, f in kept],
            [encode(f.velocity, f.risk) for _, f in kept],
            at,
        )

    async def top(self, warehouses: Iterable[str], limit: int) -> list[KeptForecast]:
        """The kept forecasts in `warehouses`, most units at risk first (then gtin and
        warehouse, bytewise), at most `limit`."""
        rows = await self._conn.fetch(
            "SELECT gtin, warehouse, computed_at, forecast::text AS forecast "
            "FROM forecast_latest WHERE warehouse = ANY($1::text[]) "
            "ORDER BY qty_at_risk DESC, gtin, warehouse LIMIT $2",
            sorted(set(warehouses)),
            limit,
        )
        return [decode(r["gtin"], r["warehouse"], r["computed_at"], r["forecast"]) for r in rows]

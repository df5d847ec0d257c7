"""Forecast facts (docs/adr/0015-forecast.md), each kept by order-independent upserts
(sums, minima, maxima), so a replay in another interleaving of partitions ends equal:

- `products`: default unit cost and currency, lead time, service level, expiry-risk
  thresholds (per-warehouse overrides stay in `products.warehouses`).
- `lot_costs`: per lot and currency, the costed units received and their total cost.
- `shipped_daily`: units picked for consignees per product, warehouse and local day of
  the pick's `at`.
- `receipts_seen`: per product and warehouse, the first receipt's day and the latest
  receipt (by day, then expiry) with its shelf life in days.
- `disposed_daily`: units disposed per lot, warehouse, local day and reason.

Revision ID: 0010_forecast
Revises: 0009_holdings
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0010_forecast"
down_revision: str | None = "0009_holdings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE products ADD COLUMN unit_cost numeric, ADD COLUMN currency text,
        ADD COLUMN lead_time_days integer, ADD COLUMN service_level double precision,
        ADD COLUMN expiry_risk_qty bigint, ADD COLUMN expiry_risk_value numeric;

    CREATE TABLE lot_costs (
        gtin text NOT NULL,
        lot text NOT NULL,
        currency text NOT NULL,
        qty bigint NOT NULL CHECK (qty >= 0),
        total numeric NOT NULL CHECK (total >= 0),
        PRIMARY KEY (gtin, lot, currency)
    );

    CREATE TABLE shipped_daily (
        gtin text NOT NULL,
        warehouse text NOT NULL,
        day date NOT NULL,
        qty bigint NOT NULL,
        PRIMARY KEY (gtin, warehouse, day)
    );

    CREATE TABLE receipts_seen (
        gtin text NOT NULL,
        warehouse text NOT NULL,
        first_day date NOT NULL,
        latest_day date NOT NULL,
        latest_expiry date NOT NULL,
        PRIMARY KEY (gtin, warehouse)
    );

    CREATE TABLE disposed_daily (
        gtin text NOT NULL,
        lot text NOT NULL,
        warehouse text NOT NULL,
        day date NOT NULL,
        reason text NOT NULL,
        qty bigint NOT NULL,
        PRIMARY KEY (gtin, lot, warehouse, day, reason)
    );
    CREATE INDEX disposed_daily_by_warehouse_day ON disposed_daily (warehouse, day);
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP TABLE disposed_daily;
    DROP TABLE receipts_seen;
    DROP TABLE shipped_daily;
    DROP TABLE lot_costs;
    ALTER TABLE products DROP COLUMN expiry_risk_value, DROP COLUMN expiry_risk_qty,
        DROP COLUMN service_level, DROP COLUMN lead_time_days, DROP COLUMN currency,
        DROP COLUMN unit_cost;
    """)

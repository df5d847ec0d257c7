"""Alerts carry the warehouses they concern (DESIGN §10), and the facts behind a recall's:
every warehouse a batch was ever in, and shipments per warehouse.

Backfill from what the schema already knows: the batches' current stock, the lot alerts
(their subjects name a warehouse), the recall alerts' locations and the excursions'
exposed lots. A warehouse a batch left before this migration, and that no alert or
excursion recorded, is not known; the batch's next stock event in it is. Shipments
recorded before have no warehouse (''): they count in a recall's totals, which only a
viewer covering every warehouse of the recall sees. Alerts without a warehouse before
(recall, webhook_failing) are system-wide until the backfill names one.

Revision ID: 0006_alert_warehouses
Revises: 0005_append_only
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0006_alert_warehouses"
down_revision: str | None = "0005_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE TABLE lot_warehouses (
        gtin      text NOT NULL,
        lot       text NOT NULL,
        warehouse text NOT NULL,
        PRIMARY KEY (gtin, lot, warehouse)
    );
    INSERT INTO lot_warehouses (gtin, lot, warehouse)
    SELECT gtin, lot, warehouse FROM lot_stock
    UNION
    SELECT details ->> 'gtin', details ->> 'lot', warehouse FROM alerts
    WHERE alert_type IN ('near_expiry', 'expired_on_hand', 'fefo_deviation')
        AND warehouse IS NOT NULL AND details ? 'gtin' AND details ? 'lot'
    UNION
    SELECT a.details ->> 'gtin', a.details ->> 'lot', split_part(l.key, '/', 1)
    FROM alerts a, jsonb_each(a.details -> 'locations') l
    WHERE a.alert_type = 'recall' AND jsonb_typeof(a.details -> 'locations') = 'object'
    UNION
    SELECT e ->> 'gtin', e ->> 'lot', split_part(x.location, '/', 1)
    FROM excursions x, jsonb_array_elements(x.exposed_lots) e
    ON CONFLICT DO NOTHING;

    ALTER TABLE shipments ADD COLUMN warehouse text NOT NULL DEFAULT '';
    ALTER TABLE shipments ALTER COLUMN warehouse DROP DEFAULT;
    ALTER TABLE shipments DROP CONSTRAINT shipments_pkey;
    ALTER TABLE shipments ADD PRIMARY KEY (gtin, lot, party, warehouse);

    ALTER TABLE alerts ADD COLUMN warehouses text[] NOT NULL DEFAULT '{}';
    UPDATE alerts SET warehouses = ARRAY[warehouse] WHERE warehouse IS NOT NULL;
    UPDATE alerts a SET warehouses = held.warehouses
    FROM (SELECT gtin, lot, array_agg(warehouse ORDER BY warehouse) AS warehouses
          FROM lot_warehouses GROUP BY gtin, lot) held
    WHERE a.alert_type = 'recall' AND held.gtin = a.details ->> 'gtin'
        AND held.lot = a.details ->> 'lot';
    ALTER TABLE alerts ALTER COLUMN warehouses DROP DEFAULT;
    CREATE INDEX alerts_by_warehouses ON alerts USING gin (warehouses);
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP INDEX alerts_by_warehouses;
    ALTER TABLE alerts DROP COLUMN warehouses;

    ALTER TABLE shipments DROP CONSTRAINT shipments_pkey;
    WITH unattributed AS (DELETE FROM shipments RETURNING *)
    INSERT INTO shipments (gtin, lot, party, warehouse, shipped, returned)
    SELECT gtin, lot, party, '', sum(shipped), sum(returned)
    FROM unattributed GROUP BY gtin, lot, party;
    ALTER TABLE shipments DROP COLUMN warehouse;
    ALTER TABLE shipments ADD PRIMARY KEY (gtin, lot, party);

    DROP TABLE lot_warehouses;
    """)

"""Migration 0006_alert_warehouses on a schema that already holds alerts and facts: every
alert gets the warehouses it concerns (a recall: every warehouse its lot is known to have
been in), shipments recorded before stay unattributed, and the downgrade merges them back."""

from __future__ import annotations

import asyncpg

from tests.support.infra import Infra, migrate_to, owner_role

BEFORE, REVISION = "0005_append_only", "0006_alert_warehouses"

OLD_FACTS = """
INSERT INTO lots VALUES ('09506000134352', 'R1', '2027-09-30', 'recalled', 9),
                        ('09506000134352', 'N1', '2027-02-28', 'available', 1);
INSERT INTO lot_stock VALUES ('09506000134352', 'R1', 'WH1/COLD-A/01', 'WH1', 4),
                             ('09506000134352', 'N1', 'WH3/COLD-A/01', 'WH3', 5);
INSERT INTO shipments VALUES ('09506000134352', 'R1', '9506000000022', 6, 1);
INSERT INTO excursions VALUES ('ex-1', 'WH2/COLD-A/01', 'temperature_high', 8, now(), 9,
    '[{"gtin": "09506000134352", "lot": "R1", "qty": 2}]');
INSERT INTO alerts (alert_id, alert_type, subject, tier, grp, severity, status, details, gtin,
    warehouse, location, raised_at, changed_at) VALUES
  ('00000000-0000-4000-8000-000000000001', 'recall', '09506000134352/R1', '',
   '09506000134352/R1', 'critical', 'raised',
   '{"gtin": "09506000134352", "lot": "R1", "locations": {"WH4/COLD-A/01": 1}}',
   '09506000134352', NULL, NULL, now(), now()),
  ('00000000-0000-4000-8000-000000000002', 'near_expiry', '09506000134352/N1@WH3', '90d',
   '09506000134352/N1', 'warning', 'raised',
   '{"gtin": "09506000134352", "lot": "N1", "warehouse": "WH3"}',
   '09506000134352', 'WH3', NULL, now(), now()),
  ('00000000-0000-4000-8000-000000000003', 'webhook_failing', 'sub-1', '', 'sub-1', 'warning',
   'raised', '{}', NULL, NULL, NULL, now(), now());
"""


OWNER = owner_role("alerts")


async def _connect(infra: Infra) -> asyncpg.Connection:
    conn = await asyncpg.connect(infra.url(OWNER, driver="postgresql"))
    await conn.execute("SET search_path = alerts")
    return conn


async def test_existing_alerts_and_facts_get_their_warehouses(fresh_database: Infra) -> None:
    await migrate_to(fresh_database, "alerts", BEFORE)
    conn = await _connect(fresh_database)
    try:
        await conn.execute(OLD_FACTS)
        await migrate_to(fresh_database, "alerts", REVISION)
        held = await conn.fetch("SELECT lot, warehouse FROM lot_warehouses ORDER BY 1, 2")
        assert [tuple(r) for r in held] == [
            ("N1", "WH3"),
            ("R1", "WH1"),
            ("R1", "WH2"),
            ("R1", "WH4"),
        ]
        alerts = await conn.fetch("SELECT alert_type, warehouses FROM alerts ORDER BY alert_id")
        assert [(r["alert_type"], r["warehouses"]) for r in alerts] == [
            ("recall", ["WH1", "WH2", "WH4"]),
            ("near_expiry", ["WH3"]),
            ("webhook_failing", []),
        ]
        (shipment,) = await conn.fetch("SELECT warehouse, shipped, returned FROM shipments")
        assert tuple(shipment) == ("", 6, 1)

        await conn.execute(
            "INSERT INTO shipments VALUES ('09506000134352', 'R1', '9506000000022', 2, 0, 'WH1')"
        )
        await migrate_to(fresh_database, "alerts", BEFORE, down=True)
        (merged,) = await conn.fetch("SELECT party, shipped, returned FROM shipments")
        assert tuple(merged) == ("9506000000022", 8, 1)
        assert await conn.fetchval("SELECT to_regclass('alerts.lot_warehouses')") is None
    finally:
        await conn.close()

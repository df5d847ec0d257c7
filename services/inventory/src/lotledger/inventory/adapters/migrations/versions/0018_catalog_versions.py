"""An append checks the versions of the catalog records its request decided on against
the committed ones (docs/adr/0014, twelfth amendment).

A request decides on products, locations and warehouses as its process's catalog cache
last read them, and the cache drops them on the catalog's notification, which arrives
after the change commits. An append that read a record before a change and committed
after it decided on the old record: a stock line new to a location just quarantined was
written pickable (FEFO then offered quarantined goods), a pick took goods from it, a
receipt landed available for a product that now asks for inspection, or at a location
its product's new storage class does not fit.

The function now takes, after its batches, a shared advisory lock that every catalog
change takes exclusively before it reads anything (`catalog_store.CATALOG_LOCK`): the two
wait for each other. Holding it, it compares `p_cat_version`, the version the request
read of each record (`p_cat_kind`, `p_cat_id`; 0 for one the catalog did not have), with
the committed one; if one differs it returns -2 having written nothing, and the caller
(`EventStore.append`) drops its cache and tries again.

The lock's key is the `products` table's oid, so each schema has its own. Everything
else is 0017's text.

Revision ID: 0018_catalog_versions
Revises: 0017_quiet_conflicts
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from lotledger.shared.migrations import run_script
from lotledger.shared.modules import from_file

revision: str = "0018_catalog_versions"
down_revision: str | None = "0017_quiet_conflicts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_CATALOG = """
        IF cardinality(p_cat_id) > 0 THEN
            PERFORM pg_advisory_xact_lock_shared('products'::regclass::oid::integer, 1);
            IF EXISTS (
                SELECT FROM unnest(p_cat_kind, p_cat_id, p_cat_version) AS c(kind, id, version)
                WHERE c.version <> coalesce(CASE c.kind
                    WHEN 'product' THEN (SELECT p.version FROM products AS p
                                         WHERE p.gtin = c.id)
                    WHEN 'location' THEN (SELECT l.version FROM locations AS l
                                          WHERE l.location_id = c.id)
                    WHEN 'warehouse' THEN (SELECT w.version FROM warehouses AS w
                                           WHERE w.warehouse_id = c.id)
                    END, 0)) THEN
                RETURN -2;
            END IF;
        END IF;"""


def _revision(name: str) -> ModuleType:
    return from_file(Path(__file__).with_name(f"{name}.py"), f"revision_{name}")


def _texts() -> tuple[ModuleType, str, str]:
    """Revision 0015, 0017's first part and this revision's signature."""
    plan = _revision("0015_append_plan")
    added = ",\n    p_cat_kind text[], p_cat_id text[], p_cat_version integer[])"
    return plan, _revision("0017_quiet_conflicts").LOCK_AND_CHECK, plan.SIGNATURE[:-1] + added


def upgrade(schema: str) -> None:
    plan, lock_and_check, signature = _texts()
    run_script(
        f"DROP FUNCTION {plan.SIGNATURE};"
        + plan.definition(lock_and_check + CHECK_CATALOG, signature=signature)
    )


def downgrade(schema: str) -> None:
    plan, lock_and_check, signature = _texts()
    run_script(f"DROP FUNCTION {signature};" + plan.definition(lock_and_check))

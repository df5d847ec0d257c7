"""An append checks the pickability its decisions assumed for the locations of the stock
lines it writes or empties, against the catalog as committed (docs/adr/0014, twelfth
amendment).

A request decides on locations as its process's catalog cache last read them, and the
cache drops them on the catalog's notification, which arrives after the change commits.
An append that read a location before it was quarantined, and committed a stock line new
to it after, wrote that line pickable: FEFO would then offer quarantined goods, until the
location's next change. A pick decided on the stale record took goods from a location
quarantined before the pick committed.

The function now takes, after its batches, a shared advisory lock that a catalog change
of a location's kind takes exclusively before it sets its lines (`catalog_store`): the
two wait for each other. Holding it, it compares `p_at_pickable`, what the request
assumed of each location at `p_at_location`, with the locations' records; if one
differs it returns -2 having written nothing, and the caller (`EventStore.append`) drops
its cache and tries again. A location with no record is pickable, as the domain has it.

The lock's key is the `locations` table's oid, so each schema has its own. Everything
else is 0017's text.

Revision ID: 0018_location_kinds
Revises: 0017_quiet_conflicts
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from lotledger.shared.migrations import run_script
from lotledger.shared.modules import from_file

revision: str = "0018_location_kinds"
down_revision: str | None = "0017_quiet_conflicts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_KINDS = """
        IF cardinality(p_at_location) > 0 THEN
            PERFORM pg_advisory_xact_lock_shared('locations'::regclass::oid::integer, 1);
            IF EXISTS (SELECT FROM unnest(p_at_location, p_at_pickable) AS a(location, pickable)
                       LEFT JOIN locations AS l ON l.location_id = a.location
                       WHERE coalesce(l.record->>'kind' <> 'quarantine', true)
                             IS DISTINCT FROM a.pickable) THEN
                RETURN -2;
            END IF;
        END IF;"""


def _revision(name: str) -> ModuleType:
    return from_file(Path(__file__).with_name(f"{name}.py"), f"revision_{name}")


def _texts() -> tuple[ModuleType, str, str]:
    """Revision 0015, 0017's first part and this revision's signature."""
    plan = _revision("0015_append_plan")
    added = ",\n    p_at_location text[], p_at_pickable boolean[])"
    return plan, _revision("0017_quiet_conflicts").LOCK_AND_CHECK, plan.SIGNATURE[:-1] + added


def upgrade(schema: str) -> None:
    plan, lock_and_check, signature = _texts()
    run_script(
        f"DROP FUNCTION {plan.SIGNATURE};"
        + plan.definition(lock_and_check + CHECK_KINDS, signature=signature)
    )


def downgrade(schema: str) -> None:
    plan, lock_and_check, signature = _texts()
    run_script(f"DROP FUNCTION {signature};" + plan.definition(lock_and_check))

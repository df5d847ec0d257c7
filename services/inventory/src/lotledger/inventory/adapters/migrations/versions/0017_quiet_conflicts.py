"""An optimistic append that finds a batch changed answers so, instead of failing
(docs/adr/0014, eleventh amendment).

`append_request` (`0015_append_plan`) raised a serialization failure when a batch it
updates had moved on since it was read. That is the optimistic path's ordinary outcome
under contention (the group is tried again, locking), yet Postgres wrote each one to its
log as an error with the whole call: 1.4 kB per conflict, most of a 3.3 GB log after a
few days of benchmarks. The function now locks those batches in batch-id order and
compares their versions with the ones read before it writes anything; if one differs it
returns -1 having written nothing, and the caller (`EventStore.append`) raises
`BatchChanged`. Everything after that check is as before: a batch created meanwhile, a
stream version or an idempotency key taken meanwhile still fail the call as a whole.

Revision ID: 0017_quiet_conflicts
Revises: 0016_maintenance
Create Date: 2026-12-05
"""

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from lotledger.shared.migrations import run_script
from lotledger.shared.modules import from_file

revision: str = "0017_quiet_conflicts"
down_revision: str | None = "0016_maintenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCK_AND_CHECK = """
        IF p_updated > 0 THEN
            SELECT count(*) FILTER (WHERE l.version = l.expected) INTO n
            FROM (SELECT b.version, u.expected
                  FROM batches AS b
                  JOIN unnest(p_u_id, p_u_expected) AS u(batch_id, expected)
                    ON b.batch_id = u.batch_id
                  ORDER BY b.batch_id FOR NO KEY UPDATE OF b) AS l;
            IF n <> p_updated THEN
                RETURN -1;
            END IF;
        END IF;"""


def _append_plan() -> ModuleType:
    """Revision 0015, whose text this one keeps but for the first part."""
    return from_file(Path(__file__).with_name("0015_append_plan.py"), "append_plan_0015")


def upgrade(schema: str) -> None:
    run_script(_append_plan().definition(LOCK_AND_CHECK, create="CREATE OR REPLACE"))


def downgrade(schema: str) -> None:
    previous = _append_plan()
    run_script(previous.definition(previous.LOCK_UPDATED, create="CREATE OR REPLACE"))

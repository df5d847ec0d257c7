"""Relay slots (docs/adr/0018-relay-shares.md): each outbox row gets a `slot` generated
from its key, and the relays' offsets are recorded per (slot, topic, partition), so
several relays publish at once, each its own slots, and each slot recovers from its own
offsets.

Revision ID: 0013_relay_slots
Revises: 0012_trace_context
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.outbox import RELAY_SLOTS_DDL, RELAY_SLOTS_DOWN

revision: str = "0013_relay_slots"
down_revision: str | None = "0012_trace_context"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(RELAY_SLOTS_DDL)


def downgrade(schema: str) -> None:
    run_script(RELAY_SLOTS_DOWN)

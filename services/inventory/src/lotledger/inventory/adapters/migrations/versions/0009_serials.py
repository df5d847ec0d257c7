"""Serialised packs (docs/adr/0016-serials.md).

- `epcis_captures` (append-only): each accepted supplier EPCIS document.
- `serial_containers`: SSCCs announced by a capture, their parent, where they are once
  received, when they were opened (disaggregated) and to whom they were shipped.
- `serials`: one row per pack, its current serial state (a projection of the lot
  streams' `serials` members, written in the same transaction as the events).
- `serial_history` (append-only): every change of a pack's state, with the event.
- `suspect_packs` (append-only): returned packs that failed verification, for QA.

Revision ID: 0009_serials
Revises: 0008_holdings
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import guard

revision: str = "0009_serials"
down_revision: str | None = "0008_holdings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("epcis_captures", "serial_history", "suspect_packs")


def upgrade(schema: str) -> None:
    run_script("""
    CREATE TABLE epcis_captures (
        capture_id  uuid PRIMARY KEY,
        document_id text,
        packs       integer NOT NULL,
        containers  integer NOT NULL,
        captured_at timestamptz NOT NULL,
        captured_by text NOT NULL
    );

    CREATE TABLE serial_containers (
        sscc       text PRIMARY KEY,
        parent     text,
        capture_id uuid NOT NULL REFERENCES epcis_captures,
        location   text,
        party      text,
        opened_at  timestamptz
    );
    CREATE INDEX serial_containers_parent ON serial_containers (parent)
        WHERE parent IS NOT NULL;

    CREATE TABLE serials (
        gtin       text NOT NULL,
        serial     text NOT NULL,
        lot        text NOT NULL,
        expiry     date NOT NULL,
        state      text NOT NULL CHECK (state IN
                   ('announced', 'in_stock', 'shipped', 'returned', 'decommissioned')),
        location   text,
        party      text,
        reason     text,
        parent     text,
        capture_id uuid NOT NULL REFERENCES epcis_captures,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (gtin, serial)
    );
    CREATE INDEX serials_parent ON serials (parent) WHERE parent IS NOT NULL;
    CREATE INDEX serials_lot ON serials (gtin, lot);

    CREATE TABLE serial_history (
        gtin     text NOT NULL,
        serial   text NOT NULL,
        at       timestamptz NOT NULL,
        action   text NOT NULL,
        state    text NOT NULL,
        lot      text NOT NULL,
        location text,
        party    text,
        reason   text,
        event_id uuid,
        recorded timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX serial_history_pack ON serial_history (gtin, serial, at, recorded);

    CREATE TABLE suspect_packs (
        gtin        text NOT NULL,
        serial      text NOT NULL,
        from_party  text NOT NULL,
        location    text NOT NULL,
        verdict     text NOT NULL,
        reason      text NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by text NOT NULL
    );
    """)
    run_script("".join(guard(t) for t in APPEND_ONLY))


def downgrade(schema: str) -> None:
    run_script(
        "DROP TABLE suspect_packs, serial_history, serials, serial_containers, epcis_captures;"
    )

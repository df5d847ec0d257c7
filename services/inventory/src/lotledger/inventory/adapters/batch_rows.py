"""Rows of the `batches` table as domain state, and back (one column list for every
read, so a state read anywhere carries every field)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import json_param, json_value

BATCH_COLUMNS = (
    "b.batch_id, b.gtin, b.lot, b.expiry, b.status, b.version, b.head_hash, b.on_hand, b.warehouses"
)
"""What `state_from_row` reads, selected from `batches b`."""


def state_from_row(row: Mapping[Any, Any]) -> BatchState:
    """A batch row (asyncpg record or SQLAlchemy mapping) as domain state."""
    on_hand = json_value(row["on_hand"])
    return BatchState(
        gtin=row["gtin"],
        lot=row["lot"],
        expiry=row["expiry"],
        status=BatchStatus(row["status"]),
        on_hand=dict(on_hand),
        version=row["version"],
        head_hash=row["head_hash"],
        warehouses=frozenset(row["warehouses"]),
    )


def state_columns(states: Sequence[BatchState]) -> list[list[Any]]:
    """The unnest arrays of `states`, in BATCH_COLUMNS order (warehouses as jsonb)."""
    return [
        [s.batch_id for s in states],
        [s.gtin for s in states],
        [s.lot for s in states],
        [s.expiry for s in states],
        [str(s.status) for s in states],
        [s.version for s in states],
        [s.head_hash for s in states],
        [json_param(s.on_hand) for s in states],
        [json_param(sorted(s.warehouses)) for s in states],
    ]

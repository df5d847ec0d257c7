"""Rows of the `batches` table as domain state, and back (one column list for every
read, so a state read anywhere carries every field)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lotledger.inventory.domain.batch import BatchState, HeldKey
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus
from lotledger.shared.db import Row, json_param, json_value

BATCH_COLUMNS = (
    "b.batch_id, b.gtin, b.lot, b.expiry, b.status, b.version, b.head_hash, b.on_hand, "
    "b.warehouses, b.held, b.last_at"
)
"""What `state_from_row` reads, selected from `batches b`."""


def state_from_row(row: Row) -> BatchState:
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
        held=held_from_json(json_value(row["held"])),
        last_at=row["last_at"],
    )


def held_from_json(value: Mapping[str, Mapping[str, int]]) -> dict[HeldKey, int]:
    return {
        (location, HoldingStatus(status)): int(qty)
        for location, statuses in value.items()
        for status, qty in statuses.items()
    }


def held_to_json(held: Mapping[HeldKey, int]) -> dict[str, dict[str, int]]:
    """`{location: {holding status: qty}}`; `{}` for the usual batch with nothing held."""
    nested: dict[str, dict[str, int]] = {}
    for (location, status), qty in held.items():
        nested.setdefault(location, {})[status.value] = qty
    return nested


STATE_PARAMS = (
    "id",
    "gtin",
    "lot",
    "expiry",
    "status",
    "version",
    "head",
    "on_hand",
    "warehouses",
    "held",
    "last_at",
)
"""The append statement's names for `state_columns`, in order."""


def state_columns(states: Sequence[BatchState]) -> list[list[object]]:
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
        [json_param(held_to_json(s.held)) if s.held else "{}" for s in states],
        [s.last_at for s in states],
    ]

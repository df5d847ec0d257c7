"""What `rebuild --compare` compares: every read-model table, without the columns that
only say when a row was last written (positions, outbox and relay offsets are
bookkeeping and left out)."""

from __future__ import annotations

from lotledger.shared.compare import Compared

COMPARED: Compared = {
    "products": frozenset(),
    "locations": frozenset(),
    "lots": frozenset({"updated_at"}),
    "history": frozenset(),
    "receipts": frozenset(),
    "shipments": frozenset(),
    "residence": frozenset(),
    "stays": frozenset(),
    "readings": frozenset(),
    "location_sensors": frozenset(),
    "sensors": frozenset(),
    "detector_states": frozenset({"updated_at"}),
    "excursions": frozenset(),
    "checkpoints": frozenset(),
    "checkpoint_heads": frozenset(),
}

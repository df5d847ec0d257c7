"""Stored events read back as the CloudEvent envelopes they were published as (hash
chain members included), for reading and verifying streams."""

from __future__ import annotations

from typing import Any

from lotledger.shared.db import Row, json_value
from lotledger.shared.envelope import CloudEvent

ENVELOPE_COLUMNS = (
    "e.event_id, e.source, e.type, e.stream_id, e.occurred_at, e.data, e.version, e.actor, "
    "e.device, e.correlation_id, e.causation_id, e.recorded_time, e.prev_hash, e.hash, "
    "e.position"
)
"""What `stored_envelope` reads, selected from `events e`."""


def stored_envelope(row: Row) -> dict[str, Any]:
    data = row["data"]
    return CloudEvent(
        id=row["event_id"],
        source=row["source"],
        type=row["type"],
        subject=row["stream_id"],
        time=row["occurred_at"],
        data=json_value(data),
        streamversion=row["version"],
        actor=row["actor"],
        device=row["device"],
        correlationid=row["correlation_id"],
        causationid=row["causation_id"],
        recordedtime=row["recorded_time"],
        prevhash=row["prev_hash"],
        hash=row["hash"],
    ).to_dict()

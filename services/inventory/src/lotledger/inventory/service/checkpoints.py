"""Signed checkpoints (tamper evidence beyond the per-batch chains).

A checkpoint signs (position, number of streams, root over every stream's head at that
position). Verifying one re-hashes every event up to the position from its content — so
an edit that kept the stored hashes is found — names the first broken event, recomputes
the root and checks the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from lotledger.inventory.adapters.checkpoints import Checkpoint, CheckpointStore
from lotledger.inventory.adapters.signing import Signer, signature_valid
from lotledger.shared.envelope import format_time
from lotledger.shared.hashing import heads_root, recompute_head


def signed_payload(
    position: int, streams: int, root: str, created_at: datetime, key_id: str
) -> str:
    body = {
        "position": position,
        "streams": streams,
        "root": root,
        "created_at": format_time(created_at),
        "key_id": key_id,
    }
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()


async def create_checkpoint(
    store: CheckpointStore, signer: Signer, now: datetime, min_new_events: int = 1
) -> int | None:
    """A new checkpoint when events were appended since the last one; its id, else None."""
    position = await store.safe_position()
    latest = await store.latest()
    if position == 0 or (latest and position - latest.position < min_new_events):
        return None
    heads = await store.heads(position)
    root = heads_root(heads)
    payload = signed_payload(position, len(heads), root, now, signer.key_id)
    return await store.insert(
        position, len(heads), root, now, signer.key_id, payload, signer.sign(payload.encode())
    )


@dataclass(frozen=True)
class Verification:
    checkpoint: Checkpoint
    signature_valid: bool
    root_matches: bool
    streams_checked: int
    events_checked: int
    broken_stream: str | None = None
    broken_version: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.signature_valid and self.root_matches and self.broken_stream is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "checkpoint_id": self.checkpoint.id,
            "position": self.checkpoint.position,
            "ok": self.ok,
            "signature_valid": self.signature_valid,
            "root_matches": self.root_matches,
            "streams_checked": self.streams_checked,
            "events_checked": self.events_checked,
            "broken_stream": self.broken_stream,
            "broken_version": self.broken_version,
            "reason": self.reason,
        }


async def verify_checkpoint(
    store: CheckpointStore, checkpoint: Checkpoint, public_raw: bytes
) -> Verification:
    heads: list[tuple[str, int, str]] = []
    events = 0
    broken: tuple[str, int | None, str | None] | None = None
    async for stream, stream_events in store.streams_upto(checkpoint.position):
        version, head, verdict = recompute_head(stream_events)
        heads.append((stream, version, head))
        events += version
        if broken is None and not verdict.ok:
            broken = (stream, verdict.broken_version, verdict.reason)
    root_matches = heads_root(heads) == checkpoint.root and len(heads) == checkpoint.streams
    return Verification(
        checkpoint=checkpoint,
        signature_valid=signature_valid(
            public_raw, checkpoint.payload.encode(), checkpoint.signature
        )
        and checkpoint.payload
        == signed_payload(
            checkpoint.position,
            checkpoint.streams,
            checkpoint.root,
            checkpoint.created_at,
            checkpoint.key_id,
        ),
        root_matches=root_matches,
        streams_checked=len(heads),
        events_checked=events,
        broken_stream=broken[0] if broken else None,
        broken_version=broken[1] if broken else None,
        reason=broken[2] if broken else (None if root_matches else "stream heads differ"),
    )

"""The per-batch hash chain (DESIGN §4.6): `hash = sha256(prev_hash + canonical event)`.

The canonical event is the envelope without `prevhash` and `hash`, serialised as JSON
with sorted keys, no insignificant whitespace, UTF-8, and `null` members omitted. The
first event of a stream chains from `GENESIS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

GENESIS = "0" * 64
_UNHASHED = frozenset({"prevhash", "hash"})


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in event.items() if k not in _UNHASHED and v is not None}
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def chain_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    return hash_canonical(prev_hash, canonical_bytes(event))


def hash_canonical(prev_hash: str, canonical: bytes) -> str:
    """The chain hash of an event whose canonical bytes the writer already holds."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    broken_version: int | None = None
    reason: str | None = None


def verify_chain(events: Iterable[Mapping[str, Any]]) -> ChainVerdict:
    """Check a stream's events (envelope dicts in version order) link and hash correctly."""
    prev = GENESIS
    expected_version = 1
    checked = 0
    for event in events:
        version = int(event.get("streamversion") or 0)
        if version != expected_version:
            return ChainVerdict(False, checked, expected_version, "version missing from stream")
        if event.get("prevhash") != prev:
            return ChainVerdict(
                False, checked, version, "prevhash does not match the previous hash"
            )
        if chain_hash(prev, event) != event.get("hash"):
            return ChainVerdict(False, checked, version, "hash does not match the event content")
        prev = str(event["hash"])
        expected_version += 1
        checked += 1
    return ChainVerdict(True, checked)


def content_hashes(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each event's hash recomputed from content alone, chaining from GENESIS and
    ignoring every stored hash: what the chain would be had nobody lied about it."""
    prev = GENESIS
    out = []
    for event in events:
        prev = chain_hash(prev, event)
        out.append(prev)
    return out

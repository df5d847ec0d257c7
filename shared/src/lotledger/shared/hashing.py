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
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_bytes(event)).hexdigest()


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


def heads_root(heads: Iterable[tuple[str, int, str]]) -> str:
    """The root over stream heads (stream id, version, head hash), sorted by stream id:
    sha256 of one line `stream\\tversion\\thash\\n` per stream."""
    digest = hashlib.sha256()
    for stream, version, head in sorted(heads):
        digest.update(f"{stream}\t{version}\t{head}\n".encode())
    return digest.hexdigest()


def recompute_head(events: Iterable[Mapping[str, Any]]) -> tuple[int, str, ChainVerdict]:
    """Re-hash a stream from its content (ignoring stored hashes): (last version, head,
    verdict of the stored chain)."""
    materialised = list(events)
    prev = GENESIS
    for event in materialised:
        prev = chain_hash(prev, event)
    return len(materialised), prev, verify_chain(materialised)

"""How live relays share an outbox's slots (docs/adr/0018-relay-shares.md): pure
arithmetic, no I/O.

An outbox row's slot is `hashtext(key) & (SLOTS - 1)`, computed by Postgres (a generated
column), so one key is always one slot and one slot is published by one relay at a time.
N live relays, ranked by backend pid, split the slots exactly: rank r may hold
`SLOTS // N + (1 if r < SLOTS % N else 0)`, so the quotas sum to SLOTS and differ by at
most one. Each relay starts its preference at a home slot `r * SLOTS // N` and claims
the nearest free slots going up (wrapping), releasing the farthest ones first, so shares
settle as contiguous ranges of the hash space."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

SLOTS = 32
"""Baked into the outbox's generated `slot` column (migration `..._relay_slots`)."""

MEMBERSHIP = 0x7FFFFFFF
"""The second key of the shared lock every live relay holds (slots use 0..SLOTS-1)."""


def namespace(service_key: int, schema: str) -> int:
    """The first key of a relay's two-key advisory locks: distinct per service and
    schema (a rebuild or test schema beside the live one never shares slot locks)."""
    return zlib.crc32(f"{service_key:x}:{schema}".encode()) & 0x7FFFFFFF


def quota(members: Collection[int], me: int, slots: int = SLOTS) -> int:
    """How many slots `me` may hold while `members` (backend pids, `me` among them) live."""
    ranked = sorted({*members, me})
    n, rank = len(ranked), ranked.index(me)
    return slots // n + (1 if rank < slots % n else 0)


def home(members: Collection[int], me: int, slots: int = SLOTS) -> int:
    ranked = sorted({*members, me})
    return ranked.index(me) * slots // len(ranked)


@dataclass(frozen=True)
class Plan:
    quota: int
    release: tuple[int, ...]
    """Held slots to give up (only when holding more than the quota)."""
    candidates: tuple[int, ...]
    """Free slots to try, best first, until the quota is reached."""


def plan(
    held: Collection[int],
    taken: Collection[int],
    members: Sequence[int],
    me: int,
    slots: int = SLOTS,
) -> Plan:
    """What `me` should do now, holding `held`, with `taken` held by other relays."""
    share = quota(members, me, slots)
    start = home(members, me, slots)

    def distance(slot: int) -> int:
        return (slot - start) % slots

    kept = sorted(held, key=distance)
    release = tuple(kept[share:])
    wanted = max(0, share - len(kept))
    busy = {*held, *taken}
    free = sorted((s for s in range(slots) if s not in busy), key=distance)
    return Plan(share, release, tuple(free) if wanted else ())

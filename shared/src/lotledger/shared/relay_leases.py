"""A relay's slots as session advisory locks on its own connection (two-key form:
`(namespace, slot)`), plus a shared `(namespace, MEMBERSHIP)` lock that makes it count
as a live relay. A relay whose process or connection dies loses every lock at once, as
Postgres ends the session: its slots are free for the others' next look."""

from __future__ import annotations

from dataclasses import dataclass, field

from lotledger.shared.db import Driver
from lotledger.shared.relay_slots import MEMBERSHIP, SLOTS, plan

LOCKS = """
SELECT objid::bigint AS key, pid FROM pg_locks
WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::bigint::oid
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


@dataclass(frozen=True)
class Change:
    gained: frozenset[int]
    released: frozenset[int]
    members: int


@dataclass
class SlotLeases:
    conn: Driver
    namespace: int
    held: set[int] = field(default_factory=set)
    pid: int = 0

    async def join(self) -> None:
        await self.conn.execute(
            "SELECT pg_advisory_lock_shared($1::int, $2::int)", self.namespace, MEMBERSHIP
        )
        self.pid = self.conn.get_server_pid()

    async def rebalance(self) -> Change:
        """Give up slots above this relay's quota, then try free ones up to it. Call it
        only between batches: a released slot must have nothing sent and not yet
        recorded."""
        rows = await self.conn.fetch(LOCKS, self.namespace)
        members = [r["pid"] for r in rows if r["key"] == MEMBERSHIP]
        taken = {r["key"] for r in rows if r["key"] < SLOTS and r["pid"] != self.pid}
        todo = plan(self.held, taken, members, self.pid)
        for slot in todo.release:
            await self.conn.execute(
                "SELECT pg_advisory_unlock($1::int, $2::int)", self.namespace, slot
            )
            self.held.discard(slot)
        gained: set[int] = set()
        for slot in todo.candidates:
            if len(self.held) >= todo.quota:
                break
            if await self.conn.fetchval(
                "SELECT pg_try_advisory_lock($1::int, $2::int)", self.namespace, slot
            ):
                self.held.add(slot)
                gained.add(slot)
        return Change(frozenset(gained), frozenset(todo.release), len({*members, self.pid}))

    async def try_single(self, key: int) -> bool:
        """The one-instance lock for a service's work besides publishing."""
        return bool(await self.conn.fetchval("SELECT pg_try_advisory_lock($1)", key))

"""Serial state as stored (migration 0009_serials), written inside the caller's
transaction. Bulk writes use `unnest` so a 10,000-pack pallet is a handful of statements.
A transition updates only packs in an expected state and answers how many it changed:
the caller refuses the request (rolling it back) when that is not all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from lotledger.inventory.adapters.serial_reads import SerialReads, columns
from lotledger.inventory.domain.serial_capture import Announcement
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import SerialState


@dataclass(frozen=True)
class Transition:
    """Packs going from one of `from_states` to `to`, by a stock event."""

    packs: Sequence[Pack]
    from_states: frozenset[SerialState]
    to: SerialState | None
    """None: the packs keep their state (a move)."""
    action: str
    lot: str
    at: datetime
    event_id: UUID | None
    location: str | None = None
    from_location: str | None = None
    party: str | None = None
    from_party: str | None = None
    reason: str | None = None


class SerialStore(SerialReads):
    async def capture(
        self,
        capture_id: UUID,
        document_id: str | None,
        announced: Announcement,
        at: datetime,
        by: str,
    ) -> None:
        packs = sorted(announced.packs)
        gtins, serials = columns(packs)
        await self._conn.execute(
            "INSERT INTO epcis_captures VALUES ($1, $2, $3, $4, $5, $6)",
            capture_id,
            document_id,
            len(packs),
            len(announced.container_parents),
            at,
            by,
        )
        containers = sorted(announced.container_parents.items())
        await self._conn.execute(
            "INSERT INTO serial_containers (sscc, parent, capture_id) "
            "SELECT c, p, $3 FROM unnest($1::text[], $2::text[]) AS u(c, p)",
            [c for c, _ in containers],
            [p for _, p in containers],
            capture_id,
        )
        await self._conn.execute(
            "INSERT INTO serials (gtin, serial, lot, expiry, state, parent, capture_id, "
            "updated_at) SELECT g, s, l, e, 'announced', p, $6, $7 "
            "FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[]) "
            "AS u(g, s, l, e, p)",
            gtins,
            serials,
            [announced.packs[p].lot for p in packs],
            [announced.packs[p].expiry for p in packs],
            [announced.pack_parents.get(p) for p in packs],
            capture_id,
            at,
        )

    async def transition(self, t: Transition) -> int:
        gtins, serials = columns(t.packs)
        changed = await self._conn.fetch(
            "UPDATE serials s SET state = coalesce($4, s.state), location = $5, "
            "party = coalesce($6, s.party), reason = $7, updated_at = $8 "
            "FROM unnest($1::text[], $2::text[]) AS k(g, sr) "
            "WHERE (s.gtin, s.serial) = (k.g, k.sr) AND s.state = ANY($3::text[]) "
            "AND s.lot = $9 AND ($10::text IS NULL OR s.location = $10) "
            "AND ($11::text IS NULL OR s.party = $11) RETURNING s.gtin, s.serial, s.state",
            gtins,
            serials,
            [str(s) for s in t.from_states],
            None if t.to is None else str(t.to),
            t.location,
            t.party,
            t.reason,
            t.at,
            t.lot,
            t.from_location,
            t.from_party,
        )
        await self._conn.execute(
            "INSERT INTO serial_history (gtin, serial, at, action, state, lot, location, "
            "party, reason, event_id) SELECT g, s, $4, $5, st, $6, $7, $8, $9, $10 "
            "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(g, s, st)",
            [r["gtin"] for r in changed],
            [r["serial"] for r in changed],
            [r["state"] for r in changed],
            t.at,
            t.action,
            t.lot,
            t.location,
            t.party or t.from_party,
            t.reason,
            t.event_id,
        )
        return len(changed)

    async def place(self, ssccs: Sequence[str], location: str) -> None:
        await self._conn.execute(
            "UPDATE serial_containers SET location = $2 WHERE sscc = ANY($1::text[])",
            list(ssccs),
            location,
        )

    async def ship(self, ssccs: Sequence[str], party: str) -> None:
        """The containers leave to `party`; the outermost leaves the pallet it was on."""
        await self._conn.execute(
            "UPDATE serial_containers SET party = $2, location = NULL, "
            "parent = CASE WHEN parent = ANY($1::text[]) THEN parent END "
            "WHERE sscc = ANY($1::text[])",
            list(ssccs),
            party,
        )

    async def open(self, sscc: str, at: datetime) -> int | None:
        """Disaggregate: the container's packs and containers lose it as parent. None: no
        such container."""
        opened = await self._conn.fetchval(
            "UPDATE serial_containers SET opened_at = coalesce(opened_at, $2) "
            "WHERE sscc = $1 RETURNING 1",
            sscc,
            at,
        )
        if opened is None:
            return None
        await self._conn.execute(
            "UPDATE serial_containers SET parent = NULL WHERE parent = $1", sscc
        )
        packs = await self._conn.fetch(
            "UPDATE serials SET parent = NULL, updated_at = $2 WHERE parent = $1 RETURNING 1",
            sscc,
            at,
        )
        return len(packs)

    async def suspect(
        self,
        rows: Sequence[tuple[Pack, str, UUID]],
        from_party: str,
        location: str,
        reason: str,
        at: datetime,
        by: str,
        published: tuple[str, Sequence[tuple[UUID, bytes]]],
    ) -> None:
        """Hold the packs (each with its verdict and the id of the record naming it) and
        publish the records (topic, then event id and payload per record) through the
        outbox, keyed by record id, in one statement."""
        topic, events = published
        gtins, serials = columns(p for p, _, _ in rows)
        await self._conn.execute(
            "WITH held AS (INSERT INTO suspect_packs "
            "(gtin, serial, from_party, location, verdict, reason, recorded_at, recorded_by, "
            "record_id) SELECT g, s, $4, $5, v, $6, $7, $8, r "
            "FROM unnest($1::text[], $2::text[], $3::text[], $12::uuid[]) AS u(g, s, v, r)) "
            "INSERT INTO outbox (topic, key, event_id, payload) "
            "SELECT $9, i::text, i, p FROM unnest($10::uuid[], $11::bytea[]) AS x(i, p)",
            gtins,
            serials,
            [verdict for _, verdict, _ in rows],
            from_party,
            location,
            reason,
            at,
            by,
            topic,
            [event_id for event_id, _ in events],
            [payload for _, payload in events],
            [record for _, _, record in rows],
        )

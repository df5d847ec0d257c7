"""Serial state as stored (migration 0009_serials), read: packs by key, what a container
holds, a pack's history. Runs on an asyncpg connection; one index probe per pack named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import PackRecord, SerialState
from lotledger.shared.db import Driver, Row

_COLUMNS = (
    "s.gtin, s.serial, s.lot, s.expiry, s.state, s.location, s.party, s.reason, s.parent, "
    "(s.parent IS NOT NULL AND c.opened_at IS NULL) AS sealed"
)
_BY_KEY = f"""
    SELECT {_COLUMNS}
    FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
    CROSS JOIN LATERAL (SELECT * FROM serials WHERE gtin = k.gtin AND serial = k.serial) s
    LEFT JOIN serial_containers c ON c.sscc = s.parent"""  # noqa: S608 (constant columns)
_TREE = """
    WITH RECURSIVE tree(sscc) AS (
        SELECT sscc FROM serial_containers WHERE sscc = $1
        UNION ALL SELECT c.sscc FROM serial_containers c JOIN tree t ON c.parent = t.sscc)"""
_UNDER = f"""{_TREE}
    SELECT {_COLUMNS}
    FROM serials s LEFT JOIN serial_containers c ON c.sscc = s.parent
    WHERE s.parent IN (SELECT sscc FROM tree)
    ORDER BY s.gtin, s.serial"""  # noqa: S608 (constant columns)
_CONTAINERS_UNDER = f"""{_TREE}
    SELECT t.sscc, c.parent FROM tree t JOIN serial_containers c USING (sscc)"""  # noqa: S608


def _record(row: Row) -> PackRecord:
    return PackRecord(
        Pack(row["gtin"], row["serial"]),
        row["lot"],
        row["expiry"],
        SerialState(row["state"]),
        row["location"],
        row["party"],
        row["reason"],
        row["parent"],
        row["sealed"],
    )


def columns(packs: Iterable[Pack]) -> tuple[list[str], list[str]]:
    listed = list(packs)
    return [p.gtin for p in listed], [p.serial for p in listed]


class SerialReads:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def known(self, packs: Sequence[Pack], ssccs: Sequence[str]) -> tuple[int, int]:
        """How many of `packs` and of `ssccs` are already announced."""
        gtins, serials = columns(packs)
        row = await self._conn.fetchrow(
            "SELECT (SELECT count(*) FROM serials s JOIN unnest($1::text[], $2::text[]) "
            "AS k(gtin, serial) USING (gtin, serial)) AS packs, "
            "(SELECT count(*) FROM serial_containers WHERE sscc = ANY($3::text[])) AS ssccs",
            gtins,
            serials,
            list(ssccs),
        )
        assert row is not None
        return int(row["packs"]), int(row["ssccs"])

    async def records(self, packs: Sequence[Pack]) -> dict[Pack, PackRecord]:
        gtins, serials = columns(packs)
        rows = await self._conn.fetch(_BY_KEY, gtins, serials)
        return {r.pack: r for r in map(_record, rows)}

    async def under(self, sscc: str) -> list[PackRecord] | None:
        """Every pack in the container and the containers inside it; None: no such SSCC."""
        if await self._conn.fetchval("SELECT 1 FROM serial_containers WHERE sscc = $1", sscc):
            rows = await self._conn.fetch(_UNDER, sscc)
            return [_record(r) for r in rows]
        return None

    async def containers_under(self, sscc: str) -> list[tuple[str, str | None]]:
        """The container and every container inside it, each with its parent."""
        rows = await self._conn.fetch(_CONTAINERS_UNDER, sscc)
        return [(r["sscc"], r["parent"]) for r in rows]

    async def history(self, pack: Pack) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            "SELECT at, action, state, lot, location, party, reason, event_id "
            "FROM serial_history WHERE gtin = $1 AND serial = $2 ORDER BY at, recorded",
            pack.gtin,
            pack.serial,
        )
        return [dict(r) for r in rows]

"""Row-by-row comparison of a service's rebuilt read models with the live ones (every
service's `rebuild --compare`).

Both schemas live in one database, readable by the service role, so each table is
compared by one query: the multiset difference both ways (`EXCEPT ALL`) over every column
except bookkeeping ones (when a row was last written); `json` columns, which have no
equality, are compared as text. The queries run on the caller's live connection, inside
its snapshot. Each service names the tables it compares (positions, outboxes, relay
offsets and the like are bookkeeping and left out).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.shared.schema_reset import quote

Compared = Mapping[str, frozenset[str]]
"""Table → bookkeeping columns left out of the comparison."""


@dataclass(frozen=True)
class TableVerdict:
    table: str
    live_rows: int
    rebuilt_rows: int
    only_live: int
    only_rebuilt: int
    example: dict[str, Any] | None = None

    @property
    def equal(self) -> bool:
        return self.only_live == 0 and self.only_rebuilt == 0


async def compare_tables(
    conn: AsyncConnection, live: str, rebuilt: str, compared: Compared
) -> list[TableVerdict]:
    verdicts = []
    for table, skipped in compared.items():
        columns = await _columns(conn, live, table, skipped)
        a, b = f"{quote(live)}.{quote(table)}", f"{quote(rebuilt)}.{quote(table)}"
        live_only, rebuilt_only = _difference(columns, a, b), _difference(columns, b, a)
        counts = (
            await conn.execute(
                text(
                    f"SELECT (SELECT count(*) FROM {a}), (SELECT count(*) FROM {b}), "  # noqa: S608
                    f"(SELECT count(*) FROM ({live_only}) d), "
                    f"(SELECT count(*) FROM ({rebuilt_only}) d)"
                )
            )
        ).one()
        live_rows, rebuilt_rows, only_live, only_rebuilt = (int(c) for c in counts)
        example = None
        if only_live or only_rebuilt:
            first = live_only if only_live else rebuilt_only
            row = (await conn.execute(text(f"{first} LIMIT 1"))).mappings().first()
            example = {"side": "live" if only_live else "rebuilt", **dict(row or {})}
        verdicts.append(
            TableVerdict(table, live_rows, rebuilt_rows, only_live, only_rebuilt, example)
        )
    return verdicts


def _difference(columns: str, left: str, right: str) -> str:
    """Rows of `left` missing from `right`, as a multiset; the names are quoted
    identifiers read from the catalog, never input."""
    return f"SELECT {columns} FROM {left} EXCEPT ALL SELECT {columns} FROM {right}"  # noqa: S608


async def _columns(conn: AsyncConnection, schema: str, table: str, skipped: frozenset[str]) -> str:
    rows = await conn.execute(
        text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position"
        ),
        {"schema": schema, "table": table},
    )
    names = [
        quote(r.column_name) + ("::text" if r.data_type == "json" else "")
        for r in rows
        if r.column_name not in skipped
    ]
    if not names:
        raise LookupError(f"{schema}.{table} has no columns to compare (not migrated?)")
    return ", ".join(names)


def report(verdicts: Sequence[TableVerdict]) -> str:
    lines = [
        f"{'table':<16}{'live':>10}{'rebuilt':>10}{'only live':>11}{'only rebuilt':>14}  verdict"
    ]
    for v in verdicts:
        lines.append(
            f"{v.table:<16}{v.live_rows:>10}{v.rebuilt_rows:>10}{v.only_live:>11}"
            f"{v.only_rebuilt:>14}  {'equal' if v.equal else 'DIFFERENT'}"
        )
        if v.example is not None:
            lines.append(f"    e.g. {v.example}")
    equal = all(v.equal for v in verdicts)
    lines.append("rebuild equals live" if equal else "rebuild DIFFERS from live")
    return "\n".join(lines)


class LiveBehind(RuntimeError):
    """The live side never reached a cut the rebuild could be compared at."""


async def at_live_cut(
    live: AsyncEngine,
    compare_once: Callable[[AsyncConnection], Awaitable[list[TableVerdict] | None]],
    wait_s: float,
    behind: str,
) -> list[TableVerdict]:
    """`compare_once` in one REPEATABLE READ snapshot of the live schema, again every
    0.5 s while it answers None (the live side is not at a comparable cut), for at most
    `wait_s`; then `LiveBehind` saying `behind`."""
    deadline = time.monotonic() + wait_s
    while True:
        async with live.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                verdicts = await compare_once(conn)
        if verdicts is not None:
            return verdicts
        if time.monotonic() > deadline:
            raise LiveBehind(f"{behind} for {wait_s} s")
        await asyncio.sleep(0.5)


async def rebuild_status(
    schema: str,
    applied: int,
    elapsed: float,
    compare: Callable[[], Awaitable[list[TableVerdict]]] | None,
) -> int:
    """A rebuild command's report and exit status: 0 rebuilt (and equal), 1 a table
    differs, 2 no comparison was possible."""
    print(
        f"rebuilt {schema}: {applied} records in {elapsed:.1f} s "
        f"({applied / max(elapsed, 1e-9):,.0f} records/s)"
    )
    if compare is None:
        return 0
    try:
        verdicts = await compare()
    except LiveBehind as exc:
        print(f"no comparison: {exc}")
        return 2
    print(report(verdicts))
    return 0 if all(v.equal for v in verdicts) else 1

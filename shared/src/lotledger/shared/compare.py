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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

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

"""The append holds only the parts a request writes (`append_statement.compiled`): each of
the 64 combinations is a statement Postgres accepts, typing every parameter it names, in
the order the arguments are given."""

import itertools

import asyncpg

from lotledger.inventory.adapters.append_statement import PARTS, compiled
from tests.support.infra import Infra


async def test_every_combination_of_parts_prepares_with_its_named_parameters(
    migrated: Infra,
) -> None:
    conn = await asyncpg.connect(
        migrated.url("inventory", driver="postgresql"),
        server_settings={"search_path": "inventory"},
    )
    try:
        for n in range(len(PARTS) + 1):
            for parts in itertools.combinations(PARTS, n):
                sql, names = compiled(frozenset(parts))
                statement = await conn.prepare(sql)
                assert len(statement.get_parameters()) == len(names), parts
                for table, part in (
                    ("INSERT INTO batches", "created"),
                    ("UPDATE batches", "updated"),
                    ("DELETE FROM stock_levels", "gone"),
                    ("INSERT INTO stock_levels", "levels"),
                    ("INSERT INTO sync_conflicts", "conflicts"),
                    ("INSERT INTO idempotency", "keys"),
                ):
                    assert (table in sql) == (part in parts), (parts, table)
                assert "INSERT INTO events" in sql
                assert ("INSERT INTO outbox" in sql) == ("conflicts" in parts), parts
    finally:
        await conn.close()

"""What the runtime roles cannot do: change, empty, unguard or drop an append-only table,
skip triggers, or create anything in their schema. Each attempt runs in a transaction that
is rolled back, so a statement that wrongly succeeds fails the test without harming the
session's data. The owner, who may alter the tables, is still stopped by the triggers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from tests.support.infra import Infra
from tests.support.privileges import APPEND_ONLY, SCHEMAS, ServiceSchema

TAMPERING = {
    "update": "UPDATE {t} SET {c} = {c}",
    "delete": "DELETE FROM {t}",
    "truncate": "TRUNCATE {t}",
    "disable trigger": "ALTER TABLE {t} DISABLE TRIGGER USER",
    "drop": "DROP TABLE {t}",
}
REFUSED_BY_PRIVILEGE = re.compile(r"(permission denied for table|must be owner of table) ")
"""Refused for want of a privilege: not by a trigger (which an owner could disable)."""


@asynccontextmanager
async def connected(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def refusal(conn: asyncpg.Connection, statement: str) -> asyncpg.PostgresError:
    """The error `statement` raises, in a transaction rolled back whatever happens."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        with pytest.raises(asyncpg.PostgresError) as refused:
            await conn.execute(statement)
    finally:
        await transaction.rollback()
    return refused.value


def qualified(target: ServiceSchema, table: str) -> str:
    return f'"{target.schema}"."{table}"'


@pytest.mark.parametrize("attempt", TAMPERING)
@pytest.mark.parametrize(("target", "table"), APPEND_ONLY, ids=str)
async def test_the_runtime_role_cannot_tamper_with_an_append_only_table(
    migrated: Infra, target: ServiceSchema, table: str, attempt: str
) -> None:
    async with connected(migrated.admin_url()) as admin:
        column = await admin.fetchval(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
            "AND attidentity = '' AND attgenerated = '' ORDER BY attnum LIMIT 1",
            qualified(target, table),
        )
    statement = TAMPERING[attempt].format(t=qualified(target, table), c=f'"{column}"')
    async with connected(migrated.url(target.runtime_role, driver="postgresql")) as runtime:
        refused = await refusal(runtime, statement)
    assert isinstance(refused, asyncpg.InsufficientPrivilegeError), refused
    assert REFUSED_BY_PRIVILEGE.match(refused.message), refused.message


@pytest.mark.parametrize("target", SCHEMAS, ids=str)
async def test_the_runtime_role_cannot_create_in_its_schema_or_skip_triggers(
    migrated: Infra, target: ServiceSchema
) -> None:
    async with connected(migrated.url(target.runtime_role, driver="postgresql")) as runtime:
        for statement in (
            f'CREATE TABLE "{target.schema}".intruder (x int)',
            f'CREATE VIEW "{target.schema}".intruder AS SELECT 1',
            f'CREATE FUNCTION "{target.schema}".intruder() RETURNS int '
            "LANGUAGE sql AS $$ SELECT 1 $$",
        ):
            refused = await refusal(runtime, statement)
            assert isinstance(refused, asyncpg.InsufficientPrivilegeError), statement
            assert refused.message.startswith("permission denied for schema"), refused.message
        refused = await refusal(runtime, "SET session_replication_role = replica")
        assert isinstance(refused, asyncpg.InsufficientPrivilegeError), refused


@pytest.mark.parametrize(("target", "table"), APPEND_ONLY, ids=str)
async def test_the_owner_is_stopped_by_the_immutability_triggers(
    migrated: Infra, target: ServiceSchema, table: str
) -> None:
    async with connected(migrated.url(target.owner_role, driver="postgresql")) as owner:
        guards = await owner.fetch(
            "SELECT tgtype FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal "
            "AND tgenabled = 'O'",
            qualified(target, table),
        )
        refused = await refusal(owner, f"TRUNCATE {qualified(target, table)} CASCADE")
    row, before, delete, update, truncate = 1, 2, 8, 16, 32
    assert any(
        g["tgtype"] & (row | before | delete | update) == row | before | delete | update
        for g in guards
    ), "no enabled BEFORE UPDATE OR DELETE row trigger"
    assert isinstance(refused, asyncpg.InsufficientPrivilegeError), refused
    assert "immutable" in refused.message or "append-only" in refused.message, refused.message
    assert any(g["tgtype"] & (before | truncate) == before | truncate for g in guards)

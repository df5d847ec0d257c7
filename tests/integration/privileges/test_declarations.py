"""Least privilege, as the database sees it: every object of each service's schema is
declared, the runtime role holds exactly the declared privileges and owns nothing, and a
declaration that disagrees with its schema changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import asyncpg
import pytest

from lotledger.shared.privileges import PrivilegesMismatch, apply
from tests.support.infra import Infra
from tests.support.privileges import SCHEMAS, ServiceSchema, declared, held


@pytest.fixture
async def admin(migrated: Infra) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(migrated.admin_url())
    try:
        yield conn
    finally:
        await conn.close()


@pytest.mark.parametrize("target", SCHEMAS, ids=str)
async def test_every_table_view_sequence_and_function_is_declared(
    admin: asyncpg.Connection, target: ServiceSchema
) -> None:
    relations = await admin.fetch(
        "SELECT c.relname, c.relkind::text AS kind FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 "
        "AND c.relkind NOT IN ('i', 'I', 'c', 't') AND NOT (c.relkind = 'S' AND EXISTS "
        "(SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i'))",
        target.schema,
    )
    functions = await admin.fetch(
        "SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS signature "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1",
        target.schema,
    )
    assert {r["relname"] for r in relations if r["kind"] != "S"} == set(target.declared.tables)
    assert {r["relname"] for r in relations if r["kind"] == "S"} == set(target.declared.sequences)
    assert {r["signature"] for r in functions} == set(target.declared.functions)


@pytest.mark.parametrize("target", SCHEMAS, ids=str)
async def test_the_runtime_role_holds_exactly_the_declared_privileges(
    admin: asyncpg.Connection, target: ServiceSchema
) -> None:
    assert await held(admin, target) == declared(target)


async def test_the_runtime_roles_own_nothing(admin: asyncpg.Connection) -> None:
    owned = await admin.fetch(
        "SELECT r.rolname, pg_describe_object(d.classid, d.objid, d.objsubid) AS object "
        "FROM pg_shdepend d JOIN pg_roles r ON r.oid = d.refobjid "
        "WHERE d.deptype = 'o' AND r.rolname = ANY($1::text[]) AND d.dbid IN "
        "(0, (SELECT oid FROM pg_database WHERE datname = current_database()))",
        [s.runtime_role for s in SCHEMAS],
    )
    assert [dict(r) for r in owned] == []
    schemas = await admin.fetch(
        "SELECT nspname, nspowner::regrole::text AS owner FROM pg_namespace "
        "WHERE nspname = ANY($1::text[])",
        [s.schema for s in SCHEMAS],
    )
    assert {r["nspname"]: r["owner"] for r in schemas} == {s.schema: s.owner_role for s in SCHEMAS}


@pytest.mark.parametrize("target", SCHEMAS, ids=str)
async def test_a_declaration_that_disagrees_with_its_schema_changes_nothing(
    migrated: Infra, target: ServiceSchema
) -> None:
    missing = next(iter(target.declared.tables))
    tables = {n: a for n, a in target.declared.tables.items() if n != missing}
    wrong = replace(target.declared, tables={**tables, "no_such_table": tables[next(iter(tables))]})
    conn = await asyncpg.connect(migrated.url(target.owner_role, driver="postgresql"))
    try:
        before = await _acls(conn, target.schema)
        with pytest.raises(PrivilegesMismatch) as refused:
            await apply(conn, target.schema, target.runtime_role, wrong)
        assert f"undeclared table or view {missing}" in str(refused.value)
        assert "declared table or view no_such_table does not exist" in str(refused.value)
        assert await _acls(conn, target.schema) == before
        await apply(conn, target.schema, target.runtime_role, target.declared)
        assert await _acls(conn, target.schema) == before
    finally:
        await conn.close()


async def _acls(conn: asyncpg.Connection, schema: str) -> list[tuple[str, str | None]]:
    rows = await conn.fetch(
        "SELECT relname AS name, relacl::text AS acl FROM pg_class "
        "WHERE relnamespace = $1::regnamespace UNION ALL "
        "SELECT proname, proacl::text FROM pg_proc WHERE pronamespace = $1::regnamespace "
        "ORDER BY 1",
        schema,
    )
    return [(r["name"], r["acl"]) for r in rows]

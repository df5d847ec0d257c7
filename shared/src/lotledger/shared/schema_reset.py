"""Emptying a rebuild schema so migrations can build it afresh (every service's
`rebuild`).

Runs as the owner role (the one `migrate` uses), which cannot create schemas either
(deploy/README.md), so a rebuild schema is provisioned once, owned by it, and reset by
dropping what is inside it: views, tables (with their triggers and sequences) and
functions. The live schema is refused.
"""

from __future__ import annotations

from lotledger.shared.db import driver_connect


class SchemaMissing(RuntimeError):
    """The rebuild schema was never provisioned."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def reset_schema(url: str, schema: str, live_schema: str) -> None:
    if schema == live_schema:
        raise ValueError(f"refusing to reset the live schema {schema!r}")
    conn = await driver_connect(url, schema, "lotledger-rebuild-reset")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
            role = await conn.fetchval("SELECT current_user")
            raise SchemaMissing(
                f"schema {schema!r} does not exist; as the database admin run "
                f"CREATE SCHEMA {quote(schema)} AUTHORIZATION {quote(role)}"
            )
        relations = await conn.fetch(
            "SELECT c.relname, c.relkind::text AS relkind FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('v', 'm', 'r', 'p')"
            " ORDER BY c.relkind IN ('r', 'p'), c.relname",
            schema,
        )
        functions = await conn.fetch(
            "SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = $1",
            schema,
        )
        async with conn.transaction():
            for r in relations:
                kind = {"v": "VIEW", "m": "MATERIALIZED VIEW"}.get(r["relkind"], "TABLE")
                await conn.execute(
                    f"DROP {kind} IF EXISTS {quote(schema)}.{quote(r['relname'])} CASCADE"
                )
            for f in functions:
                await conn.execute(f"DROP FUNCTION IF EXISTS {f['signature']} CASCADE")
    finally:
        await conn.close()

"""Each service's schema with its roles and declared runtime privileges, for the tests
that check the declarations against the database."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from lotledger.alerts.adapters.privileges import RUNTIME as ALERTS
from lotledger.inventory.adapters.privileges import RUNTIME as INVENTORY
from lotledger.shared.privileges import EXECUTE, Privileges
from lotledger.traceability.adapters.privileges import RUNTIME as TRACEABILITY
from tests.support.infra import owner_role


@dataclass(frozen=True)
class ServiceSchema:
    service: str
    declared: Privileges

    @property
    def schema(self) -> str:
        return self.service

    @property
    def runtime_role(self) -> str:
        return self.service

    @property
    def owner_role(self) -> str:
        return owner_role(self.service)

    def __str__(self) -> str:
        return self.service


SCHEMAS = (
    ServiceSchema("inventory", INVENTORY),
    ServiceSchema("traceability", TRACEABILITY),
    ServiceSchema("alerts", ALERTS),
)
APPEND_ONLY = [(s, t) for s in SCHEMAS for t in s.declared.append_only()]
"""(schema, table) for every append-only table of every service."""


TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@dataclass(frozen=True)
class Held:
    """What a role may do in a schema, as the database answers it."""

    tables: dict[str, set[str]]
    executable: set[str]
    usage: bool
    create: bool


async def held(conn: asyncpg.Connection, target: ServiceSchema, schema: str | None = None) -> Held:
    """The runtime role's privileges on every object `target` declares, in `schema`."""
    role, schema = target.runtime_role, schema or target.schema
    tables = {
        name: {
            p
            for p in TABLE_PRIVILEGES
            if await conn.fetchval(
                "SELECT has_table_privilege($1, format('%I.%I', $2::text, $3::text), $4)",
                role,
                schema,
                name,
                p,
            )
        }
        for name in target.declared.tables
    }
    executable = await conn.fetch(
        "SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS signature "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = $1 AND has_function_privilege($2, p.oid, 'EXECUTE')",
        schema,
        role,
    )
    schema_rights = await conn.fetchrow(
        "SELECT has_schema_privilege($1, $2, 'USAGE'), has_schema_privilege($1, $2, 'CREATE')",
        role,
        schema,
    )
    assert schema_rights is not None
    usage, create = schema_rights
    return Held(tables, {r["signature"] for r in executable}, usage, create)


def declared(target: ServiceSchema) -> Held:
    """What `target` declares, in the shape `held` answers."""
    return Held(
        tables={n: {p.value for p in a.privileges} for n, a in target.declared.tables.items()},
        executable={f for f, r in target.declared.functions.items() if r is EXECUTE},
        usage=True,
        create=False,
    )

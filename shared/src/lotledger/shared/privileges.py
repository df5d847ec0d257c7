"""Least privilege in a service's schema (docs/adr/0007-least-privilege-roles.md).

The owner role runs the migrations and owns the schema and everything in it. The runtime
role, which the service runs as, owns nothing: it holds exactly what its service declares,
once, next to its migrations (`<service>/adapters/privileges.py`): every table, view,
standalone sequence and function of the schema, with what the runtime role may do with it.

`apply` (run by `migrate` after upgrading, as the owner) revokes every privilege in the
schema from the runtime role and PUBLIC and grants the declared ones, in one transaction,
so applying it again changes nothing. Before changing anything it compares the declaration
with the schema: an object nobody declared, or a declared name with no object, refuses the
whole apply, so a migration that adds a table must also say what the service may do with it.

An append-only table is read and inserted into, never updated, deleted or truncated; its
migration also guards it with immutability triggers, which stop the owner as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from lotledger.shared.db import Driver


class Privilege(StrEnum):
    SELECT = "SELECT"
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


SELECT, INSERT, UPDATE, DELETE = (
    Privilege.SELECT,
    Privilege.INSERT,
    Privilege.UPDATE,
    Privilege.DELETE,
)


@dataclass(frozen=True)
class TableAccess:
    privileges: frozenset[Privilege]
    append_only: bool = False


def table(*privileges: Privilege) -> TableAccess:
    return TableAccess(frozenset(privileges))


NO_ACCESS = table()
APPEND_ONLY = TableAccess(frozenset({SELECT, INSERT}), append_only=True)


class Routine(Enum):
    EXECUTE = "the runtime role calls it"
    TRIGGER = "runs only as a trigger (which needs no EXECUTE)"


EXECUTE, TRIGGER = Routine.EXECUTE, Routine.TRIGGER


@dataclass(frozen=True)
class Privileges:
    """What a service's runtime role may do in its schema. Tables and views by name;
    functions as `name(argument types)` (`append_conflict(text)`); sequences by name (a
    sequence behind an identity column goes with its table and needs nothing)."""

    tables: Mapping[str, TableAccess]
    functions: Mapping[str, Routine] = field(default_factory=dict)
    sequences: Mapping[str, bool] = field(default_factory=dict)
    """Standalone sequence → whether the runtime role may use it (nextval)."""

    def granted(self) -> list[str]:
        """The tables and views the runtime role may use at all."""
        return sorted(name for name, access in self.tables.items() if access.privileges)

    def append_only(self) -> list[str]:
        return sorted(name for name, access in self.tables.items() if access.append_only)


class PrivilegesMismatch(RuntimeError):
    """The schema and its declaration disagree; nothing was changed."""


class OwnershipError(RuntimeError):
    """The roles are not laid out as least privilege needs; nothing was changed."""


@dataclass(frozen=True)
class SchemaObjects:
    """What a schema holds, by the names a declaration uses."""

    tables: frozenset[str]
    functions: Mapping[str, str]
    """`name(argument types)` → the same with a quoted, schema-qualified name (for GRANT)."""
    sequences: frozenset[str]


RELATIONS = """
SELECT c.relname, c.relkind::text AS relkind FROM pg_class c
WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'i')
"""
ROUTINES = """
SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS signature,
       quote_ident(n.nspname) || '.' || quote_ident(p.proname)
         || '(' || oidvectortypes(p.proargtypes) || ')' AS qualified
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
"""


async def schema_objects(conn: Driver, schema: str) -> SchemaObjects:
    relations = await conn.fetch(RELATIONS, quote(schema))
    routines = await conn.fetch(ROUTINES, schema)
    return SchemaObjects(
        tables=frozenset(r["relname"] for r in relations if r["relkind"] != "S"),
        functions={r["signature"]: r["qualified"] for r in routines},
        sequences=frozenset(r["relname"] for r in relations if r["relkind"] == "S"),
    )


def mismatches(declared: Privileges, found: SchemaObjects) -> list[str]:
    problems = []
    for kind, names, known in (
        ("table or view", declared.tables.keys(), found.tables),
        ("function", declared.functions.keys(), found.functions.keys()),
        ("sequence", declared.sequences.keys(), found.sequences),
    ):
        problems += [f"undeclared {kind} {n}" for n in sorted(set(known) - set(names))]
        problems += [f"declared {kind} {n} does not exist" for n in sorted(set(names) - set(known))]
    return problems


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def statements(schema: str, role: str, declared: Privileges, found: SchemaObjects) -> list[str]:
    """Revoke everything from `role` and PUBLIC, then grant the declaration."""
    s, r = quote(schema), quote(role)
    sql = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM PUBLIC, {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM PUBLIC, {r}",
        f"REVOKE ALL ON ALL ROUTINES IN SCHEMA {s} FROM PUBLIC, {r}",
        f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC, {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
    ]
    for name, access in sorted(declared.tables.items()):
        if access.privileges:
            granted = ", ".join(p.value for p in Privilege if p in access.privileges)
            sql.append(f"GRANT {granted} ON {s}.{quote(name)} TO {r}")
    for name, usable in sorted(declared.sequences.items()):
        if usable:
            sql.append(f"GRANT USAGE ON SEQUENCE {s}.{quote(name)} TO {r}")
    for signature, routine in sorted(declared.functions.items()):
        if routine is EXECUTE:
            sql.append(f"GRANT EXECUTE ON FUNCTION {found.functions[signature]} TO {r}")
    return sql


async def check_roles(conn: Driver, schema: str, runtime_role: str) -> None:
    """The connected role (the owner) is not the runtime role, and the runtime role owns
    nothing in the schema, the schema included."""
    owner = await conn.fetchval("SELECT current_user")
    if owner == runtime_role:
        raise OwnershipError(
            f"migrations run as {owner}, the runtime role: they must run as the owner role"
        )
    owned = await conn.fetch(
        "SELECT 'schema' AS kind, nspname AS name FROM pg_namespace "
        "WHERE nspname = $1 AND nspowner = $2::regrole "
        "UNION ALL SELECT 'relation', relname FROM pg_class "
        "WHERE relnamespace = $3::regnamespace AND relowner = $2::regrole "
        "UNION ALL SELECT 'function', proname FROM pg_proc "
        "WHERE pronamespace = $3::regnamespace AND proowner = $2::regrole",
        schema,
        quote(runtime_role),
        quote(schema),
    )
    if owned:
        names = ", ".join(f"{r['kind']} {r['name']}" for r in owned)
        raise OwnershipError(
            f"the runtime role {runtime_role} owns {names}: convert the database first "
            f"(REASSIGN OWNED BY {runtime_role} TO {owner}; see deploy/docker/postgres-init.sql)"
        )


async def apply(conn: Driver, schema: str, runtime_role: str, declared: Privileges) -> None:
    """Give `runtime_role` exactly the declared privileges in `schema`. Runs as the owner."""
    await check_roles(conn, schema, runtime_role)
    found = await schema_objects(conn, schema)
    problems = mismatches(declared, found)
    if problems:
        raise PrivilegesMismatch(
            f"schema {schema} and its declared privileges disagree: {'; '.join(problems)}"
        )
    async with conn.transaction():
        for statement in statements(schema, runtime_role, declared, found):
            await conn.execute(statement)


APPEND_ONLY_GUARD_DDL = """
CREATE FUNCTION append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""
"""The trigger function behind `guard`; a migration creates it once per schema."""


def guard(table_name: str) -> str:
    """Triggers refusing UPDATE, DELETE and TRUNCATE on `table_name` to everyone, the owner
    included (an owner can disable them, which is why the runtime role owns nothing)."""
    t = quote(table_name)
    return (
        f"CREATE TRIGGER {quote(table_name + '_append_only')} BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION append_only_guard();\n"
        f"CREATE TRIGGER {quote(table_name + '_no_truncate')} BEFORE TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();\n"
    )

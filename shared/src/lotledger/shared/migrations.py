"""Alembic, one migration history per service schema.

A service's `alembic/env.py` calls `run_env()`. `migrate` is what the CLI and the test
fixtures call: as the schema's owner role, it upgrades the schema and then gives the
runtime role exactly its declared privileges (`lotledger.shared.privileges`). The version
table lives in the service's schema.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from lotledger.shared import privileges
from lotledger.shared.db import create_engine, driver_connect


def alembic_config(script_location: Path, url: str, schema: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("lotledger.schema", schema)
    return config


def upgrade(script_location: Path, url: str, schema: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, url, schema), revision)


async def upgrade_async(script_location: Path, url: str, schema: str) -> None:
    await asyncio.to_thread(upgrade, script_location, url, schema)


@dataclass(frozen=True)
class Migration:
    """One schema's migrations and the runtime role's declared privileges in it; `owner_url`
    logs in as the role that owns the schema, `runtime_role` is the role the service runs as."""

    script_location: Path
    declared: privileges.Privileges
    owner_url: str
    schema: str
    runtime_role: str


async def migrate(migration: Migration) -> None:
    """Upgrade to head, then apply the declared privileges (idempotent). Refuses, before
    changing anything, when the runtime role owns something in the schema."""
    m = migration
    conn = await driver_connect(m.owner_url, m.schema, "lotledger-migrate")
    try:
        await privileges.check_roles(conn, m.schema, m.runtime_role)
        await upgrade_async(m.script_location, m.owner_url, m.schema)
        await privileges.apply(conn, m.schema, m.runtime_role, m.declared)
    finally:
        await conn.close()


def run_env() -> None:
    """Body of every service's alembic env.py (online mode only)."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    schema = config.get_main_option("lotledger.schema")
    if not url or not schema:
        raise RuntimeError("alembic config needs sqlalchemy.url and lotledger.schema")

    def run(connection: Connection) -> None:
        exists = connection.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        context.configure(
            connection=connection,
            version_table_schema=schema,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations(schema=schema)

    async def main() -> None:
        engine = create_engine(url, schema, pool_size=1, application_name="lotledger-migrate")
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(main())


def run_script(sql: str) -> None:
    """Execute a multi-statement SQL script inside a migration (asyncpg's simple query
    protocol; prepared statements refuse more than one command)."""
    from alembic import op
    from sqlalchemy.util import await_only

    raw = op.get_bind().connection.dbapi_connection
    if raw is None:
        raise RuntimeError("migration connection is closed")
    await_only(raw.driver_connection.execute(sql))

"""The real Postgres and Kafka that `make test` starts (deploy/local/infra.sh).

Each test session gets its own database (`lotledger_test_<run>`, one schema per
service, owned by the service's owner role, plus `traceability_rebuild` and
`alerts_rebuild` for rebuilds, as deploy/docker/postgres-init.sql provisions) and its own
topic prefix (`t<run>.`), so runs never see each other's data. The services connect as their runtime
roles, which own nothing (docs/adr/0007-least-privilege-roles.md); migrations run as the
owners. Missing infrastructure fails the session: nothing skips.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from lotledger.shared.kafka import kafka_ready
from tests.support.runs import release_lease, sweep_dead_runs, take_lease

if TYPE_CHECKING:
    from lotledger.shared.privileges import Privileges

ADMIN_URL = os.environ.get(
    "LOTLEDGER_TEST_ADMIN_URL", "postgresql://lotledger:lotledger@127.0.0.1:5433/lotledger"
)
KAFKA_BOOTSTRAP = os.environ.get("LOTLEDGER_TEST_KAFKA", "127.0.0.1:9092")
SERVICES = ("inventory", "traceability", "alerts")
EXTRA_SCHEMAS = {"traceability_rebuild": "traceability", "alerts_rebuild": "alerts"}
"""Schema → the service whose owner role owns it."""


@dataclass(frozen=True)
class Infra:
    run_id: str
    database: str
    topic_prefix: str
    kafka_bootstrap: str

    def url(self, role: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{role}:{role}@127.0.0.1:{_port()}/{self.database}"

    def owner_url(self, service: str, driver: str = "postgresql+asyncpg") -> str:
        return self.url(owner_role(service), driver)

    def admin_url(self) -> str:
        """The admin role, a member of every owner role: tamper tests act through it."""
        return _with_database(ADMIN_URL, self.database)


def _port() -> int:
    return int(ADMIN_URL.rsplit(":", 1)[1].split("/", 1)[0])


def _with_database(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


def owner_role(service: str) -> str:
    return f"{service}_owner"


class InfrastructureMissing(RuntimeError):
    pass


async def provision() -> Infra:
    run = uuid.uuid4().hex[:10]
    infra = Infra(
        run_id=run,
        database=f"lotledger_test_{run}",
        topic_prefix=f"t{run}.",
        kafka_bootstrap=KAFKA_BOOTSTRAP,
    )
    take_lease(run)
    if not await kafka_ready(KAFKA_BOOTSTRAP, timeout_s=5):
        raise InfrastructureMissing(
            f"Kafka is not reachable at {KAFKA_BOOTSTRAP}. Run `make infra-up`."
        )
    try:
        admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        raise InfrastructureMissing(
            f"Postgres is not reachable at {ADMIN_URL}: {exc}. Run `make infra-up`."
        ) from exc
    try:
        owners = [owner_role(s) for s in SERVICES]
        missing = await admin.fetchval(
            "SELECT array_agg(r) FROM unnest($1::text[]) r WHERE NOT pg_has_role(r, 'USAGE')",
            owners,
        )
        if missing:
            raise InfrastructureMissing(
                f"the admin role is not a member of the owner roles {missing}: the cluster "
                "predates least-privilege roles. Run `make infra-up`."
            )
    finally:
        await admin.close()
    await sweep_dead_runs(ADMIN_URL, KAFKA_BOOTSTRAP)
    admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{infra.database}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(infra.admin_url())
    try:
        await conn.execute(f'REVOKE ALL ON DATABASE "{infra.database}" FROM PUBLIC')
        for service in SERVICES:
            roles = f"{service}, {owner_role(service)}"
            await conn.execute(f'GRANT CONNECT ON DATABASE "{infra.database}" TO {roles}')
            await conn.execute(f"CREATE SCHEMA {service} AUTHORIZATION {owner_role(service)}")
        for schema, service in EXTRA_SCHEMAS.items():
            await conn.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {owner_role(service)}")
    finally:
        await conn.close()
    return infra


async def teardown(infra: Infra) -> None:
    from lotledger_bench.infra import drop_database

    await drop_database(ADMIN_URL, infra.database)
    release_lease(infra.run_id)


def _scripts(service: str) -> tuple[Path, Privileges]:
    """`service`'s migration scripts and its runtime role's declared privileges."""
    from lotledger.alerts import bootstrap as alerts
    from lotledger.alerts.adapters import privileges as alerts_privileges
    from lotledger.inventory import bootstrap as inventory
    from lotledger.inventory.adapters import privileges as inventory_privileges
    from lotledger.traceability import bootstrap as traceability
    from lotledger.traceability.adapters import privileges as traceability_privileges

    return {
        "inventory": (inventory.MIGRATIONS, inventory_privileges.RUNTIME),
        "traceability": (traceability.MIGRATIONS, traceability_privileges.RUNTIME),
        "alerts": (alerts.MIGRATIONS, alerts_privileges.RUNTIME),
    }[service]


async def migrate(infra: Infra, service: str, schema: str | None = None) -> None:
    """`service`'s migrations and runtime privileges, into `schema` (its own by default) of
    the run's database, as `lotledger-<service> migrate` applies them."""
    from lotledger.shared.migrations import Migration
    from lotledger.shared.migrations import migrate as apply_migration

    script_location, declared = _scripts(service)
    await apply_migration(
        Migration(
            script_location=script_location,
            declared=declared,
            owner_url=infra.owner_url(service),
            schema=schema or service,
            runtime_role=service,
        )
    )


async def migrate_to(infra: Infra, service: str, revision: str, *, down: bool = False) -> None:
    """`service`'s schema upgraded (or, `down`, downgraded) to `revision` as its owner: a
    migration test's steps, without runtime privileges."""
    from alembic import command

    from lotledger.shared.migrations import alembic_config

    config = alembic_config(_scripts(service)[0], infra.url(owner_role(service)), service)
    step = command.downgrade if down else command.upgrade
    await asyncio.to_thread(step, config, revision)


async def migrate_all(infra: Infra) -> None:
    """Every service's migrations and runtime privileges, into its schema."""
    for service in SERVICES:
        await migrate(infra, service)

"""The real Postgres and Kafka that `make test` starts (deploy/local/infra.sh).

Each test session gets its own database (`lotledger_test_<run>`, one schema per
service, owned by the service's role, plus `traceability_rebuild` for read-model
rebuilds, as deploy/local/postgres.sh provisions) and its own topic prefix (`t<run>.`), so runs
never see each other's data. Missing infrastructure fails the session: nothing skips.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import asyncpg

from lotledger.shared.kafka import kafka_ready

ADMIN_URL = os.environ.get(
    "LOTLEDGER_TEST_ADMIN_URL", "postgresql://lotledger:lotledger@127.0.0.1:5433/lotledger"
)
KAFKA_BOOTSTRAP = os.environ.get("LOTLEDGER_TEST_KAFKA", "127.0.0.1:9092")
SERVICES = ("inventory", "traceability", "alerts")
EXTRA_SCHEMAS = {"traceability_rebuild": "traceability"}


@dataclass(frozen=True)
class Infra:
    run_id: str
    database: str
    topic_prefix: str
    kafka_bootstrap: str

    def url(self, role: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{role}:{role}@127.0.0.1:{_port()}/{self.database}"

    def admin_url(self) -> str:
        return _with_database(ADMIN_URL, self.database)


def _port() -> int:
    return int(ADMIN_URL.rsplit(":", 1)[1].split("/", 1)[0])


def _with_database(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


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
        await admin.execute(f'CREATE DATABASE "{infra.database}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(infra.admin_url())
    try:
        await conn.execute(f'REVOKE ALL ON DATABASE "{infra.database}" FROM PUBLIC')
        for service in SERVICES:
            await conn.execute(f'GRANT CONNECT, TEMP ON DATABASE "{infra.database}" TO {service}')
            await conn.execute(f"CREATE SCHEMA {service} AUTHORIZATION {service}")
        for schema, owner in EXTRA_SCHEMAS.items():
            await conn.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {owner}")
    finally:
        await conn.close()
    return infra


async def teardown(infra: Infra) -> None:
    from lotledger_bench.infra import drop_database

    await drop_database(ADMIN_URL, infra.database)


async def migrate_all(infra: Infra) -> None:
    """Every service's migrations, into its schema of the run's database."""
    from lotledger.alerts.bootstrap import MIGRATIONS as ALERTS
    from lotledger.inventory.bootstrap import MIGRATIONS as INVENTORY
    from lotledger.shared.migrations import upgrade_async
    from lotledger.traceability.bootstrap import MIGRATIONS as TRACEABILITY

    for service, path in (
        ("inventory", INVENTORY),
        ("traceability", TRACEABILITY),
        ("alerts", ALERTS),
    ):
        await upgrade_async(path, infra.url(service), service)

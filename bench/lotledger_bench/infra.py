"""The bench's own database and topics, on the shared Postgres and Kafka.

The database (`lotledger_bench` by default) is dropped and created afresh for every run,
with one schema per service owned by the service's role (as the test suite does), the
traceability rebuild schema, and a `baseline` schema for the raw-limit scenarios. Topics
carry a per-run prefix (`bench.<run>.`) and are deleted at the end, so the relay's
start-up recovery never scans an earlier run's messages. The shared servers themselves
are never stopped.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

import asyncpg
from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata
from lotledger_bench.config import AUTH_SECRET, REPO, BenchConfig

from lotledger.shared.contracts.topics import TOPICS, TopicSpec
from lotledger.shared.kafka import (
    create_consumer,
    delete_topics,
    ensure_topics,
    kafka_ready,
    partitions_of,
)
from lotledger.shared.settings import CommonSettings

SERVICES = ("inventory", "traceability", "alerts")
EXTRA_SCHEMAS = {"traceability_rebuild": "traceability", "alerts_rebuild": "alerts"}
"""Schemas beside the services' own, by the service whose owner role owns them: where
`lotledger-traceability rebuild` replays to (as deploy/docker/postgres-init.sql provisions
it). Each schema belongs to `<service>_owner`; the services run as `<service>`, which owns
nothing (docs/adr/0007-least-privilege-roles.md)."""
PARTITIONS = 6
PERF_TOPIC = "bench.producer-perf"


@dataclass(frozen=True)
class BenchEnv:
    database: str
    topic_prefix: str
    admin_url: str
    kafka_bootstrap: str

    def url(self, role: str, driver: str = "postgresql+asyncpg") -> str:
        host = self.admin_url.rsplit("@", 1)[1].rsplit("/", 1)[0]
        return f"{driver}://{role}:{role}@{host}/{self.database}"

    def owner_url(self, service: str) -> str:
        return self.url(f"{service}_owner")

    def database_admin_url(self) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + self.database

    def settings(self) -> CommonSettings:
        return CommonSettings(
            kafka_bootstrap=self.kafka_bootstrap,
            topic_prefix=self.topic_prefix,
            topic_partitions=PARTITIONS,
        )

    def perf_topic(self) -> str:
        return self.topic_prefix + PERF_TOPIC

    def service_env(self) -> dict[str, str]:
        """Environment of every process the bench starts: its database, its topics, the
        bench's signing secret, and no per-token write rate limit."""
        env = dict(os.environ)
        for service in SERVICES:
            env[f"LOTLEDGER_{service.upper()}_DATABASE_URL"] = self.url(service)
        env.update(
            LOTLEDGER_ENV="dev",
            LOTLEDGER_TOPIC_PREFIX=self.topic_prefix,
            LOTLEDGER_TOPIC_PARTITIONS=str(PARTITIONS),
            LOTLEDGER_KAFKA_BOOTSTRAP=self.kafka_bootstrap,
            LOTLEDGER_AUTH_SECRET=AUTH_SECRET,
            LOTLEDGER_RATE_LIMIT_PER_S="0",
            LOTLEDGER_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env


async def provision(cfg: BenchConfig, run_id: str) -> BenchEnv:
    env = BenchEnv(cfg.database, f"bench.{run_id}.", cfg.admin_url, cfg.kafka_bootstrap)
    if not await kafka_ready(cfg.kafka_bootstrap, timeout_s=5):
        raise RuntimeError(f"Kafka does not answer at {cfg.kafka_bootstrap}: make infra-up")
    await drop_database(cfg.admin_url, env.database)
    admin = await asyncpg.connect(cfg.admin_url, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{env.database}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(env.database_admin_url())
    try:
        await conn.execute(f'REVOKE ALL ON DATABASE "{env.database}" FROM PUBLIC')
        for service in SERVICES:
            roles = f"{service}, {service}_owner"
            await conn.execute(f'GRANT CONNECT ON DATABASE "{env.database}" TO {roles}')
            await conn.execute(f"CREATE SCHEMA {service} AUTHORIZATION {service}_owner")
        for schema, service in EXTRA_SCHEMAS.items():
            await conn.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {service}_owner")
        await conn.execute("CREATE SCHEMA baseline")
    finally:
        await conn.close()
    service_env = env.service_env()
    for service in SERVICES:
        proc = await asyncio.create_subprocess_exec(
            str(REPO / ".venv/bin" / f"lotledger-{service}"),
            "migrate",
            env=service_env,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output = (await proc.communicate())[0]
        if proc.returncode != 0:
            raise RuntimeError(f"{service} migrate failed: {output.decode()[-2000:]}")
    settings = env.settings()
    await ensure_topics(settings)
    await ensure_topics(settings, [TopicSpec(PERF_TOPIC, "none")])
    return env


async def teardown(env: BenchEnv, keep_database: bool) -> None:
    settings = env.settings()
    names = [settings.topic(spec.name) for spec in TOPICS] + [env.perf_topic()]
    await delete_topics(settings, names)
    if not keep_database:
        await drop_database(env.admin_url, env.database)


async def drop_database(admin_url: str, database: str, attempts: int = 10) -> None:
    """A plain DROP first: it stops an autovacuum worker on the database by itself (after
    the baselines' bulk inserts one is likely), which WITH (FORCE) may not do for a
    non-superuser; WITH (FORCE) then ends leftover sessions of our own roles."""
    admin = await asyncpg.connect(admin_url, timeout=5)
    try:
        for attempt in range(attempts):
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
                return
            except asyncpg.ObjectInUseError:
                try:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                    return
                except asyncpg.InsufficientPrivilegeError:
                    if attempt == attempts - 1:
                        raise
                    await asyncio.sleep(1)
    finally:
        await admin.close()


async def commit_group(
    settings: CommonSettings, group: str, positions: dict[TopicPartition, int]
) -> None:
    """Store `positions` as consumer group `group`'s committed offsets (the group has no
    member yet): where its first member starts."""
    consumer = create_consumer(settings, group, "lotledger-bench-offsets")
    await consumer.start()
    try:
        consumer.assign(list(positions))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in positions.items()})
    finally:
        await consumer.stop()


async def offsets(
    settings: CommonSettings, topics: list[str]
) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
    """The first and the next offset of every partition of `topics` (full names)."""
    partitions = [tp for t in topics for tp in await partitions_of(settings.kafka_bootstrap, t)]
    consumer = create_consumer(settings, None, "lotledger-bench-offsets")
    await consumer.start()
    try:
        first = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return dict(first), dict(end)

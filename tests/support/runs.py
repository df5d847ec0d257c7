"""Which test runs are alive, and clearing what dead ones left on the shared Postgres and Kafka.

A run deletes its database and topics when it ends, but a run that is killed (a cancelled CI
job, an interrupted session) leaves them behind, and a broker carrying thousands of dead
partitions takes minutes to start. Each run therefore leaves a lease, a file naming its
process, and the first run a process provisions clears every run whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

RUN = re.compile(r"^t([0-9a-f]{10})\.")
DATABASE = re.compile(r"^lotledger_test_([0-9a-f]{10})$")
_swept = False


def _lease_dir() -> Path:
    home = Path(os.environ.get("LOTLEDGER_HOME", Path.home() / ".lotledger"))
    return home / "run" / "test-runs"


def take_lease(run: str) -> None:
    directory = _lease_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / run).write_text(str(os.getpid()))


def release_lease(run: str) -> None:
    (_lease_dir() / run).unlink(missing_ok=True)


def _alive(run: str) -> bool:
    try:
        pid = int((_lease_dir() / run).read_text())
    except (FileNotFoundError, ValueError):
        return False
    return pid == os.getpid() or Path(f"/proc/{pid}").exists()


async def sweep_dead_runs(admin_url: str, bootstrap: str) -> None:
    """Once per process: drop the databases and delete the topics of runs whose process is gone."""
    global _swept
    if _swept:
        return
    _swept = True
    from lotledger_bench.infra import drop_database

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="lotledger-test-sweep")
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if (m := RUN.match(t)) and not _alive(m[1])]
        for start in range(0, len(topics), 200):
            with contextlib.suppress(KafkaError):  # a concurrent sweep got some first
                await admin.delete_topics(topics[start : start + 200])
    finally:
        await admin.close()

    conn = await asyncpg.connect(admin_url, timeout=5)
    try:
        names = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lotledger_test_%'"
        )
    finally:
        await conn.close()
    dead = [n["datname"] for n in names if (m := DATABASE.match(n["datname"])) and not _alive(m[1])]
    for database in dead:
        await drop_database(admin_url, database)

    for lease in _lease_dir().glob("*") if _lease_dir().exists() else ():
        if not _alive(lease.name):
            lease.unlink(missing_ok=True)

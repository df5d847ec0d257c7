"""`lotledger-<service> migrate` on a fresh database with only the runtime URL set
(development): it migrates as the owner and leaves the runtime role exactly its declared
privileges, and migrating again changes nothing."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg

from tests.support.infra import Infra, migrate, provision, teardown
from tests.support.privileges import SCHEMAS, ServiceSchema, declared, held


async def _migrate_command(infra: Infra, target: ServiceSchema) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"lotledger.{target.service}.cli",
        "migrate",
        env={
            **os.environ,
            "LOTLEDGER_ENV": "dev",
            f"LOTLEDGER_{target.service.upper()}_DATABASE_URL": infra.url(target.service),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode == 0, output.decode()[-2000:]


async def test_migrate_applies_the_declared_privileges_and_again_changes_nothing() -> None:
    infra = await provision()
    try:
        await asyncio.gather(*(_migrate_command(infra, target) for target in SCHEMAS))
        admin = await asyncpg.connect(infra.admin_url())
        try:
            for target in SCHEMAS:
                assert await held(admin, target) == declared(target), target
            for target in SCHEMAS:
                await migrate(infra, target.service)
                assert await held(admin, target) == declared(target), target
        finally:
            await admin.close()
    finally:
        await teardown(infra)

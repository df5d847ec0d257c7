"""Postgres advisory locks of the alerts service.

Keys use the two-int4 form, a key space apart from the single-bigint locks other services
take, and distinct per schema (the first int is `hashtext` of the namespace and the
schema), so a rebuild schema in the same database never contends with the live one.

- Subject locks (transaction-scoped, `hold_subjects`): a transaction that reads open
  alerts and writes lifecycle changes holds the lock of every subject group it settles
  (`domain.lock_keys`), all taken up front in one order (docs/adr/0017).
- `sweep`, `deliver`, `publish` (session-scoped): one active instance of each worker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from enum import StrEnum

from lotledger.shared.db import Driver

NAMESPACE = "lotledger.alerts"
SUBJECTS = "lotledger.alerts.subjects"


class Purpose(StrEnum):
    SWEEP = "sweep"
    DELIVER = "deliver"
    PUBLISH = "publish"


def subject_lock_id(key: str) -> int:
    """A stable signed int4 for a lock key (the same in every process and release)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), signed=True)


def lock_order(keys: Iterable[str]) -> list[int]:
    """The distinct lock ids of `keys` in the one order every transaction takes them in, so
    two transactions never each hold a lock the other waits for."""
    return sorted({subject_lock_id(k) for k in keys})


async def hold_subjects(conn: Driver, keys: Iterable[str]) -> None:
    """Wait for the locks of `keys` in `lock_order` (one statement; unnest yields the array
    in order); they are released when the caller's transaction ends."""
    ids = lock_order(keys)
    if ids:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1 || '.' || current_schema()), k) "
            "FROM unnest($2::int4[]) AS k",
            SUBJECTS,
            ids,
        )


async def try_for_session(conn: Driver, purpose: Purpose) -> bool:
    """Take the lock for as long as `conn` lives, if no other session holds it."""
    return bool(
        await conn.fetchval(
            "SELECT pg_try_advisory_lock(hashtext($1), hashtext(current_schema() || '.' || $2))",
            NAMESPACE,
            purpose.value,
        )
    )

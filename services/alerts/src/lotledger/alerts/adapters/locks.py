"""Postgres advisory locks of the alerts service.

Keys use the two-int4 form (`hashtext` of a namespace and of `<schema>.<purpose>`), a key
space apart from the single-bigint locks other services take, and distinct per schema, so
a rebuild schema in the same database never contends with the live one.

- `evaluate` (transaction-scoped): every transaction that reads open alerts and writes
  lifecycle changes holds it (projector batches, sweep chunks, ack/resolve, webhook
  health). Evaluations are therefore serial, which is what keeps "one open alert per
  key" and "decide from the latest facts" true without retry loops.
- `sweep`, `deliver`, `publish` (session-scoped): one active instance of each worker.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

NAMESPACE = "lotledger.alerts"


class Purpose(StrEnum):
    EVALUATE = "evaluate"
    SWEEP = "sweep"
    DELIVER = "deliver"
    PUBLISH = "publish"


async def hold_for_transaction(conn: Any, purpose: Purpose) -> None:
    """Wait for the lock; it is released when the caller's transaction ends."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1), hashtext(current_schema() || '.' || $2))",
        NAMESPACE,
        purpose.value,
    )


async def try_for_session(conn: Any, purpose: Purpose) -> bool:
    """Take the lock for as long as `conn` lives, if no other session holds it."""
    return bool(
        await conn.fetchval(
            "SELECT pg_try_advisory_lock(hashtext($1), hashtext(current_schema() || '.' || $2))",
            NAMESPACE,
            purpose.value,
        )
    )

"""Stored first responses for `Idempotency-Key`, scoped to the principal (`sub`).

A response is stored in the transaction that made the change it reports, so a stored
response always describes committed state; a concurrent duplicate that loses the insert
race finds the key taken and replays the winner's response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: bytes


class IdempotencyStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def find(self, principal: str, key: str) -> StoredResponse | None:
        row = await self._conn.fetchrow(
            "SELECT fingerprint, status, body FROM idempotency WHERE principal = $1 AND key = $2",
            principal,
            key,
        )
        return (
            StoredResponse(row["fingerprint"], row["status"], bytes(row["body"])) if row else None
        )

    async def claim(self, principal: str, key: str) -> None:
        """Serialise requests under one key: waits while another transaction holds it."""
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('lotledger.alerts.idempotency'), "
            "hashtext($1 || chr(31) || $2))",
            principal,
            key,
        )

    async def remember(self, principal: str, key: str, response: StoredResponse) -> None:
        await self._conn.execute(
            "INSERT INTO idempotency (principal, key, fingerprint, status, body) "
            "VALUES ($1, $2, $3, $4, $5)",
            principal,
            key,
            response.fingerprint,
            response.status,
            response.body,
        )

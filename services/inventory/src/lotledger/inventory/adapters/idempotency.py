"""Stored first responses for `Idempotency-Key` (and per-operation `client_op_id`).

Keys are scoped to the principal (`sub`). A response is stored in the same transaction
as the events it reports, so a stored response always describes committed events, and
a concurrent duplicate that loses the insert race is rolled back and replays the winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: bytes


class DuplicateKey(Exception):
    """A concurrent request stored a response under the same key first."""


class IdempotencyStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def find(self, principal: str, keys: Sequence[str]) -> dict[str, StoredResponse]:
        if not keys:
            return {}
        rows = await self._conn.fetch(
            "SELECT key, fingerprint, status, body FROM idempotency "
            "WHERE principal = $1 AND key = ANY($2::text[])",
            principal,
            list(keys),
        )
        return {
            r["key"]: StoredResponse(r["fingerprint"], r["status"], bytes(r["body"])) for r in rows
        }

    async def remember(self, principal: str, entries: Sequence[tuple[str, StoredResponse]]) -> None:
        if not entries:
            return
        inserted = await self._conn.fetch(
            "INSERT INTO idempotency (principal, key, fingerprint, status, body) "
            "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bytea[]) "
            "ON CONFLICT DO NOTHING RETURNING key",
            principal,
            [k for k, _ in entries],
            [r.fingerprint for _, r in entries],
            [r.status for _, r in entries],
            [r.body for _, r in entries],
        )
        if len(inserted) != len(entries):
            raise DuplicateKey("a concurrent request used the same idempotency key")

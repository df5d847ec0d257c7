"""Who is signed in, as the token's claims say. The console never grants anything on
these claims: the APIs verify the token on every call. They decide what the screens
offer (an acknowledge button only for roles the alerts API lets act) and what they say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

ALERT_HANDLERS = frozenset({"qa", "admin"})
"""Roles the alerts API lets acknowledge and resolve (its access table)."""


@dataclass(frozen=True)
class Identity:
    sub: str
    roles: tuple[str, ...]
    warehouses: tuple[str, ...]
    expires_at: datetime | None

    @property
    def all_warehouses(self) -> bool:
        return "*" in self.warehouses

    @property
    def handles_alerts(self) -> bool:
        return not ALERT_HANDLERS.isdisjoint(self.roles)

    def seconds_left(self, now: datetime) -> int:
        if self.expires_at is None:
            return 0
        return max(0, int((self.expires_at - now).total_seconds()))


def identity_from_claims(claims: dict[str, object]) -> Identity:
    """Claims as the services read them (DESIGN §10); unknown shapes become empty values."""
    roles = claims.get("roles")
    warehouses = claims.get("warehouses")
    exp = claims.get("exp")
    return Identity(
        sub=str(claims.get("sub") or "?")[:128],
        roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
        warehouses=tuple(str(w) for w in warehouses) if isinstance(warehouses, list) else (),
        expires_at=datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None,
    )

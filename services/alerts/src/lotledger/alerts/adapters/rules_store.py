"""The rule settings: one row, versioned, every change audited (who, when, before, after)
in the transaction that makes it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.shared.db import Driver, json_param, json_value

_SELECT = (
    "SELECT near_expiry_days, sensor_silence_minutes, excursion_grace_minutes, "
    "sweep_interval_seconds, out_of_range_silence_minutes, version, updated_at, updated_by "
    "FROM rules_config"
)
_SELECT_FOR_UPDATE = _SELECT + " FOR UPDATE"


@dataclass(frozen=True)
class StoredRules:
    config: RulesConfig
    version: int
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True)
class RulesChange:
    version: int
    actor: str
    device: str | None
    at: datetime
    before: dict[str, Any]
    after: dict[str, Any]


def as_json(config: RulesConfig) -> dict[str, Any]:
    values = asdict(config)
    values["near_expiry_days"] = list(config.near_expiry_days)
    return values


class RulesStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def get(self, *, for_update: bool = False) -> StoredRules:
        row = await self._conn.fetchrow(_SELECT_FOR_UPDATE if for_update else _SELECT)
        assert row is not None, "the migration seeds the one rules row"
        config = RulesConfig(
            tuple(row["near_expiry_days"]),
            row["sensor_silence_minutes"],
            row["excursion_grace_minutes"],
            row["sweep_interval_seconds"],
            row["out_of_range_silence_minutes"],
        )
        return StoredRules(config, row["version"], row["updated_at"], row["updated_by"])

    async def put(
        self, config: RulesConfig, actor: str, device: str | None, at: datetime
    ) -> StoredRules:
        """Replace the settings; an identical config changes and audits nothing."""
        current = await self.get(for_update=True)
        if current.config == config:
            return current
        version = current.version + 1
        await self._conn.execute(
            "UPDATE rules_config SET near_expiry_days = $1, sensor_silence_minutes = $2, "
            "excursion_grace_minutes = $3, sweep_interval_seconds = $4, version = $5, "
            "updated_at = $6, updated_by = $7, out_of_range_silence_minutes = $8",
            list(config.near_expiry_days),
            config.sensor_silence_minutes,
            config.excursion_grace_minutes,
            config.sweep_interval_seconds,
            version,
            at,
            actor,
            config.out_of_range_silence_minutes,
        )
        await self._conn.execute(
            "INSERT INTO rules_audit (version, actor, device, at, before, after) "
            "VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb)",
            version,
            actor,
            device,
            at,
            json_param(as_json(current.config)),
            json_param(as_json(config)),
        )
        return StoredRules(config, version, at, actor)

    async def history(self, limit: int) -> list[RulesChange]:
        rows = await self._conn.fetch(
            "SELECT version, actor, device, at, before::text AS before, after::text AS after "
            "FROM rules_audit ORDER BY id DESC LIMIT $1",
            limit,
        )
        return [
            RulesChange(
                r["version"],
                r["actor"],
                r["device"],
                r["at"],
                json_value(r["before"]),
                json_value(r["after"]),
            )
            for r in rows
        ]

"""inventory settings (environment variables prefixed `LOTLEDGER_`)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator

from lotledger.inventory.domain.catalog import ClassRanges
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.shared.settings import CommonSettings, has_dev_password, migration_url

DEV_CHECKPOINT_KEY = "bG90bGVkZ2VyLWRldi1jaGVja3BvaW50LWtleS0wMDA="
"""Base64 of a fixed 32-byte Ed25519 seed, for development only."""

DEV_OWNER = "inventory_owner"
"""The role owning the schema in the local setups (deploy/docker/postgres-init.sql)."""


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_api_workers() -> int:
    """Half the usable cores, at least one: the setups that take the default (deploy/local,
    the bench) run Postgres and Kafka on the same cores, and on 2 of them one worker beat
    two on every single-POST figure in back-to-back quiet runs (docs/adr/0014, second
    amendment). A host of its own sets LOTLEDGER_API_WORKERS."""
    return max(1, usable_cores() // 2)


class InventorySettings(CommonSettings):
    inventory_database_url: str = (
        "postgresql+asyncpg://inventory:inventory@127.0.0.1:5433/lotledger"
    )
    inventory_migration_database_url: str | None = Field(
        default=None,
        description="the schema owner's URL, for `migrate`; unset in dev: the runtime "
        "URL as the development owner role",
    )
    inventory_db_schema: str = "inventory"
    inventory_db_pool_size: int = Field(default=16, ge=1, le=100)
    api_workers: int = Field(
        default_factory=default_api_workers,
        ge=1,
        le=64,
        description="processes of `lotledger-inventory serve` when `--workers` is not "
        "given (deploy/local, the bench); each has its own pool of "
        "LOTLEDGER_INVENTORY_DB_POOL_SIZE connections",
    )
    inventory_group_commit_window_ms: float = Field(
        default=2.0,
        ge=0,
        le=50,
        description="longest a single-operation POST waits, when every lane is busy, for "
        "a group to finish before starting one of its own",
    )
    inventory_group_commit_max: int = Field(
        default=64, ge=1, le=1000, description="most requests committed together (1: never)"
    )
    inventory_group_commit_lanes: int = Field(
        default=2,
        ge=1,
        le=64,
        description="groups in flight before a single-operation POST waits to join the next",
    )
    inventory_port: int = 8001
    cold_min_c: float = Field(default=2.0, ge=-80, le=60, description="cold class: lower bound")
    cold_max_c: float = Field(
        default=8.0, ge=-80, le=60, description="cold class: upper bound (10 under China GSP)"
    )
    cool_max_c: float = Field(default=20.0, ge=-80, le=60, description="cool class: upper bound")
    ambient_min_c: float = Field(default=10.0, ge=-80, le=60, description="ambient: lower bound")
    ambient_max_c: float = Field(default=30.0, ge=-80, le=60, description="ambient: upper bound")
    scan_tolerance_s: float = Field(
        default=300.0, ge=0, le=86_400, description="how far in the future a scanned_at may be"
    )
    scan_horizon_days: float = Field(
        default=7.0, gt=0, le=366, description="how old a scanned_at may be"
    )
    relay_batch_size: int = Field(default=10_000, ge=1, le=20_000)
    telemetry_late_horizon_hours: float = Field(
        default=7 * 24.0,
        gt=0,
        description="readings older than this are refused (a logger's buffer may arrive "
        "late, within it); keep it well inside the telemetry topic's retention",
    )
    telemetry_max_skew_s: float = Field(
        default=300.0, ge=0, le=3600, description="how far ahead of the clock a reading may be"
    )

    @model_validator(mode="after")
    def _ordered_ranges(self) -> Self:
        if self.cold_min_c >= self.cold_max_c:
            raise ValueError("LOTLEDGER_COLD_MIN_C must be below LOTLEDGER_COLD_MAX_C")
        if self.ambient_min_c >= self.ambient_max_c:
            raise ValueError("LOTLEDGER_AMBIENT_MIN_C must be below LOTLEDGER_AMBIENT_MAX_C")
        return self

    def stock_policy(self) -> StockPolicy:
        return StockPolicy(
            ranges=ClassRanges(
                cold=(self.cold_min_c, self.cold_max_c),
                cool=(None, self.cool_max_c),
                ambient=(self.ambient_min_c, self.ambient_max_c),
            ),
            scan_tolerance=timedelta(seconds=self.scan_tolerance_s),
            scan_horizon=timedelta(days=self.scan_horizon_days),
        )

    def dev_secrets(self) -> dict[str, bool]:
        return {
            **super().dev_secrets(),
            "LOTLEDGER_INVENTORY_DATABASE_URL": has_dev_password(self.inventory_database_url),
            "LOTLEDGER_INVENTORY_MIGRATION_DATABASE_URL": has_dev_password(
                self.inventory_migration_database_url
            ),
        }

    def migration_database_url(self) -> str:
        return migration_url(
            self.inventory_migration_database_url,
            self.inventory_database_url,
            DEV_OWNER,
            self.env,
            "LOTLEDGER_INVENTORY_MIGRATION_DATABASE_URL",
        )


class CheckpointerSettings(InventorySettings):
    """Only the checkpointer holds the signing key; the API and the relay never see it."""

    checkpoint_key: SecretStr = SecretStr(DEV_CHECKPOINT_KEY)
    checkpoint_key_file: Path | None = Field(
        default=None, description="a file holding the base64 seed (wins over the variable)"
    )
    checkpoint_interval_s: float = Field(
        default=60.0, ge=1.0, description="checkpoints fall on multiples of this, wall clock"
    )
    checkpoint_max_leaves: int = Field(
        default=4000,
        ge=1,
        le=8000,
        description="a checkpoint is taken as soon as this many events await one, and "
        "covers at most this many (its heads list stays well inside a Kafka message)",
    )
    checkpoint_startup_s: float = Field(default=2.0, ge=0.0)

    def dev_secrets(self) -> dict[str, bool]:
        return {
            **super().dev_secrets(),
            "LOTLEDGER_CHECKPOINT_KEY": self.checkpoint_key_file is None
            and self.checkpoint_key.get_secret_value() == DEV_CHECKPOINT_KEY,
        }

    def signing_seed(self) -> str:
        if self.checkpoint_key_file is not None:
            return self.checkpoint_key_file.read_text()
        return self.checkpoint_key.get_secret_value()

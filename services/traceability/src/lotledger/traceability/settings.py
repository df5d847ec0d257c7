"""traceability settings (environment variables prefixed `LOTLEDGER_`)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from lotledger.shared.contracts.catalog import StorageClass
from lotledger.shared.settings import CommonSettings, has_dev_password, migration_url
from lotledger.traceability.domain.climate_rules import ClimateRules
from lotledger.traceability.domain.limits import HumidityDefault

DEV_OWNER = "traceability_owner"
"""The role owning the schema in the local setups (deploy/docker/postgres-init.sql)."""


class TraceabilitySettings(CommonSettings):
    traceability_database_url: str = (
        "postgresql+asyncpg://traceability:traceability@127.0.0.1:5433/lotledger"
    )
    traceability_migration_database_url: str | None = Field(
        default=None,
        description="the schema owner's URL, for `migrate` and `rebuild`; unset in dev: the "
        "runtime URL as the development owner role",
    )
    traceability_db_schema: str = "traceability"
    traceability_rebuild_schema: str = Field(
        default="traceability_rebuild",
        description="where `rebuild` replays to; provisioned up front, owned by the owner role",
    )
    traceability_db_pool_size: int = Field(default=10, ge=1, le=100)
    traceability_port: int = 8002
    traceability_metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="the projector's Prometheus port; off if unset"
    )
    traceability_batch_size: int = Field(default=2000, ge=1, le=20000)
    traceability_own_party: str | None = Field(
        default=None, description="the warehouse operator's GLN, for EPCIS source/destination"
    )
    excursion_grace_minutes: float = Field(default=0.0, ge=0.0, le=1440.0)
    excursion_late_after_minutes: float = Field(
        default=15.0,
        gt=0.0,
        le=7 * 1440.0,
        description="an excursion whose first out-of-range reading reached lotledger more "
        "than this after its start is published and alerted as detected_late",
    )
    climate_humidity_default_pct: tuple[float, float] = Field(
        default=(35.0, 75.0),
        description="the humidity range judged where a location sets no humidity bound",
    )
    climate_humidity_by_class: dict[StorageClass, tuple[float, float]] = Field(
        default={},
        description='per storage class overrides of the default, e.g. {"cold": [30, 70]}',
    )
    mkt_max_hold_minutes: float | None = Field(
        default=60.0,
        gt=0.0,
        description="a reading covers at most this long for MKT (a silent sensor stops counting)",
    )

    @field_validator("climate_humidity_default_pct")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 <= low < high <= 100:
            raise ValueError("a humidity range is 0 <= low < high <= 100")
        return value

    @field_validator("climate_humidity_by_class")
    @classmethod
    def _each_ordered(
        cls, value: dict[StorageClass, tuple[float, float]]
    ) -> dict[StorageClass, tuple[float, float]]:
        for pair in value.values():
            cls._ordered(pair)
        return value

    def climate_rules(self) -> ClimateRules:
        low, high = self.climate_humidity_default_pct
        return ClimateRules(
            grace_minutes=self.excursion_grace_minutes,
            late_after=timedelta(minutes=self.excursion_late_after_minutes),
            humidity=HumidityDefault(low, high, dict(self.climate_humidity_by_class)),
        )

    def mkt_max_hold(self) -> timedelta | None:
        minutes = self.mkt_max_hold_minutes
        return None if minutes is None else timedelta(minutes=minutes)

    def dev_secrets(self) -> dict[str, bool]:
        return {
            **super().dev_secrets(),
            "LOTLEDGER_TRACEABILITY_DATABASE_URL": has_dev_password(self.traceability_database_url),
            "LOTLEDGER_TRACEABILITY_MIGRATION_DATABASE_URL": has_dev_password(
                self.traceability_migration_database_url
            ),
        }

    def migration_database_url(self) -> str:
        return migration_url(
            self.traceability_migration_database_url,
            self.traceability_database_url,
            DEV_OWNER,
            self.env,
            "LOTLEDGER_TRACEABILITY_MIGRATION_DATABASE_URL",
        )

"""traceability settings (environment variables prefixed `LOTLEDGER_`)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from lotledger.shared.settings import CommonSettings, has_dev_password, migration_url

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
    mkt_max_hold_minutes: float | None = Field(
        default=60.0,
        gt=0.0,
        description="a reading covers at most this long for MKT (a silent sensor stops counting)",
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

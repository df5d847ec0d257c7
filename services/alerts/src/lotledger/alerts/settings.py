"""alerts settings (environment variables prefixed `LOTLEDGER_`)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from lotledger.alerts.domain.forecast import ForecastSettings
from lotledger.shared.settings import CommonSettings, has_dev_password, migration_url

DEV_WEBHOOK_KEY = "lotledger-dev-webhook-key-change-me-0123456789"

DEV_OWNER = "alerts_owner"
"""The role owning the schema in the local setups (deploy/docker/postgres-init.sql)."""


class AlertsSettings(CommonSettings):
    alerts_database_url: str = "postgresql+asyncpg://alerts:alerts@127.0.0.1:5433/lotledger"
    alerts_migration_database_url: str | None = Field(
        default=None,
        description="the schema owner's URL, for `migrate`; unset in dev: the runtime "
        "URL as the development owner role",
    )
    alerts_db_schema: str = "alerts"
    alerts_rebuild_schema: str = Field(
        default="alerts_rebuild",
        description="where `rebuild` restores to; provisioned up front, owned by the owner role",
    )
    alerts_db_pool_size: int = Field(default=10, ge=1, le=100)
    alerts_port: int = 8003

    alerts_webhook_keys: SecretStr = Field(
        default=SecretStr(DEV_WEBHOOK_KEY),
        description="comma-separated keys sealing webhook secrets at rest; the first seals, "
        "all unseal (rotation: prepend a new key, re-seal, drop the old one)",
    )
    alerts_webhook_allow_loopback: bool | None = Field(
        default=None, description="accept loopback/private webhook hosts; default: only in dev"
    )
    alerts_webhook_timeout_s: float = Field(default=10.0, gt=0, le=120)
    alerts_webhook_concurrency: int = Field(default=16, ge=1, le=256)
    alerts_webhook_batch: int = Field(default=100, ge=1, le=5000)
    alerts_webhook_retry_base_s: float = Field(default=30.0, gt=0)
    alerts_webhook_retry_max_delay_s: float = Field(default=6 * 3600.0, gt=0)
    alerts_webhook_max_attempts: int = Field(default=12, ge=1, le=100)
    alerts_webhook_failing_after: int = Field(default=5, ge=1, le=100)

    alerts_sweep_interval_s: float | None = Field(
        default=None, gt=0, description="overrides the rules' sweep_interval_seconds"
    )
    alerts_sweep_chunk: int = Field(default=500, ge=1, le=100000)
    alerts_publish_batch: int = Field(default=500, ge=1, le=20000)
    alerts_projector_batch: int = Field(default=500, ge=1, le=20000)
    alerts_repartition_batch: int = Field(default=2000, ge=1, le=50000)
    kafka_fetch_min_bytes: int = Field(default=64 * 1024, ge=1, le=16 * 1024 * 1024)
    kafka_fetch_max_wait_ms: int = Field(default=15, ge=0, le=60_000)
    """The alerts process copies the stock topic and consumes the copy in one event loop.
    Fetching as soon as one record is there (Kafka's default) made a fetch round trip
    per few records for each of its consumers: at 500 stock events/s their requests and
    context switches cost the projector a third of POST → alert at p50. A fetch that waits
    for 64 KiB or 15 ms takes ~8 records at that rate; a backlog still comes 64 KiB at a time."""

    alerts_forecast_window_days: int = Field(
        default=90, ge=1, le=3650, description="the trailing window of consumption velocity"
    )
    alerts_forecast_cover_days: int = Field(
        default=30, ge=0, le=3650, description="days of cover ordered to, without a max stock"
    )
    alerts_forecast_lead_time_days: int = Field(
        default=7, ge=0, le=3650, description="lead time of products without their own"
    )
    alerts_forecast_service_level: float = Field(
        default=0.95, gt=0, lt=1, description="service level of products without their own"
    )

    alerts_forecast_min_history_days: int = Field(
        default=14, ge=1, le=3650, description="days of history before forecast alerts"
    )
    alerts_forecast_interval_s: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        description="a product's forecast rules run at most this often after stock events "
        "(0: with every projector batch)",
    )
    alerts_lot_memory_lots: int = Field(
        default=100_000,
        ge=0,
        le=100_000_000,
        description="lots (about 1 KB each) the projector keeps in memory between batches, "
        "whole products, the least recently used forgotten first (0: every batch reads "
        "all lots of the products it touches)",
    )

    def forecast_settings(self) -> ForecastSettings:
        return ForecastSettings(
            self.alerts_forecast_window_days,
            self.alerts_forecast_cover_days,
            self.alerts_forecast_lead_time_days,
            self.alerts_forecast_service_level,
            self.alerts_forecast_min_history_days,
        )

    @property
    def webhook_loopback_allowed(self) -> bool:
        if self.alerts_webhook_allow_loopback is None:
            return self.env == "dev"
        return self.alerts_webhook_allow_loopback

    def dev_secrets(self) -> dict[str, bool]:
        return {
            **super().dev_secrets(),
            "LOTLEDGER_ALERTS_DATABASE_URL": has_dev_password(self.alerts_database_url),
            "LOTLEDGER_ALERTS_MIGRATION_DATABASE_URL": has_dev_password(
                self.alerts_migration_database_url
            ),
            "LOTLEDGER_ALERTS_WEBHOOK_KEYS": self.alerts_webhook_keys.get_secret_value()
            == DEV_WEBHOOK_KEY,
        }

    def migration_database_url(self) -> str:
        return migration_url(
            self.alerts_migration_database_url,
            self.alerts_database_url,
            DEV_OWNER,
            self.env,
            "LOTLEDGER_ALERTS_MIGRATION_DATABASE_URL",
        )

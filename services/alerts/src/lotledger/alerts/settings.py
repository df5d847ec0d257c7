"""alerts settings (environment variables prefixed `LOTLEDGER_`)."""

from __future__ import annotations

from pydantic import Field

from lotledger.shared.settings import CommonSettings, has_dev_password


class AlertsSettings(CommonSettings):
    alerts_database_url: str = "postgresql+asyncpg://alerts:alerts@127.0.0.1:5433/lotledger"
    alerts_db_schema: str = "alerts"
    alerts_db_pool_size: int = Field(default=10, ge=1, le=100)
    alerts_port: int = 8003

    def dev_secrets(self) -> dict[str, bool]:
        return {
            **super().dev_secrets(),
            "LOTLEDGER_ALERTS_DATABASE_URL": has_dev_password(self.alerts_database_url),
        }

"""traceability settings (environment variables prefixed `LOTLEDGER_`)."""

from __future__ import annotations

from pydantic import Field

from lotledger.shared.settings import CommonSettings, has_dev_password


class TraceabilitySettings(CommonSettings):
    traceability_database_url: str = (
        "postgresql+asyncpg://traceability:traceability@127.0.0.1:5433/lotledger"
    )
    traceability_db_schema: str = "traceability"
    traceability_db_pool_size: int = Field(default=10, ge=1, le=100)
    traceability_port: int = 8002

    def dev_secrets(self) -> dict[str, bool]:
        return {
            **super().dev_secrets(),
            "LOTLEDGER_TRACEABILITY_DATABASE_URL": has_dev_password(self.traceability_database_url),
        }

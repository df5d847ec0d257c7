"""console settings (environment variables prefixed `LOTLEDGER_`).

The console holds no token-signing key: it never mints or verifies a token itself (the
APIs do). Its one secret keys the CSRF tokens; outside `env=dev` it refuses to start while
that secret still has its development default, like the other services.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_COOKIE_SECRET = "lotledger-dev-console-secret-change-me-0123456789"  # noqa: S105


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOTLEDGER_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    log_level: str = "INFO"
    log_requests: bool = False
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    console_port: int = 8004
    console_inventory_url: str = "http://127.0.0.1:8001"
    console_traceability_url: str = "http://127.0.0.1:8002"
    console_alerts_url: str = "http://127.0.0.1:8003"
    console_api_timeout_s: float = Field(default=15.0, gt=0, le=120)

    console_cookie_secret: SecretStr = Field(
        default=SecretStr(DEV_COOKIE_SECRET),
        min_length=32,
        description="keys the CSRF tokens (HMAC); 32+ random bytes outside dev",
    )
    console_secure_cookies: bool | None = Field(
        default=None,
        description="mark cookies Secure (HTTPS only); default: everywhere but dev",
    )
    console_session_max_s: int = Field(
        default=12 * 3600, ge=60, description="a session cookie lives at most this long"
    )
    console_token_header: str | None = Field(
        default=None,
        description="behind an OIDC proxy: the request header carrying the user's access token "
        "(e.g. X-Forwarded-Access-Token); it wins over the sign-in cookie",
    )
    console_sign_out_url: str = Field(
        default="/login?reason=signed+out",
        description="where sign-out lands (behind an OIDC proxy: the proxy's sign-out URL)",
    )
    console_alerts_poll_s: float = Field(
        default=5.0, gt=0, le=300, description="how often an open alerts board refreshes"
    )
    console_timeline_page: int = Field(default=100, ge=10, le=1000)
    console_recall_scan: int = Field(
        default=500, ge=1, le=10_000, description="lots shown for one recall id, at most"
    )

    @property
    def secure_cookies(self) -> bool:
        if self.console_secure_cookies is None:
            return self.env != "dev"
        return self.console_secure_cookies

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> Self:
        if self.env != "dev" and self.console_cookie_secret.get_secret_value() == (
            DEV_COOKIE_SECRET
        ):
            raise ValueError(
                "refusing to start with development defaults outside dev: "
                "LOTLEDGER_CONSOLE_COOKIE_SECRET"
            )
        return self

"""Settings base: environment variables with the `LOTLEDGER_` prefix.

Development defaults let `make up` work on a fresh machine; outside `env=dev` the
service refuses to start while any secret still has its development default.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lotledger.shared.contracts.topics import RECORD_DAYS
from lotledger.verify.statement import key_id, public_key

DEV_AUTH_SECRET = "lotledger-dev-secret-change-me-0123456789"  # noqa: S105
DEV_CHECKPOINT_PUBLIC_KEY = "w1gvCiO00YFzJ6rIlxx3j235/q6B4+fooTmUhG8Xeis="
"""The public half of the development checkpoint key (inventory's checkpointer settings)."""


class ObservabilitySettings(BaseSettings):
    """Tracing is off unless an OTLP endpoint is named, here or by the standard
    `OTEL_TRACES_EXPORTER=otlp` with `OTEL_EXPORTER_OTLP_*` (docs/adr/0019). A worker
    command (relay, projector, deliverer…) serves /metrics when given a port; an API
    serves them on its own port."""

    model_config = SettingsConfigDict(env_prefix="LOTLEDGER_", extra="ignore")

    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector base URL (e.g. http://collector:4318); traces go to "
        "its /v1/traces. Unset: no spans are recorded and no trace context is written",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="port on which a worker command serves Prometheus /metrics (unset: none)",
    )


class CommonSettings(ObservabilitySettings):
    model_config = SettingsConfigDict(env_prefix="LOTLEDGER_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    log_level: str = "INFO"
    log_requests: bool = False

    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = ""
    topic_partitions: int = Field(default=6, ge=1)
    topic_replication: int = Field(default=1, ge=1)
    kafka_fetch_min_bytes: int = Field(
        default=1,
        ge=1,
        le=16 * 1024 * 1024,
        description="bytes a consumer's fetch waits for (up to `kafka_fetch_max_wait_ms`)",
    )
    kafka_fetch_max_wait_ms: int = Field(default=500, ge=0, le=60_000)
    record_retention_days: int = Field(
        default=RECORD_DAYS,
        ge=1,
        description="how long topics of the GSP record (telemetry, alerts) keep their events "
        "when `lotledger topics` creates them (existing topics: alter `retention.ms`)",
    )

    auth_secret: SecretStr = SecretStr(DEV_AUTH_SECRET)
    auth_public_key: str | None = None
    auth_audience: str = "lotledger"
    auth_issuer: str | None = None
    auth_leeway_s: int = Field(default=10, ge=0, le=300)

    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    rate_limit_per_s: float = Field(default=100.0, ge=0, description="writes per token; 0 = off")
    rate_limit_burst: int = Field(default=200, ge=1)

    checkpoint_public_keys: str = Field(
        default=DEV_CHECKPOINT_PUBLIC_KEY,
        description="comma-separated base64 Ed25519 public keys trusted to sign checkpoints "
        "(every key ever used, so old checkpoints stay verifiable after a rotation)",
    )

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> Self:
        if self.env == "dev":
            return self
        insecure = [name for name, value in self.dev_secrets().items() if value]
        if insecure:
            raise ValueError(
                f"refusing to start with development defaults outside dev: {', '.join(insecure)}"
            )
        return self

    def dev_secrets(self) -> dict[str, bool]:
        """Name → whether it still holds its development default. Services extend this."""
        return {
            "LOTLEDGER_AUTH_SECRET": self.auth_secret.get_secret_value() == DEV_AUTH_SECRET,
            "LOTLEDGER_CHECKPOINT_PUBLIC_KEYS": DEV_CHECKPOINT_PUBLIC_KEY
            in self.checkpoint_public_keys,
        }

    def trusted_checkpoint_keys(self) -> dict[str, bytes]:
        """Key id → raw public key, for every key trusted to sign checkpoints."""
        raws = [public_key(k) for k in self.checkpoint_public_keys.split(",") if k.strip()]
        return {key_id(raw): raw for raw in raws}

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


def has_dev_password(url: str | None) -> bool:
    """True when a database URL still carries the role-name-as-password of the local setup."""
    from sqlalchemy.engine import make_url

    if url is None:
        return False
    parsed = make_url(url)
    return parsed.password is not None and parsed.password == parsed.username


class MissingSetting(ValueError):
    """A setting the command needs has no value and no default outside development."""


def migration_url(configured: str | None, runtime_url: str, owner: str, env: str, name: str) -> str:
    """The URL `migrate` logs in with, as the schema's owner role. Unset in development, it
    is the runtime URL with the owner's development credentials (role name as password), so
    it reaches the same database; elsewhere it must be set (`name`)."""
    if configured is not None:
        return configured
    if env != "dev":
        raise MissingSetting(f"{name} is required outside dev: migrations run as the owner role")
    from sqlalchemy.engine import make_url

    dev = make_url(runtime_url).set(username=owner, password=owner)
    return dev.render_as_string(hide_password=False)


def role_of(url: str) -> str:
    """The role a database URL logs in as."""
    from sqlalchemy.engine import make_url

    role = make_url(url).username
    if not role:
        raise MissingSetting(f"the database URL names no role: {make_url(url)!r}")
    return role

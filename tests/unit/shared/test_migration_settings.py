"""The owner's database URL, which only `migrate` (and traceability's `rebuild`) use:
derived from the runtime URL in development, required elsewhere, and never accepted with
a development password outside dev. The runtime role is the one the runtime URL names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr

from lotledger.alerts.bootstrap import migration as alerts_migration
from lotledger.alerts.settings import AlertsSettings
from lotledger.inventory.bootstrap import migration as inventory_migration
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.migrations import Migration
from lotledger.shared.settings import CommonSettings, MissingSetting
from lotledger.traceability.bootstrap import migration as traceability_migration
from lotledger.traceability.settings import TraceabilitySettings

SECRETS: dict[str, Any] = {
    "auth_secret": SecretStr("a-production-secret-of-enough-length-0123"),
    "checkpoint_public_keys": "Kxjyc3/AIKewcIQK9b6DFFTdoW1zAi2GRpIjhDE1i5c=",
    "alerts_webhook_keys": SecretStr("a-production-webhook-key-of-enough-length"),
}
PROD_RUNTIME = "postgresql+asyncpg://{s}:s3cret@db.internal:5432/ledger"


SETTINGS: dict[str, type[CommonSettings]] = {
    "inventory": InventorySettings,
    "traceability": TraceabilitySettings,
    "alerts": AlertsSettings,
}


def _settings(service: str, **values: Any) -> Any:
    cls = SETTINGS[service]
    known = {k: v for k, v in SECRETS.items() if k in cls.model_fields}
    return cls(**known, **values)


SERVICES = tuple(SETTINGS)
MIGRATION: dict[str, Callable[[Any], Migration]] = {
    "inventory": inventory_migration,
    "traceability": traceability_migration,
    "alerts": alerts_migration,
}


@pytest.mark.parametrize("service", SERVICES)
def test_in_dev_migrate_reaches_the_runtime_database_as_the_owner(service: str) -> None:
    runtime = f"postgresql+asyncpg://{service}:{service}@127.0.0.1:5999/lotledger_test_x"
    settings = _settings(service, **{f"{service}_database_url": runtime})
    target = MIGRATION[service](settings)
    assert target.owner_url == (
        f"postgresql+asyncpg://{service}_owner:{service}_owner@127.0.0.1:5999/lotledger_test_x"
    )
    assert (target.runtime_role, target.schema) == (service, service)


@pytest.mark.parametrize("service", SERVICES)
def test_outside_dev_migrate_needs_the_owner_url(service: str) -> None:
    runtime = PROD_RUNTIME.format(s=service)
    settings = _settings(service, env="prod", **{f"{service}_database_url": runtime})
    with pytest.raises(MissingSetting, match=f"LOTLEDGER_{service.upper()}_MIGRATION_DATABASE_URL"):
        MIGRATION[service](settings)
    owner = f"postgresql+asyncpg://{service}_admin:0ther@db.internal:5432/ledger"
    configured = _settings(
        service,
        env="prod",
        **{f"{service}_database_url": runtime, f"{service}_migration_database_url": owner},
    )
    assert MIGRATION[service](configured).owner_url == owner


@pytest.mark.parametrize("service", SERVICES)
def test_outside_dev_a_development_owner_password_is_refused(service: str) -> None:
    with pytest.raises(ValueError, match=f"LOTLEDGER_{service.upper()}_MIGRATION_DATABASE_URL"):
        _settings(
            service,
            env="prod",
            **{
                f"{service}_database_url": PROD_RUNTIME.format(s=service),
                f"{service}_migration_database_url": (
                    f"postgresql+asyncpg://{service}_owner:{service}_owner@db.internal/ledger"
                ),
            },
        )

"""The three services' apps with their access tables, for the security tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from lotledger.alerts.bootstrap import create_app as alerts_app
from lotledger.alerts.entrypoints.api.access import ACCESS as ALERTS_ACCESS
from lotledger.alerts.settings import AlertsSettings
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.inventory.entrypoints.api.access import ACCESS as INVENTORY_ACCESS
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.web.access import AccessTable
from lotledger.traceability.bootstrap import create_app as traceability_app
from lotledger.traceability.entrypoints.api.access import ACCESS as TRACEABILITY_ACCESS
from lotledger.traceability.settings import TraceabilitySettings
from tests.support.infra import Infra
from tests.support.tokens import TEST_SECRET


@dataclass(frozen=True)
class Service:
    name: str
    app: FastAPI
    table: AccessTable


@pytest.fixture(scope="module")
def services(inventory_settings: InventorySettings, migrated: Infra) -> list[Service]:
    alerts_settings = AlertsSettings(
        alerts_database_url=migrated.url("alerts"),
        kafka_bootstrap=migrated.kafka_bootstrap,
        topic_prefix=migrated.topic_prefix,
        auth_secret=SecretStr(TEST_SECRET),
    )
    traceability_settings = TraceabilitySettings(
        traceability_database_url=migrated.url("traceability"),
        kafka_bootstrap=migrated.kafka_bootstrap,
        topic_prefix=migrated.topic_prefix,
        auth_secret=SecretStr(TEST_SECRET),
    )
    return [
        Service("inventory", inventory_app(inventory_settings), INVENTORY_ACCESS),
        Service("traceability", traceability_app(traceability_settings), TRACEABILITY_ACCESS),
        Service("alerts", alerts_app(alerts_settings), ALERTS_ACCESS),
    ]

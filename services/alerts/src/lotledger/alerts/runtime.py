"""What the entrypoints need at run time, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.alerts.adapters.secret_box import SecretBox
from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.clock import Clock


@dataclass
class AlertsRuntime:
    settings: AlertsSettings
    clock: Clock
    engine: AsyncEngine
    uow: Callable[[], UnitOfWork]
    box: SecretBox

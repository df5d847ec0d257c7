"""What the rebuild is given by the composition root (`bootstrap.Wiring`): engines, the
restoring projection and migrations built from the settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.migrations import Migration
from lotledger.shared.projection import Projection


class Wiring(Protocol):
    @property
    def settings(self) -> AlertsSettings: ...

    def engine(self, role: str, schema: str | None = None) -> AsyncEngine:
        """An engine on the live schema, or on `schema` (the rebuild schema)."""
        ...

    def restoring(self, only: Sequence[str] | None = None) -> Projection:
        """The rebuild's projection, on the `only` topics (logical names) or all."""
        ...

    def migration(self, schema: str | None = None) -> Migration:
        """`migrate` of the live schema, or of `schema`."""
        ...

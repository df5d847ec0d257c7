"""What the workers are given by the composition root (`bootstrap.Wiring`): engines,
projections and migrations built from the settings. A worker never builds them itself,
so it depends on nothing above it; a rebuild process pickles the wiring to its
children, which is why it is plain data with methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.migrations import Migration
from lotledger.shared.projection import Projection
from lotledger.traceability.settings import TraceabilitySettings


class Wiring(Protocol):
    @property
    def settings(self) -> TraceabilitySettings: ...

    def engine(self, role: str, schema: str | None = None) -> AsyncEngine:
        """An engine on the live schema, or on `schema` (the rebuild schema)."""
        ...

    def projection(self, *, publish: bool, only: Sequence[str] | None = None) -> Projection:
        """The projection; publishing excursions or not (a rebuild), on `only` topics."""
        ...

    def migration(self, schema: str | None = None) -> Migration:
        """`migrate` of the live schema, or of `schema`."""
        ...

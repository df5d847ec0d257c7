from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.alerts.world import AlertsWorld, alerts_world


@pytest.fixture(scope="package")
async def world() -> AsyncIterator[AlertsWorld]:
    """One private alerts world shared by the package's tests that do not move time."""
    async with alerts_world() as running:
        yield running

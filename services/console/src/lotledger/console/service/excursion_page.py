"""The excursion page: the excursion and its exposed lots, the location's readings around
it (as much again before and after), its temperature range and humidity bounds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from lotledger.console.domain.climate import (
    Chart,
    Climate,
    Excursion,
    ExposedLot,
    chart,
    excursion_window,
)
from lotledger.console.service.apis import Apis, together

READINGS = 5000


@dataclass(frozen=True)
class ExcursionPage:
    excursion: Excursion
    exposed: list[ExposedLot]
    climate: Climate
    chart: Chart


async def excursion_page(apis: Apis, token: str, excursion_id: str, now: datetime) -> ExcursionPage:
    excursion, exposed = await apis.traceability.excursion(token, excursion_id)
    start, end = excursion_window(excursion, now)
    climate, humidity = await together(
        apis.traceability.climate(
            token, excursion.location, start.isoformat(), end.isoformat(), READINGS
        ),
        apis.inventory.humidity_range(token, excursion.location),
    )
    if humidity is not None:
        climate = replace(climate, humidity_min_pct=humidity[0], humidity_max_pct=humidity[1])
    exposed = sorted(exposed, key=lambda e: (-e.exposure_minutes, e.gtin, e.lot))
    return ExcursionPage(excursion, exposed, climate, chart(excursion, climate, now))

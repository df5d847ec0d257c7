from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from lotledger.shared.contracts.catalog import Location, LocationKind, StorageClass
from lotledger.traceability.domain.excursions import LimitsAt
from lotledger.traceability.domain.limits import ClimateRanges, Metric
from lotledger.traceability.domain.series import Observation, SeriesState

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
COLD_ROOM = "WH1/COLD-A/03"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def cold_room(humidity_min: float | None = 35.0, humidity_max: float | None = 75.0) -> Location:
    return Location(
        location_id=COLD_ROOM,
        warehouse="WH1",
        name="cold room A3",
        kind=LocationKind.STORAGE,
        storage_class=StorageClass.COLD,
        temp_min_c=2.0,
        temp_max_c=8.0,
        humidity_min_pct=humidity_min,
        humidity_max_pct=humidity_max,
    )


def observations(points: Iterable[tuple[float, float]], sensor: str = "S1") -> list[Observation]:
    return [Observation(at(minute), sensor, value) for minute, value in points]


def limits_of(location: Location, metric: Metric = Metric.TEMPERATURE) -> LimitsAt:
    ranges = ClimateRanges.of(location)
    return lambda instant: ranges.limits(metric, instant)


def fresh(metric: Metric = Metric.TEMPERATURE) -> SeriesState:
    return SeriesState(COLD_ROOM, metric)

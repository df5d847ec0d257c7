"""The registry's pure rules: a sensor's fixed location, final retirement, and a
location's range history (which only grows, and starts for records kept before it)."""

from datetime import UTC, datetime, timedelta

import pytest

from lotledger.inventory.domain.location_ranges import with_ranges
from lotledger.inventory.domain.sensors import (
    SensorLocationFixed,
    SensorRetired,
    SensorSpec,
    registered,
)
from lotledger.shared.contracts.catalog import (
    Location,
    LocationKind,
    Measure,
    SensorStatus,
    StorageClass,
)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)
SPEC = SensorSpec("LOG-1", "WH1/COLD-A/01", (Measure.TEMPERATURE,))


def test_retiring_stamps_the_time_once_and_is_final() -> None:
    first = registered(None, SPEC, NOW)
    assert (first.registered_at, first.retired_at, first.warehouse) == (NOW, None, "WH1")
    retired = registered(
        first, SensorSpec(**{**SPEC.__dict__, "status": SensorStatus.RETIRED}), LATER
    )
    assert (retired.registered_at, retired.retired_at) == (NOW, LATER)
    again = registered(
        retired,
        SensorSpec(**{**SPEC.__dict__, "status": SensorStatus.RETIRED}),
        LATER + timedelta(days=1),
    )
    assert again.retired_at == LATER
    with pytest.raises(SensorRetired):
        registered(retired, SPEC, LATER)
    with pytest.raises(SensorLocationFixed):
        registered(first, SensorSpec("LOG-1", "WH1/COLD-A/02", (Measure.TEMPERATURE,)), LATER)


def _location(high: float, humidity_high: float | None = None, name: str = "cold") -> Location:
    return Location(
        location_id="WH1/COLD-A/01",
        warehouse="WH1",
        name=name,
        kind=LocationKind.STORAGE,
        storage_class=StorageClass.COLD,
        temp_min_c=2.0,
        temp_max_c=high,
        humidity_max_pct=humidity_high,
    )


def test_a_range_change_appends_and_nothing_else_does() -> None:
    registered_ = with_ranges(_location(8.0), None, NOW)
    assert [(r.since, r.temp_max_c) for r in registered_.ranges] == [(NOW, 8.0)]
    renamed = with_ranges(_location(8.0, name="cold A"), registered_, LATER)
    assert renamed.ranges == registered_.ranges
    narrowed = with_ranges(_location(8.0, humidity_high=60.0), renamed, LATER)
    assert [(r.since, r.humidity_max_pct) for r in narrowed.ranges] == [(NOW, None), (LATER, 60.0)]


def test_a_record_kept_before_ranges_starts_its_history_with_its_range() -> None:
    legacy = _location(8.0)
    assert legacy.ranges == []
    changed = with_ranges(_location(6.0), legacy, LATER)
    assert [(r.since, r.temp_max_c) for r in changed.ranges] == [(LATER, 8.0), (LATER, 6.0)]

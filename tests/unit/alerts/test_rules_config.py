"""The settings behind GET/PUT /v1/rules are valid by construction."""

from dataclasses import replace
from typing import Any

import pytest

from lotledger.alerts.domain import rules_config as rc
from lotledger.alerts.domain.rules_config import RulesConfig


def test_defaults() -> None:
    config = RulesConfig()
    assert (
        config.near_expiry_days,
        config.sensor_silence_minutes,
        config.excursion_grace_minutes,
        config.sweep_interval_seconds,
    ) == ((180, 90, 30), 30, 0, 60)


def test_tiers_given_as_a_list_are_kept_as_a_tuple() -> None:
    assert RulesConfig(near_expiry_days=[365, 30]).near_expiry_days == (365, 30)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tiers",
    [
        (),
        (90, 180),
        (180, 90, 90),
        (180, 0),
        (30, -1),
        (4000,),
        (6, 5, 4, 3, 2, 1, 0),
        (7, 6, 5, 4, 3, 2, 1),
        (True,),
        (90.5,),
    ],
)
def test_bad_tiers_are_refused_naming_the_field(tiers: tuple[Any, ...]) -> None:
    with pytest.raises(rc.InvalidNearExpiryTiers) as info:
        RulesConfig(near_expiry_days=tiers)
    assert info.value.field == "near_expiry_days"


def test_up_to_six_tiers_within_ten_years_are_fine() -> None:
    assert RulesConfig(near_expiry_days=(3650, 365, 180, 90, 30, 1)).near_expiry_days[-1] == 1


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"sensor_silence_minutes": 0}, rc.InvalidSensorSilence, "sensor_silence_minutes"),
        ({"sensor_silence_minutes": 10_081}, rc.InvalidSensorSilence, "sensor_silence_minutes"),
        ({"excursion_grace_minutes": -1}, rc.InvalidExcursionGrace, "excursion_grace_minutes"),
        ({"excursion_grace_minutes": 1441}, rc.InvalidExcursionGrace, "excursion_grace_minutes"),
        ({"sweep_interval_seconds": 4}, rc.InvalidSweepInterval, "sweep_interval_seconds"),
        ({"sweep_interval_seconds": 3601}, rc.InvalidSweepInterval, "sweep_interval_seconds"),
        ({"sweep_interval_seconds": True}, rc.InvalidSweepInterval, "sweep_interval_seconds"),
    ],
)
def test_out_of_range_settings_are_refused_by_name(
    changes: dict[str, Any], error: type[rc.InvalidRulesConfig], field: str
) -> None:
    with pytest.raises(error) as info:
        replace(RulesConfig(), **changes)
    assert info.value.field == field


def test_the_edges_of_each_range_are_accepted() -> None:
    low = RulesConfig(sensor_silence_minutes=1, excursion_grace_minutes=0, sweep_interval_seconds=5)
    high = replace(
        low,
        sensor_silence_minutes=10_080,
        excursion_grace_minutes=1440,
        sweep_interval_seconds=3600,
    )
    assert (low.sensor_silence_minutes, high.sweep_interval_seconds) == (1, 3600)

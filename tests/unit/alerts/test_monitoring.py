"""GSP monitoring as the clock sees it: the 30-minute storage cadence and the 2-minute one
while the room is out of range, a sensor that never reported, calibration overdue, a
stocked location nobody watches, and an excursion found late that stays until assessed."""

from datetime import date, timedelta

from lotledger.alerts.domain.climate import (
    calibration_overdue,
    found_late,
    sensor_silent,
    temperature_excursion,
    unwatched,
)
from lotledger.alerts.domain.climate_facts import ExcursionRecord, LocationWatch, SensorFacts
from lotledger.alerts.domain.conditions import Evaluation, Scope
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.excursions import ExcursionKind
from tests.unit.alerts.fixtures import A1, NOW, ZONES, Desk

CONFIG = RulesConfig()
LOGGER = SensorFacts("LOG-1", A1, NOW, registered=True, interval_minutes=30)


def minutes(n: float) -> "timedelta":
    return timedelta(minutes=n)


def test_silence_while_out_of_range_alerts_after_two_minutes_not_thirty() -> None:
    at = NOW + minutes(3)
    assert sensor_silent(LOGGER, CONFIG, at).conditions == ()
    (condition,) = sensor_silent(LOGGER, CONFIG, at, out_of_range=True).conditions
    assert (condition.details["cadence"], condition.details["silence_minutes"]) == (
        "out_of_range",
        2,
    )
    assert sensor_silent(LOGGER, CONFIG, NOW + minutes(2), out_of_range=True).conditions == ()


def test_a_sensor_registered_with_a_shorter_interval_is_silent_past_it() -> None:
    every_five = SensorFacts("S-5", A1, NOW, registered=True, interval_minutes=5)
    assert len(sensor_silent(every_five, CONFIG, NOW + minutes(6)).conditions) == 1
    hourly = SensorFacts("S-60", A1, NOW, registered=True, interval_minutes=60)
    assert len(sensor_silent(hourly, CONFIG, NOW + minutes(31)).conditions) == 1


def test_a_sensor_that_never_reported_is_silent_since_its_registration() -> None:
    mute = SensorFacts("S-0", A1, None, registered=True, interval_minutes=30, registered_at=NOW)
    assert sensor_silent(mute, CONFIG, NOW + minutes(30)).conditions == ()
    (condition,) = sensor_silent(mute, CONFIG, NOW + minutes(31)).conditions
    assert condition.details["last_reading_at"] is None


def test_unregistered_and_retired_sensors_are_not_judged() -> None:
    legacy = SensorFacts("OLD", A1, NOW - timedelta(days=3))
    retired = SensorFacts("RET", A1, NOW - timedelta(days=3), registered=True, active=False)
    for sensor in (legacy, retired):
        assert sensor_silent(sensor, CONFIG, NOW).conditions == ()


def test_calibration_past_due_in_the_warehouses_zone_raises_a_warning() -> None:
    due = SensorFacts("CAL", A1, NOW, registered=True, calibration_due=date(2026, 1, 5))
    assert calibration_overdue(due, ZONES, NOW).conditions == ()
    (condition,) = calibration_overdue(due, ZONES, NOW + timedelta(days=1)).conditions
    assert (condition.key.tier, condition.severity) == ("calibration", Severity.WARNING)
    assert condition.details["calibration_due"] == "2026-01-05"


def test_a_stocked_storage_location_without_a_temperature_sensor_is_critical() -> None:
    (condition,) = unwatched(LocationWatch(A1, "storage", 12, 0)).conditions
    assert (condition.key.subject, condition.key.tier, condition.severity) == (
        A1,
        "no_sensor",
        Severity.CRITICAL,
    )
    for fine in (
        LocationWatch(A1, "storage", 12, 1),
        LocationWatch(A1, "storage", 0, 0),
        LocationWatch(A1, "dispatch", 12, 0),
    ):
        assert unwatched(fine).conditions == ()


def test_silence_calibration_and_the_watch_share_a_type_and_never_resolve_each_other() -> None:
    desk = Desk()
    at = NOW + timedelta(days=2)
    sensor = SensorFacts(
        "S-9", A1, NOW, registered=True, interval_minutes=30, calibration_due=date(2026, 1, 1)
    )
    both = sensor_silent(sensor, CONFIG, at) | calibration_overdue(sensor, ZONES, at)
    desk.evaluate(both, at)
    assert sorted(a.key.tier for a in desk.open()) == ["", "calibration"]
    heard = SensorFacts(
        "S-9", A1, at, registered=True, interval_minutes=30, calibration_due=date(2026, 1, 1)
    )
    desk.evaluate(sensor_silent(heard, CONFIG, at) | calibration_overdue(heard, ZONES, at), at)
    assert [a.key.tier for a in desk.open()] == ["calibration"]


def test_an_excursion_found_late_is_raised_once_and_resolved_only_by_a_person() -> None:
    desk = Desk()
    late = ExcursionRecord(
        "EX-L",
        A1,
        ExcursionKind.TEMPERATURE_HIGH,
        8.0,
        NOW,
        9.5,
        (),
        NOW + minutes(30),
        ("LOG-1",),
        detected_late=True,
    )
    desk.event(found_late(late), "event-1", NOW + timedelta(hours=2))
    alert = desk.only_open(AlertType.TEMPERATURE_EXCURSION)
    assert (alert.key.tier, alert.details["detected_late"], alert.details["sensors"]) == (
        "late",
        True,
        ["LOG-1"],
    )
    assert temperature_excursion(late, CONFIG, NOW + timedelta(hours=2)).conditions == ()
    sweep = Evaluation(Scope.of("EX-L", AlertType.TEMPERATURE_EXCURSION))
    assert desk.evaluate(sweep, NOW + timedelta(hours=3)) == []
    desk.resolve(alert, NOW + timedelta(hours=4))
    assert desk.evaluate(sweep, NOW + timedelta(hours=5)) == []
    assert desk.open() == []

"""Excursion alerts name the exposed lots and end with the excursion; silent sensors."""

from datetime import timedelta

from lotledger.alerts.domain.climate import humidity_excursion, sensor_silent, temperature_excursion
from lotledger.alerts.domain.climate_facts import ExcursionRecord, SensorFacts
from lotledger.alerts.domain.conditions import Evaluation
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.excursions import (
    ExcursionEnded,
    ExcursionKind,
    ExcursionStarted,
    ExposedLot,
)
from tests.unit.alerts.fixtures import A1, GTIN, NOW, OTHER_GTIN, Desk, json_native

CONFIG = RulesConfig()
STARTED = ExcursionStarted(
    excursion_id="EX-1",
    location=A1,
    sensor="T-1",
    kind=ExcursionKind.TEMPERATURE_HIGH,
    limit=8.0,
    started_at=NOW,
    peak=9.5,
    readings=1,
    exposed_lots=[
        ExposedLot(gtin=OTHER_GTIN, lot="Z9", qty=3),
        ExposedLot(gtin=GTIN, lot="L2", qty=12),
        ExposedLot(gtin=GTIN, lot="L1", qty=40),
    ],
)
ENDED = ExcursionEnded(
    **STARTED.model_dump(exclude={"peak", "readings"}),
    peak=11.2,
    ended_at=NOW + timedelta(minutes=42),
    duration_minutes=42.0,
    readings=43,
)


def climate(record: ExcursionRecord, config: RulesConfig = CONFIG, minutes: int = 1) -> Evaluation:
    now = NOW + timedelta(minutes=minutes)
    return temperature_excursion(record, config, now) | humidity_excursion(record, config, now)


def test_an_excursion_raises_naming_the_exposed_lots_and_resolves_when_it_ends() -> None:
    desk = Desk()
    desk.evaluate(climate(ExcursionRecord.from_started(STARTED)), NOW + timedelta(minutes=1))
    alert = desk.only_open(AlertType.TEMPERATURE_EXCURSION)
    assert (alert.key.alert_type.value, alert.key.subject, alert.severity) == (
        "temperature_excursion",
        "EX-1",
        Severity.CRITICAL,
    )
    assert alert.details == {
        "excursion_id": "EX-1",
        "location": A1,
        "warehouse": "WH1",
        "kind": "temperature_high",
        "limit": 8.0,
        "peak": 9.5,
        "started_at": NOW.isoformat(),
        "exposed_lots": [
            {"gtin": OTHER_GTIN, "lot": "Z9", "qty": 3},
            {"gtin": GTIN, "lot": "L1", "qty": 40},
            {"gtin": GTIN, "lot": "L2", "qty": 12},
        ],
    }
    assert json_native(dict(alert.details))
    assert (
        desk.evaluate(
            climate(ExcursionRecord.from_started(STARTED), minutes=30), NOW + timedelta(minutes=30)
        )
        == []
    )
    desk.evaluate(
        climate(ExcursionRecord.from_ended(ENDED), minutes=43), NOW + timedelta(minutes=43)
    )
    assert desk.summary() == [
        ("raised", "temperature_excursion", "EX-1", ""),
        ("resolved", "temperature_excursion", "EX-1", ""),
    ]


def test_a_humidity_excursion_raises_a_humidity_alert() -> None:
    record = ExcursionRecord.from_started(
        STARTED.model_copy(update={"kind": ExcursionKind.HUMIDITY_LOW, "limit": 35.0})
    )
    (condition,) = climate(record).conditions
    assert (condition.key.alert_type.value, condition.severity) == (
        "humidity_excursion",
        Severity.WARNING,
    )


def test_the_grace_period_holds_the_alert_back_and_short_blips_never_raise() -> None:
    config = RulesConfig(excursion_grace_minutes=10)
    record = ExcursionRecord.from_started(STARTED)
    assert climate(record, config, minutes=9).conditions == ()
    assert len(climate(record, config, minutes=10).conditions) == 1
    blip = ExcursionRecord.from_ended(
        ENDED.model_copy(update={"ended_at": NOW + timedelta(minutes=7)})
    )
    assert climate(blip, config, minutes=10).conditions == ()


def test_a_silent_sensor_raises_after_the_threshold_and_resolves_when_it_reports() -> None:
    desk = Desk()
    config = RulesConfig(sensor_silence_minutes=30)
    heard = SensorFacts("S-7", A1, last_reading_at=NOW, registered=True)
    for minutes in (10, 30, 31, 45, 90):
        now = NOW + timedelta(minutes=minutes)
        desk.evaluate(sensor_silent(heard, config, now), now)
    assert desk.summary() == [("raised", "sensor_silent", "S-7", "")]
    alert = desk.only_open(AlertType.SENSOR_SILENT)
    assert alert.raised_at == NOW + timedelta(minutes=31)
    assert alert.details == {
        "sensor": "S-7",
        "location": A1,
        "warehouse": "WH1",
        "last_reading_at": NOW.isoformat(),
        "silence_minutes": 30,
        "cadence": "storage",
    }
    back = SensorFacts("S-7", A1, last_reading_at=NOW + timedelta(minutes=91), registered=True)
    desk.evaluate(
        sensor_silent(back, config, NOW + timedelta(minutes=91)), NOW + timedelta(minutes=91)
    )
    assert desk.open() == []
    assert desk.summary()[-1] == ("resolved", "sensor_silent", "S-7", "")


def test_the_silence_threshold_is_configurable() -> None:
    heard = SensorFacts("S-7", A1, last_reading_at=NOW, registered=True)
    short = RulesConfig(sensor_silence_minutes=2)
    assert sensor_silent(heard, short, NOW + timedelta(minutes=2)).conditions == ()
    assert len(sensor_silent(heard, short, NOW + timedelta(minutes=2, seconds=1)).conditions) == 1

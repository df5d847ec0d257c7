"""Climate rules: temperature and humidity excursions (as traceability publishes them,
DESIGN §8) and the monitoring itself (GSP: a record at least every 30 minutes in storage
and every 2 while out of range, every storage place watched, sensors calibrated). Each
returns the conditions holding at `now` and the scope it looked at.

| alert | key: type, subject, tier | holds while |
|---|---|---|
| excursion | …_excursion, excursion, "" | open, past grace, found in time |
| found late | …_excursion, excursion, "late" | raised by its start; people resolve |
| silent sensor | sensor_silent, sensor, "" | silent past its cadence |
| calibration overdue | sensor_silent, sensor, "calibration" | calibration past due |
| unwatched location | sensor_silent, location, "no_sensor" | stock, no temperature sensor |

(the last three for registered active sensors; an unwatched location is a storage or
quarantine one holding stock where no active sensor measures temperature)

A sensor's cadence is the shorter of its registered interval and the rules'
`sensor_silence_minutes` (the GSP storage ceiling), and `out_of_range_silence_minutes`
while its location has an excursion under way. Silence runs from its latest reading, or
from its registration if it never reported. The monitoring alerts share `sensor_silent`
(tiers tell them apart): v1 consumers know a closed list of alert types.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from lotledger.alerts.domain.climate_facts import ExcursionRecord, LocationWatch, SensorFacts
from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import Zones
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.alerts.domain.severity import SEVERITY
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.identifiers import warehouse_of

TEMPERATURE_KINDS = frozenset({ExcursionKind.TEMPERATURE_HIGH, ExcursionKind.TEMPERATURE_LOW})
HUMIDITY_KINDS = frozenset({ExcursionKind.HUMIDITY_HIGH, ExcursionKind.HUMIDITY_LOW})
LATE = "late"
CALIBRATION = "calibration"
NO_SENSOR = "no_sensor"
WATCHED_KINDS = frozenset({"storage", "quarantine"})
"""Locations where goods are kept (a dispatch bay is where they pass through)."""


def alert_type_of(kind: ExcursionKind) -> AlertType:
    if kind in TEMPERATURE_KINDS:
        return AlertType.TEMPERATURE_EXCURSION
    return AlertType.HUMIDITY_EXCURSION


def _excursion_details(excursion: ExcursionRecord) -> dict[str, Any]:
    exposed = sorted(excursion.exposed_lots, key=lambda e: (e.gtin, e.lot))
    return {
        "excursion_id": excursion.excursion_id,
        "location": excursion.location,
        "warehouse": warehouse_of(excursion.location),
        "kind": excursion.kind.value,
        "limit": excursion.limit,
        "peak": excursion.peak,
        "started_at": excursion.started_at.isoformat(),
        "exposed_lots": [{"gtin": e.gtin, "lot": e.lot, "qty": e.qty} for e in exposed],
    }


def _excursion(
    alert_type: AlertType,
    kinds: frozenset[ExcursionKind],
    excursion: ExcursionRecord,
    config: RulesConfig,
    now: datetime,
) -> Evaluation:
    scope = Scope.of(excursion.excursion_id, alert_type)
    grace = timedelta(minutes=config.excursion_grace_minutes)
    if (
        excursion.kind not in kinds
        or not excursion.is_open
        or excursion.detected_late
        or now - excursion.started_at < grace
    ):
        return Evaluation(scope)
    key = AlertKey(alert_type, excursion.excursion_id)
    return Evaluation(scope, (Condition(key, SEVERITY[alert_type], _excursion_details(excursion)),))


def temperature_excursion(
    excursion: ExcursionRecord, config: RulesConfig, now: datetime
) -> Evaluation:
    """While a temperature excursion found in time is open and at least the grace
    minutes old."""
    return _excursion(AlertType.TEMPERATURE_EXCURSION, TEMPERATURE_KINDS, excursion, config, now)


def humidity_excursion(
    excursion: ExcursionRecord, config: RulesConfig, now: datetime
) -> Evaluation:
    """While a humidity excursion found in time is open and at least the grace minutes
    old."""
    return _excursion(AlertType.HUMIDITY_EXCURSION, HUMIDITY_KINDS, excursion, config, now)


def found_late(excursion: ExcursionRecord) -> Condition:
    """The alert an excursion found late calls for: raised when its start is published,
    kept up to date while it is open, resolved by the person who assessed it."""
    alert_type = alert_type_of(excursion.kind)
    details = {
        **_excursion_details(excursion),
        "detected_late": True,
        "ended_at": None if excursion.ended_at is None else excursion.ended_at.isoformat(),
        "sensors": list(excursion.sensors),
    }
    return Condition(
        AlertKey(alert_type, excursion.excursion_id, LATE), SEVERITY[alert_type], details
    )


def _cadence(sensor: SensorFacts, config: RulesConfig, out_of_range: bool) -> tuple[int, str]:
    if out_of_range:
        return config.out_of_range_silence_minutes, "out_of_range"
    registered = sensor.interval_minutes or config.sensor_silence_minutes
    return min(registered, config.sensor_silence_minutes), "storage"


def sensor_silent(
    sensor: SensorFacts, config: RulesConfig, now: datetime, out_of_range: bool = False
) -> Evaluation:
    """While a registered active sensor has been silent longer than its cadence."""
    scope = Scope.of(sensor.sensor, AlertType.SENSOR_SILENT)
    since = sensor.silent_since
    minutes, cadence = _cadence(sensor, config, out_of_range)
    if not sensor.judged or since is None or now - since <= timedelta(minutes=minutes):
        return Evaluation(scope)
    details = {
        "sensor": sensor.sensor,
        "location": sensor.location,
        "warehouse": warehouse_of(sensor.location),
        "last_reading_at": None
        if sensor.last_reading_at is None
        else sensor.last_reading_at.isoformat(),
        "silence_minutes": minutes,
        "cadence": cadence,
    }
    condition = Condition(
        AlertKey(AlertType.SENSOR_SILENT, sensor.sensor), SEVERITY[AlertType.SENSOR_SILENT], details
    )
    return Evaluation(scope, (condition,))


def calibration_overdue(sensor: SensorFacts, zones: Zones, now: datetime) -> Evaluation:
    """While an active sensor's calibration due date is before today in its warehouse."""
    scope = Scope.of(sensor.sensor, AlertType.SENSOR_SILENT)
    due, warehouse = sensor.calibration_due, warehouse_of(sensor.location)
    if not sensor.judged or due is None or due >= zones.today(warehouse, now):
        return Evaluation(scope)
    details = {
        "sensor": sensor.sensor,
        "location": sensor.location,
        "warehouse": warehouse,
        "calibration_due": due.isoformat(),
    }
    key = AlertKey(AlertType.SENSOR_SILENT, sensor.sensor, CALIBRATION)
    return Evaluation(scope, (Condition(key, Severity.WARNING, details),))


def unwatched(location: LocationWatch) -> Evaluation:
    """While a storage or quarantine location holds stock and no active registered
    sensor there measures temperature."""
    scope = Scope.of(location.location, AlertType.SENSOR_SILENT)
    kept_here = location.kind in WATCHED_KINDS and location.on_hand > 0
    if not kept_here or location.temperature_sensors > 0:
        return Evaluation(scope)
    details = {
        "location": location.location,
        "warehouse": warehouse_of(location.location),
        "kind": location.kind,
        "reason": "no active sensor measures temperature here",
    }
    key = AlertKey(AlertType.SENSOR_SILENT, location.location, NO_SENSOR)
    return Evaluation(scope, (Condition(key, Severity.CRITICAL, details),))

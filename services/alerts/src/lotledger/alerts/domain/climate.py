"""Climate rules: temperature and humidity excursions (as traceability publishes them,
DESIGN §8) and silent sensors. Each returns the conditions holding at `now` for one
excursion or sensor and the scope it looked at."""

from __future__ import annotations

from datetime import datetime, timedelta

from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import ExcursionRecord, SensorFacts
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.alerts.domain.severity import SEVERITY
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.identifiers import warehouse_of

TEMPERATURE_KINDS = frozenset({ExcursionKind.TEMPERATURE_HIGH, ExcursionKind.TEMPERATURE_LOW})
HUMIDITY_KINDS = frozenset({ExcursionKind.HUMIDITY_HIGH, ExcursionKind.HUMIDITY_LOW})


def _excursion(
    alert_type: AlertType,
    kinds: frozenset[ExcursionKind],
    excursion: ExcursionRecord,
    config: RulesConfig,
    now: datetime,
) -> Evaluation:
    scope = Scope.of(excursion.excursion_id, alert_type)
    grace = timedelta(minutes=config.excursion_grace_minutes)
    if excursion.kind not in kinds or not excursion.is_open or now - excursion.started_at < grace:
        return Evaluation(scope)
    exposed = sorted(excursion.exposed_lots, key=lambda e: (e.gtin, e.lot))
    details = {
        "excursion_id": excursion.excursion_id,
        "location": excursion.location,
        "warehouse": warehouse_of(excursion.location),
        "kind": excursion.kind.value,
        "limit": excursion.limit,
        "peak": excursion.peak,
        "started_at": excursion.started_at.isoformat(),
        "exposed_lots": [{"gtin": e.gtin, "lot": e.lot, "qty": e.qty} for e in exposed],
    }
    key = AlertKey(alert_type, excursion.excursion_id)
    return Evaluation(scope, (Condition(key, SEVERITY[alert_type], details),))


def temperature_excursion(
    excursion: ExcursionRecord, config: RulesConfig, now: datetime
) -> Evaluation:
    """While a temperature excursion is open and at least the grace minutes old."""
    return _excursion(AlertType.TEMPERATURE_EXCURSION, TEMPERATURE_KINDS, excursion, config, now)


def humidity_excursion(
    excursion: ExcursionRecord, config: RulesConfig, now: datetime
) -> Evaluation:
    """While a humidity excursion is open and at least the grace minutes old."""
    return _excursion(AlertType.HUMIDITY_EXCURSION, HUMIDITY_KINDS, excursion, config, now)


def sensor_silent(sensor: SensorFacts, config: RulesConfig, now: datetime) -> Evaluation:
    """While the latest reading is more than the silence minutes older than `now`."""
    scope = Scope.of(sensor.sensor, AlertType.SENSOR_SILENT)
    if now - sensor.last_reading_at <= timedelta(minutes=config.sensor_silence_minutes):
        return Evaluation(scope)
    details = {
        "sensor": sensor.sensor,
        "location": sensor.location,
        "warehouse": warehouse_of(sensor.location),
        "last_reading_at": sensor.last_reading_at.isoformat(),
        "silence_minutes": config.sensor_silence_minutes,
    }
    condition = Condition(
        AlertKey(AlertType.SENSOR_SILENT, sensor.sensor), SEVERITY[AlertType.SENSOR_SILENT], details
    )
    return Evaluation(scope, (condition,))

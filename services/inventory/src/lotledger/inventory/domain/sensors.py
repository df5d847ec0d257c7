"""The sensor registry's rules, and which readings it admits.

A sensor (or data logger) is registered at one location with what it measures, the
longest gap expected between its readings and its calibration due date. Its location is
fixed: moving a device is retiring this registration and registering it anew under
another id, so every reading ever taken stays attributed to the place it measured.
Retiring is final and stamps `retired_at`.

A reading is admitted when its sensor is registered at the reading's location, measures
what the reading carries, was not retired before the reading was taken, and the reading
was taken between `horizon` ago and `skew` from now. Each refusal is a named
`DomainError` whose `field` points into the request (`readings.{i}.…`), so one bad
reading is answered on its own and never fails the rest of its batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lotledger.shared.contracts.catalog import Measure, Sensor, SensorStatus
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.errors import DomainError, NotFound
from lotledger.shared.identifiers import warehouse_of

DEFAULT_INTERVAL_MINUTES = 30


class UnknownSensor(NotFound):
    """No sensor is registered under this id."""


class SensorLocationFixed(DomainError):
    """A registered sensor cannot move: retire it and register the device anew."""


class SensorRetired(DomainError):
    """The sensor was retired: it cannot be reactivated and its later readings are refused."""


class SensorElsewhere(DomainError):
    """The reading names another location than the sensor's."""


class MeasureNotRegistered(DomainError):
    """The reading carries a measure the sensor is not registered for."""


class ReadingInFuture(DomainError):
    """The reading is stamped later than the server's clock allows."""


class ReadingTooOld(DomainError):
    """The reading is older than the late-reading horizon."""


@dataclass(frozen=True)
class SensorSpec:
    """What an administrator says about a sensor (the body of `PUT /v1/sensors/{id}`)."""

    sensor_id: str
    location: str
    measures: tuple[Measure, ...]
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES
    calibration_due: date | None = None
    status: SensorStatus = SensorStatus.ACTIVE


def registered(before: Sensor | None, spec: SensorSpec, now: datetime) -> Sensor:
    """The record after `spec` is applied to `before` (None: a new sensor) at `now`."""
    if before is not None and before.location != spec.location:
        raise SensorLocationFixed(
            f"sensor {spec.sensor_id} is registered at {before.location}; retire it and "
            "register the device under a new id to move it",
            field="location",
            sensor=spec.sensor_id,
            registered_at_location=before.location,
        )
    retired_before = before is not None and before.status is SensorStatus.RETIRED
    if retired_before and spec.status is SensorStatus.ACTIVE:
        raise SensorRetired(
            f"sensor {spec.sensor_id} was retired and cannot be reactivated",
            field="status",
            sensor=spec.sensor_id,
        )
    retired_at = None
    if spec.status is SensorStatus.RETIRED:
        retired_at = before.retired_at if before and before.retired_at else now
    return Sensor(
        sensor_id=spec.sensor_id,
        location=spec.location,
        warehouse=warehouse_of(spec.location),
        measures=sorted(set(spec.measures)),
        interval_minutes=spec.interval_minutes,
        calibration_due=spec.calibration_due,
        status=spec.status,
        registered_at=before.registered_at if before else now,
        retired_at=retired_at,
    )


@dataclass(frozen=True)
class Window:
    """How far from now a reading's time may lie: `horizon` back, `skew` ahead."""

    now: datetime
    horizon: timedelta
    skew: timedelta


def refusal(
    index: int, reading: Reading, sensors: Mapping[str, Sensor], window: Window
) -> DomainError | None:
    """Why reading `index` of a batch is refused, or None when it is admitted."""
    field = f"readings.{index}"
    name = reading.sensor
    if reading.at > window.now + window.skew:
        return ReadingInFuture(
            f"reading of {name} at {reading.at.isoformat()} is later than the server's clock",
            field=f"{field}.at",
            sensor=name,
        )
    if reading.at < window.now - window.horizon:
        hours = window.horizon.total_seconds() / 3600
        return ReadingTooOld(
            f"reading of {name} at {reading.at.isoformat()} is older than the late-reading "
            f"horizon of {hours:g} h",
            field=f"{field}.at",
            sensor=name,
            horizon_hours=hours,
        )
    sensor = sensors.get(name)
    if sensor is None:
        return UnknownSensor(
            f"sensor {name} is not registered", field=f"{field}.sensor", sensor=name
        )
    if sensor.retired_at is not None and reading.at >= sensor.retired_at:
        return SensorRetired(
            f"sensor {name} was retired at {sensor.retired_at.isoformat()}",
            field=f"{field}.sensor",
            sensor=name,
        )
    if sensor.location != reading.location:
        return SensorElsewhere(
            f"sensor {name} is registered at {sensor.location}, not {reading.location}",
            field=f"{field}.location",
            sensor=name,
            registered_at_location=sensor.location,
        )
    carried = {
        Measure.TEMPERATURE: reading.temperature_c is not None,
        Measure.HUMIDITY: reading.humidity_pct is not None,
    }
    extra = sorted(
        m.value for m, present in carried.items() if present and m not in sensor.measures
    )
    if extra:
        return MeasureNotRegistered(
            f"sensor {name} is not registered to measure {', '.join(extra)}",
            field=f"{field}.{'temperature_c' if 'temperature' in extra else 'humidity_pct'}",
            sensor=name,
            measures=extra,
        )
    return None

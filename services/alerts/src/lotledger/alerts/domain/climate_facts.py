"""The climate facts the rules read: sensors (registry and latest reading), whether a
location holding stock is watched, and excursions as traceability published them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lotledger.shared.contracts.excursions import (
    ExcursionEnded,
    ExcursionKind,
    ExcursionStarted,
    ExposedLot,
)


@dataclass(frozen=True)
class SensorFacts:
    """A sensor as the registry describes it (`registered`) and as its readings show it.
    `last_reading_at` is the latest reading time seen (the maximum `at`), not the time
    the latest message arrived: a late, older reading does not wake a silent sensor;
    None while it has never reported. Only registered, active sensors are judged."""

    sensor: str
    location: str
    last_reading_at: datetime | None = None
    registered: bool = False
    active: bool = True
    interval_minutes: int | None = None
    measures: tuple[str, ...] = ()
    calibration_due: date | None = None
    registered_at: datetime | None = None

    @property
    def judged(self) -> bool:
        return self.registered and self.active

    @property
    def silent_since(self) -> datetime | None:
        """Since when nothing was heard: its latest reading, else its registration."""
        return self.last_reading_at or self.registered_at


@dataclass(frozen=True)
class LocationWatch:
    """Whether a location holding stock is watched: its kind (None while the catalog has
    not said), the stock on hand there and how many active registered sensors there
    measure temperature."""

    location: str
    kind: str | None
    on_hand: int
    temperature_sensors: int


@dataclass(frozen=True)
class ExcursionRecord:
    """An excursion as traceability published it; open while `ended_at` is None and it
    was not withdrawn (late readings showed it to be part of another one)."""

    excursion_id: str
    location: str
    kind: ExcursionKind
    limit: float
    started_at: datetime
    peak: float
    exposed_lots: tuple[ExposedLot, ...] = ()
    ended_at: datetime | None = None
    sensors: tuple[str, ...] = ()
    detected_late: bool = False
    withdrawn: bool = False

    @property
    def is_open(self) -> bool:
        return self.ended_at is None and not self.withdrawn

    @classmethod
    def from_started(cls, event: ExcursionStarted) -> ExcursionRecord:
        return cls(
            event.excursion_id,
            event.location,
            event.kind,
            event.limit,
            event.started_at,
            event.peak,
            tuple(event.exposed_lots),
            sensors=tuple(event.sensors),
            detected_late=event.detected_late,
        )

    @classmethod
    def from_ended(cls, event: ExcursionEnded) -> ExcursionRecord:
        return cls(
            event.excursion_id,
            event.location,
            event.kind,
            event.limit,
            event.started_at,
            event.peak,
            tuple(event.exposed_lots),
            event.ended_at,
            sensors=tuple(event.sensors),
            detected_late=event.detected_late,
        )

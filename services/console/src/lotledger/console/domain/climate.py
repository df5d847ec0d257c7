"""Excursions, a lot's exposure, a location's readings, and the chart built from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_PAD = timedelta(minutes=15)


@dataclass(frozen=True)
class Excursion:
    excursion_id: str
    location: str
    sensor: str
    kind: str
    limit: float
    started_at: datetime
    ended_at: datetime | None
    open: bool
    peak: float
    readings: int
    duration_minutes: float | None

    @property
    def unit(self) -> str:
        return "%RH" if self.kind.startswith("humidity") else "°C"


@dataclass(frozen=True)
class ExposedLot:
    gtin: str
    lot: str
    exposure_minutes: float
    max_qty: int


@dataclass(frozen=True)
class Exposure:
    excursion: Excursion
    exposure_minutes: float
    max_qty: int


@dataclass(frozen=True)
class LotClimate:
    exposures: tuple[Exposure, ...]
    mkt_c: float | None
    stay_from: datetime | None
    stay_until: datetime | None


@dataclass(frozen=True)
class Reading:
    at: datetime
    temperature_c: float | None
    humidity_pct: float | None


@dataclass(frozen=True)
class Climate:
    location: str
    start: datetime
    end: datetime
    readings: tuple[Reading, ...]
    truncated: bool
    mkt_c: float | None
    temp_min_c: float
    temp_max_c: float
    humidity_min_pct: float | None = None
    humidity_max_pct: float | None = None


@dataclass(frozen=True)
class Chart:
    """The data the page's chart script draws (JSON in the page), and its no-JS twin."""

    times: list[float]
    """Seconds since the epoch."""
    temperature: list[float | None]
    humidity: list[float | None]
    band: tuple[float, float]
    humidity_band: tuple[float, float] | None
    shade: tuple[float, float]
    """The excursion's [start, end) in epoch seconds (an open one runs to `now`)."""
    kind: str

    def as_json(self) -> dict[str, object]:
        return {
            "times": self.times,
            "temperature": self.temperature,
            "humidity": self.humidity if any(h is not None for h in self.humidity) else None,
            "band": list(self.band),
            "humidityBand": list(self.humidity_band) if self.humidity_band else None,
            "shade": list(self.shade),
            "kind": self.kind,
        }


def excursion_window(x: Excursion, now: datetime) -> tuple[datetime, datetime]:
    """The window the chart shows: the excursion with as much again on each side (at least
    15 minutes), so the reader sees the range before and after."""
    end = x.ended_at or now
    pad = max(end - x.started_at, MIN_PAD)
    return x.started_at - pad, end + pad


def chart(x: Excursion, climate: Climate, now: datetime) -> Chart:
    end = x.ended_at or now
    humidity_band = None
    if climate.humidity_min_pct is not None and climate.humidity_max_pct is not None:
        humidity_band = (climate.humidity_min_pct, climate.humidity_max_pct)
    return Chart(
        times=[r.at.timestamp() for r in climate.readings],
        temperature=[r.temperature_c for r in climate.readings],
        humidity=[r.humidity_pct for r in climate.readings],
        band=(climate.temp_min_c, climate.temp_max_c),
        humidity_band=humidity_band,
        shade=(x.started_at.timestamp(), end.timestamp()),
        kind=x.kind,
    )

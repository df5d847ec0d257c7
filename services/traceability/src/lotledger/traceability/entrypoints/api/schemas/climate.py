"""Excursions, exposure and climate."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from lotledger.shared.contracts.excursions import ExcursionKind


class ExcursionView(BaseModel):
    excursion_id: str
    location: str
    sensor: str
    kind: ExcursionKind
    limit: float
    started_at: datetime
    ended_at: datetime | None
    open: bool
    peak: float
    readings: int
    duration_minutes: float | None
    sensors: list[str] = Field(
        default=[], description="every sensor that read out of range during it"
    )
    detected_late: bool = Field(
        default=False,
        description="its first out-of-range reading reached lotledger long after it started "
        "(a logger's buffer uploaded late)",
    )


class ExposedLotView(BaseModel):
    gtin: str
    lot: str
    exposure_minutes: float = Field(description="overlap of the lot's stay with the excursion")
    max_qty: int = Field(description="the most the lot held there during the overlap")


class ExcursionDetail(ExcursionView):
    exposed_lots: list[ExposedLotView] = Field(
        description="lots with stock at the location during any part of the excursion "
        "(an open excursion runs to now)"
    )


class LotExposureView(BaseModel):
    excursion: ExcursionView
    exposure_minutes: float = Field(description="overlap of the lot's stay with the excursion")
    max_qty: int = Field(description="the most the lot held there during the overlap")


class LotClimate(BaseModel):
    gtin: str
    lot: str
    exposures: list[LotExposureView]
    mkt_c: float | None = Field(description="mean kinetic temperature over the lot's stay")
    stay_from: datetime | None
    stay_until: datetime | None


class ReadingView(BaseModel):
    at: datetime
    sensor: str
    temperature_c: float | None
    humidity_pct: float | None


class RangeView(BaseModel):
    since: datetime | None = Field(description="None: in force since before any record")
    temp_min_c: float
    temp_max_c: float
    humidity_min_pct: float | None
    humidity_max_pct: float | None


class Climate(BaseModel):
    location: str
    start: datetime
    end: datetime
    readings_count: int
    readings: list[ReadingView] = Field(description="the first `limit` readings in the window")
    truncated: bool
    temperature_min_c: float | None
    temperature_max_c: float | None
    humidity_min_pct: float | None
    humidity_max_pct: float | None
    mkt_c: float | None = Field(description="time-weighted mean kinetic temperature")
    temp_min_c: float = Field(description="the location's current range")
    temp_max_c: float
    ranges: list[RangeView] = Field(
        default=[],
        description="the ranges in force during the window, the humidity default applied "
        "where the location sets none",
    )


class StockLine(BaseModel):
    gtin: str
    lot: str
    location: str
    warehouse: str
    qty: int

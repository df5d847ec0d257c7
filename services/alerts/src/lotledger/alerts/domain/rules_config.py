"""The rule settings managed by `GET/PUT /v1/rules` (DESIGN §6, §8, §9).

A `RulesConfig` is valid by construction: `RulesConfig(...)` and `dataclasses.replace`
raise a named `InvalidRulesConfig` subclass naming the field at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lotledger.shared.errors import DomainError

DEFAULT_NEAR_EXPIRY_DAYS = (180, 90, 30)
MAX_TIERS = 6
MAX_TIER_DAYS = 3650
MAX_SILENCE_MINUTES = 7 * 24 * 60
MAX_GRACE_MINUTES = 24 * 60
SWEEP_SECONDS = (5, 3600)
MAX_OUT_OF_RANGE_SILENCE_MINUTES = 60


class InvalidRulesConfig(DomainError):
    """A rule setting is out of its allowed range."""


class InvalidNearExpiryTiers(InvalidRulesConfig):
    """Tiers are 1–6 distinct whole days in 1–3650, most distant first."""


class InvalidSensorSilence(InvalidRulesConfig):
    """Sensor silence is 1 minute to 7 days."""


class InvalidOutOfRangeSilence(InvalidRulesConfig):
    """Silence while out of range is 1 to 60 minutes."""


class InvalidExcursionGrace(InvalidRulesConfig):
    """Excursion grace is 0 minutes to 1 day."""


class InvalidSweepInterval(InvalidRulesConfig):
    """The clock sweep runs every 5 seconds to 1 hour."""


def check_tiers(days: Sequence[int], field: str = "near_expiry_days") -> tuple[int, ...]:
    """`days` as a tuple, or a named refusal."""
    if not 1 <= len(days) <= MAX_TIERS:
        raise InvalidNearExpiryTiers(f"give 1 to {MAX_TIERS} near-expiry tiers", field=field)
    if any(isinstance(d, bool) or not isinstance(d, int) for d in days):
        raise InvalidNearExpiryTiers("near-expiry tiers are whole days", field=field)
    if any(not 1 <= d <= MAX_TIER_DAYS for d in days):
        raise InvalidNearExpiryTiers(
            f"near-expiry tiers are between 1 and {MAX_TIER_DAYS} days", field=field
        )
    if list(days) != sorted(set(days), reverse=True):
        raise InvalidNearExpiryTiers(
            "near-expiry tiers are distinct and sorted most distant first, e.g. [180, 90, 30]",
            field=field,
        )
    return tuple(days)


def _check_range(
    value: int, low: int, high: int, error: type[InvalidRulesConfig], field: str
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(f"{field} must be a whole number from {low} to {high}", field=field)


@dataclass(frozen=True)
class RulesConfig:
    """`near_expiry_days`: default tiers for products without their own.
    `sensor_silence_minutes`: the longest a sensor may go without a reading in storage
    (GSP: 30); a sensor registered with a shorter interval is silent past that.
    `excursion_grace_minutes`: an open excursion raises its alert once it is this old.
    `sweep_interval_seconds`: how often the clock sweep re-evaluates time-driven rules.
    `out_of_range_silence_minutes`: the longest a sensor may go without a reading while
    its location is out of range (GSP: 2)."""

    near_expiry_days: tuple[int, ...] = DEFAULT_NEAR_EXPIRY_DAYS
    sensor_silence_minutes: int = 30
    excursion_grace_minutes: int = 0
    sweep_interval_seconds: int = 60
    out_of_range_silence_minutes: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "near_expiry_days", check_tiers(self.near_expiry_days))
        _check_range(
            self.sensor_silence_minutes,
            1,
            MAX_SILENCE_MINUTES,
            InvalidSensorSilence,
            "sensor_silence_minutes",
        )
        _check_range(
            self.excursion_grace_minutes,
            0,
            MAX_GRACE_MINUTES,
            InvalidExcursionGrace,
            "excursion_grace_minutes",
        )
        _check_range(
            self.out_of_range_silence_minutes,
            1,
            MAX_OUT_OF_RANGE_SILENCE_MINUTES,
            InvalidOutOfRangeSilence,
            "out_of_range_silence_minutes",
        )
        _check_range(
            self.sweep_interval_seconds,
            *SWEEP_SECONDS,
            InvalidSweepInterval,
            "sweep_interval_seconds",
        )

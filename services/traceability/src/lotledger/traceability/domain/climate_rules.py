"""How climate is judged beyond each location's ranges: the grace period that ignores
blips, how late an excursion's evidence may arrive before it counts as detected late,
and the humidity range for locations that set none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from lotledger.traceability.domain.limits import HumidityDefault


@dataclass(frozen=True)
class ClimateRules:
    grace_minutes: float = 0.0
    late_after: timedelta = timedelta(minutes=15)
    humidity: HumidityDefault = field(default_factory=HumidityDefault)

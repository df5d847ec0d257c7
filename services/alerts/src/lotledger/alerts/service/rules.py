"""Changing the rule settings: validated by the domain (`RulesConfig` refuses by name),
stored and audited in one transaction. The projector reads the settings per batch and
the sweep per round, so a change applies from the next of each; nothing is re-evaluated
on the spot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lotledger.alerts.adapters.rules_store import StoredRules
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.shared.auth import Principal


async def replace_rules(
    stores: Stores,
    near_expiry_days: Sequence[int],
    sensor_silence_minutes: int,
    excursion_grace_minutes: int,
    sweep_interval_seconds: int,
    out_of_range_silence_minutes: int,
    who: Principal,
    now: datetime,
) -> StoredRules:
    config = RulesConfig(
        tuple(near_expiry_days),
        sensor_silence_minutes,
        excursion_grace_minutes,
        sweep_interval_seconds,
        out_of_range_silence_minutes,
    )
    return await stores.rules.put(config, who.sub, who.device, now)

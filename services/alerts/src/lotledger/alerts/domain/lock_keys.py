"""Which lock guards which alerts (docs/adr/0017).

An evaluation reads and settles whole groups (`domain.subjects`); the lock of a group is
its key here. Every group of a product (its per-warehouse levels and forecasts, its lots'
expiry, its batches' recalls) shares the product's key, because one evaluation reads the
product and all its lots together. Every other group is its own key: a sensor's or a
location's silence, an excursion, a fefo deviation (the picked event), a webhook
subscription, a sync conflict. Two transactions settling one alert key therefore always
hold one common lock, which is what keeps "one open alert per key" and "decide from the
latest facts of the group" true.
"""

from __future__ import annotations

from collections.abc import Iterable

from lotledger.alerts.domain.conditions import AlertKey, Scope
from lotledger.alerts.domain.subjects import PER_WAREHOUSE
from lotledger.shared.contracts.alerts import AlertType

PRODUCT_TYPES: frozenset[AlertType] = PER_WAREHOUSE | {AlertType.RECALL}
"""Types whose group is the product (`{gtin}`) or one of its batches (`{gtin}/{lot}`)."""


def product(gtin: str) -> str:
    return f"product:{gtin}"


def silence(sensor_or_location: str) -> str:
    return group(AlertType.SENSOR_SILENT, sensor_or_location)


def excursion(excursion_id: str) -> set[str]:
    return {
        group(AlertType.TEMPERATURE_EXCURSION, excursion_id),
        group(AlertType.HUMIDITY_EXCURSION, excursion_id),
    }


def group(alert_type: AlertType, name: str) -> str:
    """The lock key of the (type, group) pair."""
    if alert_type in PRODUCT_TYPES:
        return product(name.partition("/")[0])
    return f"{alert_type.value}:{name}"


def of_key(key: AlertKey) -> str:
    return group(key.alert_type, key.group)


def of_scope(scope: Scope) -> set[str]:
    """The keys an evaluation of `scope` needs. A whole-type scope (a unit-test convenience
    of the domain) would need every key of its type and is refused."""
    if scope.whole:
        raise ValueError("a whole-type scope cannot be locked; name its groups")
    return {group(t, g) for t, g in scope.groups}


def of_groups(pairs: Iterable[tuple[AlertType, str]]) -> set[str]:
    return {group(t, g) for t, g in pairs}

"""Subject keys: the stable string naming what an alert is about, and the group that an
evaluation's scope is expressed in (see `conditions.Scope`).

| alert types                          | subject                      | group               |
|--------------------------------------|------------------------------|---------------------|
| near_expiry, expired_on_hand         | `{gtin}/{lot}@{warehouse}`   | batch `{gtin}/{lot}`|
| low_stock, stock_out, overstock      | `{gtin}@{warehouse}`         | `{gtin}`            |
| expiry_risk, reorder_suggested       | `{gtin}@{warehouse}`         | `{gtin}`            |
| recall                               | batch `{gtin}/{lot}`         | the subject         |
| temperature_, humidity_excursion     | excursion id                 | the subject         |
| sensor_silent (tiers "", calibration)| sensor id                    | the subject         |
| sensor_silent (tier no_sensor)       | location id                  | the subject         |
| fefo_deviation                       | id of the picked event       | the subject         |
| webhook_failing                      | subscription id              | the subject         |
| sync_conflict                        | sync conflict id             | the subject         |
| suspect_product                      | suspect return id            | the subject         |

Neither GTINs, GS1 lots (AI 82 character set) nor warehouse ids can contain `@`, so the
group of a per-warehouse subject is everything before its last `@`. Sensor ids cannot
contain `/` and location ids always do, so a sensor_silent subject names one or the other.
"""

from __future__ import annotations

from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.identifiers import batch_id

PER_WAREHOUSE: frozenset[AlertType] = frozenset(
    {
        AlertType.NEAR_EXPIRY,
        AlertType.EXPIRED_ON_HAND,
        AlertType.LOW_STOCK,
        AlertType.STOCK_OUT,
        AlertType.OVERSTOCK,
        AlertType.EXPIRY_RISK,
        AlertType.REORDER_SUGGESTED,
    }
)


def lot_subject(gtin: str, lot: str, warehouse: str) -> str:
    return f"{batch_id(gtin, lot)}@{warehouse}"


def stock_subject(gtin: str, warehouse: str) -> str:
    return f"{gtin}@{warehouse}"


def group_of(alert_type: AlertType, subject: str) -> str:
    if alert_type in PER_WAREHOUSE:
        head, separator, _ = subject.rpartition("@")
        return head if separator else subject
    return subject


def warehouse_in(alert_type: AlertType, subject: str) -> str | None:
    """The warehouse a per-warehouse subject names, else None."""
    if alert_type not in PER_WAREHOUSE or "@" not in subject:
        return None
    return subject.rpartition("@")[2]

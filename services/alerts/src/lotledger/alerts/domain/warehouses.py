"""The warehouses an alert concerns (DESIGN §10: "an alert: the warehouses of its
subject"), derived here and nowhere else, from the key and the details the rules wrote.

| types | warehouses |
|---|---|
| near_expiry, expired_on_hand, low_stock, stock_out, overstock | the one its subject names |
| expiry_risk, reorder_suggested | the one its subject names |
| temperature_/humidity_excursion, sensor_silent, fefo_deviation | the one of its location |
| suspect_product | the one of its location (where the packs were returned) |
| recall | every warehouse the batch was ever in (the keys of `details.by_warehouse`) |
| sync_conflict | the warehouses the refused operation named (`details.warehouses`) |
| webhook_failing | none: it is system-wide |

The lifecycle stores the answer with the alert whenever the rules raise or update it, so
the alerts table, the API and `lotledger.alerts.v1` all carry the same list. Who may see
and act on an alert follows from it (`visibility`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from lotledger.alerts.domain.conditions import AlertKey
from lotledger.alerts.domain.subjects import warehouse_in
from lotledger.shared.contracts.alerts import AlertType as T
from lotledger.shared.identifiers import warehouse_of


def concerned(key: AlertKey, details: Mapping[str, Any]) -> tuple[str, ...]:
    """Sorted, without duplicates; empty for a system-wide alert."""
    match key.alert_type:
        case (
            T.NEAR_EXPIRY
            | T.EXPIRED_ON_HAND
            | T.LOW_STOCK
            | T.STOCK_OUT
            | T.OVERSTOCK
            | T.EXPIRY_RISK
            | T.REORDER_SUGGESTED
        ):
            warehouse = warehouse_in(key.alert_type, key.subject)
            return (warehouse,) if warehouse else ()
        case (
            T.TEMPERATURE_EXCURSION
            | T.HUMIDITY_EXCURSION
            | T.SENSOR_SILENT
            | T.FEFO_DEVIATION
            | T.SUSPECT_PRODUCT
        ):
            location = details.get("location")
            return (warehouse_of(location),) if isinstance(location, str) else ()
        case T.RECALL:
            by_warehouse = details.get("by_warehouse")
            return tuple(sorted(by_warehouse)) if isinstance(by_warehouse, Mapping) else ()
        case T.SYNC_CONFLICT:
            named = details.get("warehouses")
            return tuple(sorted(set(named))) if isinstance(named, list) else ()
        case T.WEBHOOK_FAILING:
            return ()
        case _:
            assert_never(key.alert_type)

"""What changed in each event type since its schema was first published (the frozen
baseline under shared/contracts/baseline/v1), as numbered revisions.

Within a type version only additive changes are made (docs/adr/0002): new optional
members and, declared here, new values of an enumeration (a consumer must not fail on a
value it does not know). Each generated schema states its revision
(`x-lotledger-revision`), and tests/unit/shared/test_contract_compatibility.py checks that
the difference between the baseline and today's model is exactly what is declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

REVISION_KEY = "x-lotledger-revision"


@dataclass(frozen=True)
class Revision:
    number: int
    summary: str
    members: frozenset[str] = frozenset()
    """Optional members added."""
    values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Values added to an enumeration, by the enumeration's name."""


HOLDINGS = "holdings, device time, serials, returns against shipments (issue 14)"
FORECAST = "cost, lead time and service level for forecasts (issue 16)"
SERIALS = "serialised packs (issue 18, docs/adr/0016-serials.md)"
CLIMATE = "GSP climate record: ranges in force over time, sensors, late readings (issue 19)"

REVISIONS: dict[str, tuple[Revision, ...]] = {
    "lotledger.stock.received.v1": (
        Revision(2, HOLDINGS, frozenset({"holding_status", "serial"})),
        Revision(3, FORECAST, frozenset({"unit_cost", "currency"})),
        Revision(4, SERIALS, frozenset({"serials", "aggregation"})),
    ),
    "lotledger.stock.picked.v1": (
        Revision(2, HOLDINGS, frozenset({"holding_status", "serial"})),
        Revision(3, SERIALS, frozenset({"serials", "aggregation"})),
    ),
    "lotledger.stock.moved.v1": (
        Revision(2, HOLDINGS, frozenset({"holding_status", "serial"})),
        Revision(3, SERIALS, frozenset({"serials"})),
    ),
    "lotledger.stock.adjusted.v1": (
        Revision(2, HOLDINGS, frozenset({"holding_status", "sync_conflict"})),
    ),
    "lotledger.stock.counted.v1": (
        Revision(2, HOLDINGS, frozenset({"holding_status", "moved_since"})),
    ),
    "lotledger.stock.returned.v1": (
        Revision(
            2,
            HOLDINGS,
            frozenset({"holding_status", "serial", "override_reason", "override_by"}),
        ),
        Revision(3, SERIALS, frozenset({"serials"})),
    ),
    "lotledger.stock.disposed.v1": (
        Revision(2, HOLDINGS, frozenset({"holding_status"})),
        Revision(3, SERIALS, frozenset({"serials"})),
    ),
    "lotledger.catalog.product_registered.v1": (
        Revision(
            2,
            "per-warehouse thresholds, minimum shelf life, incoming inspection (issue 14)",
            frozenset({"min_remaining_days", "inspect_receipts", "warehouses"}),
        ),
        Revision(
            3,
            FORECAST + "; `warehouses` overrides take lead_time_days and service_level",
            frozenset(
                {
                    "unit_cost",
                    "currency",
                    "lead_time_days",
                    "service_level",
                    "expiry_risk_qty",
                    "expiry_risk_value",
                }
            ),
        ),
        Revision(4, SERIALS, frozenset({"serialised"})),
    ),
    "lotledger.catalog.product_updated.v1": (
        Revision(
            2,
            "per-warehouse thresholds, minimum shelf life, incoming inspection (issue 14)",
            frozenset({"min_remaining_days", "inspect_receipts", "warehouses"}),
        ),
        Revision(
            3,
            FORECAST + "; `warehouses` overrides take lead_time_days and service_level",
            frozenset(
                {
                    "unit_cost",
                    "currency",
                    "lead_time_days",
                    "service_level",
                    "expiry_risk_qty",
                    "expiry_risk_value",
                }
            ),
        ),
        Revision(4, SERIALS, frozenset({"serialised"})),
    ),
    **{
        f"lotledger.catalog.location_{name}.v1": (Revision(2, CLIMATE, frozenset({"ranges"})),)
        for name in ("registered", "updated")
    },
    "lotledger.excursion.started.v1": (
        Revision(2, CLIMATE, frozenset({"sensors", "detected_late", "reopened_after"})),
    ),
    "lotledger.excursion.ended.v1": (
        Revision(2, CLIMATE, frozenset({"sensors", "detected_late"})),
    ),
    **{
        f"lotledger.alert.{name}.v1": (
            Revision(
                2,
                "the warehouses an alert concerns (alerts scoped by warehouse)",
                frozenset({"warehouses"}),
            ),
            Revision(
                3,
                "sync_conflict alerts (issue 14)",
                values={"AlertType": frozenset({"sync_conflict"})},
            ),
            Revision(
                4,
                "forecast alerts (issue 16)",
                values={"AlertType": frozenset({"expiry_risk", "reorder_suggested"})},
            ),
            Revision(
                5,
                "suspect_product alerts for refused returns (issue 18, docs/adr/0016)",
                values={"AlertType": frozenset({"suspect_product"})},
            ),
        )
        for name in ("raised", "updated", "acknowledged", "resolved")
    },
}


def revision_of(event_type: str) -> int:
    return max((r.number for r in REVISIONS.get(event_type, ())), default=1)

"""Severity per alert type.

| type                  | severity                                             |
|-----------------------|------------------------------------------------------|
| near_expiry           | info for tiers beyond 90 days, warning at 90 or less |
| expired_on_hand       | critical                                             |
| low_stock             | warning                                              |
| stock_out             | critical                                             |
| overstock             | info                                                 |
| temperature_excursion | critical                                             |
| humidity_excursion    | warning                                              |
| sensor_silent         | warning; critical for a stocked location no sensor watches |
| recall                | critical for class I and II, warning for class III   |
| fefo_deviation        | warning                                              |
| webhook_failing       | warning                                              |
| sync_conflict         | warning                                              |
| expiry_risk           | warning                                              |
| reorder_suggested     | info                                                 |
| suspect_product       | critical                                             |
"""

from __future__ import annotations

from collections.abc import Mapping

from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.stock import RecallClass

NEAR_EXPIRY_WARNING_DAYS = 90

SEVERITY: Mapping[AlertType, Severity] = {
    AlertType.NEAR_EXPIRY: Severity.WARNING,
    AlertType.EXPIRED_ON_HAND: Severity.CRITICAL,
    AlertType.LOW_STOCK: Severity.WARNING,
    AlertType.STOCK_OUT: Severity.CRITICAL,
    AlertType.OVERSTOCK: Severity.INFO,
    AlertType.TEMPERATURE_EXCURSION: Severity.CRITICAL,
    AlertType.HUMIDITY_EXCURSION: Severity.WARNING,
    AlertType.SENSOR_SILENT: Severity.WARNING,
    AlertType.RECALL: Severity.CRITICAL,
    AlertType.FEFO_DEVIATION: Severity.WARNING,
    AlertType.WEBHOOK_FAILING: Severity.WARNING,
    AlertType.SYNC_CONFLICT: Severity.WARNING,
    AlertType.EXPIRY_RISK: Severity.WARNING,
    AlertType.REORDER_SUGGESTED: Severity.INFO,
    AlertType.SUSPECT_PRODUCT: Severity.CRITICAL,
}


def near_expiry_severity(tier_days: int) -> Severity:
    return Severity.INFO if tier_days > NEAR_EXPIRY_WARNING_DAYS else Severity.WARNING


def recall_severity(recall_class: RecallClass) -> Severity:
    return Severity.WARNING if recall_class is RecallClass.III else Severity.CRITICAL

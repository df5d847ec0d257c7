"""Lots: list entries, the summary with its reconciliation, balances."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from lotledger.shared.contracts.stock import BatchStatus


class LotEntry(BaseModel):
    gtin: str
    lot: str
    expiry: date | None
    status: BatchStatus | None
    on_hand: int
    version: int
    first_at: datetime
    last_at: datetime
    warehouses: list[str] = Field(description="every warehouse the lot has been in")


class BalanceView(BaseModel):
    location: str
    warehouse: str
    qty: int
    since: datetime = Field(description="when the quantity there last changed")


class ReconciliationView(BaseModel):
    """received + returned + adjustments + count_variances = shipped + disposed + on_hand"""

    received: int
    shipped: int
    disposed: int
    returned: int
    adjustments: int
    count_variances: int
    accounted_on_hand: int = Field(description="what the flows say should be on hand")
    on_hand: int = Field(description="what the balances hold")
    difference: int = Field(description="accounted_on_hand − on_hand")
    balances: bool


class LotSummary(BaseModel):
    gtin: str
    lot: str
    expiry: date | None
    manufactured: date | None
    status: BatchStatus | None
    version: int
    head_hash: str | None
    first_at: datetime
    last_at: datetime
    warehouses: list[str]
    on_hand: int
    balances: list[BalanceView] = Field(description="on hand by location (token's warehouses)")
    reconciliation: ReconciliationView


class ConsigneeLot(BaseModel):
    gtin: str
    lot: str
    expiry: date | None
    status: BatchStatus | None
    shipped: int
    returned: int
    shipments: int
    first_at: datetime
    last_at: datetime

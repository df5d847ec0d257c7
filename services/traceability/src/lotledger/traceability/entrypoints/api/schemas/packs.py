"""A serialised pack's trace (docs/adr/0016-serials.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class PackStepView(BaseModel):
    kind: str = Field(description="received, picked, returned or disposed")
    lot: str
    version: int
    at: datetime
    location: str | None
    party: str | None = Field(description="picked: the consignee; returned: who returned it")
    reason: str | None
    event_id: str


class PackTrace(BaseModel):
    gtin: str
    serial: str
    lot: str
    state: str = Field(description="in_stock, shipped, returned or decommissioned")
    location: str | None
    party: str | None = Field(description="shipped: to whom; returned: by whom")
    reason: str | None = Field(description="decommissioned: why")
    history: list[PackStepView]


class PackCountsView(BaseModel):
    """Packs of a serialised lot, counted from its events."""

    received: int
    shipped: int
    returned: int
    decommissioned: int
    on_hand: int

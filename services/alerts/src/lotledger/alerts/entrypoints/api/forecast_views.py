"""Response models of the forecast and report endpoints. Money is a decimal string with
two places, per currency; quantities are base units; velocities are units per day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, Field

from lotledger.alerts.domain.expiry_loss import ExpiryLoss
from lotledger.alerts.domain.forecast import WarehouseForecast
from lotledger.alerts.domain.forecast_risk import ExpiryRisk
from lotledger.alerts.domain.forecast_velocity import Velocity


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class LotRiskView(BaseModel):
    lot: str
    expiry: date
    qty: int = Field(description="sellable units on hand")
    qty_at_risk: int
    value_at_risk: str | None
    currency: str | None
    reached_on: date | None = Field(description="when consumption is forecast to reach it")
    stops_sellable_on: date = Field(description="the day after expiry − min_remaining_days")


class HeldLotView(BaseModel):
    lot: str
    expiry: date
    qty: int
    value: str | None
    currency: str | None


class ExpiryRiskView(BaseModel):
    gtin: str
    warehouse: str
    per_day: float
    window_days: int
    qty_at_risk: int
    value_at_risk: dict[str, str]
    days_of_cover: float | None
    stock_out_on: date | None
    lots: list[LotRiskView]
    held: list[HeldLotView] = Field(description="on hold: reported apart, not consumed")


class ExpiryRiskReport(BaseModel):
    as_of: datetime = Field(
        description="the instant the oldest item was forecast at (now when computed live)"
    )
    items: list[ExpiryRiskView] = Field(description="most units at risk first")


class ReplenishmentView(BaseModel):
    gtin: str
    warehouse: str
    per_day: float
    sigma: float
    window_days: int
    lead_time_days: int
    service_level: float
    z: float
    safety_stock: float
    reorder_point: int = Field(description="v·L + z·σ·√L, rounded up")
    position: int = Field(description="sellable units forecast to be sold")
    target: int
    cap: int | None = Field(description="what the new lot can sell before it stops being sellable")
    suggested_qty: int
    reorder: bool
    days_of_cover: float | None
    stock_out_on: date | None


class ReplenishmentReport(BaseModel):
    as_of: datetime
    items: list[ReplenishmentView] = Field(description="reorders first, least cover first")


class RiskForecast(Protocol):
    """A computed (`WarehouseForecast`) or kept forecast."""

    @property
    def gtin(self) -> str: ...
    @property
    def warehouse(self) -> str: ...
    @property
    def velocity(self) -> Velocity: ...
    @property
    def risk(self) -> ExpiryRisk: ...


def expiry_risk_view(f: RiskForecast) -> ExpiryRiskView:
    risk = f.risk
    return ExpiryRiskView(
        gtin=f.gtin,
        warehouse=f.warehouse,
        per_day=float(f.velocity.per_day),
        window_days=f.velocity.days,
        qty_at_risk=risk.qty_at_risk,
        value_at_risk={c: f"{v:.2f}" for c, v in sorted(risk.value_at_risk.items())},
        days_of_cover=None if risk.days_of_cover is None else float(risk.days_of_cover),
        stock_out_on=risk.stock_out_on,
        lots=[
            LotRiskView(
                lot=lot.lot,
                expiry=lot.expiry,
                qty=lot.qty,
                qty_at_risk=lot.qty_at_risk,
                value_at_risk=money(lot.value_at_risk),
                currency=lot.currency,
                reached_on=lot.reached_on,
                stops_sellable_on=lot.stops_sellable_on,
            )
            for lot in risk.lots
        ],
        held=[
            HeldLotView(
                lot=h.lot, expiry=h.expiry, qty=h.qty, value=money(h.value), currency=h.currency
            )
            for h in risk.held
        ],
    )


def replenishment_view(f: WarehouseForecast) -> ReplenishmentView:
    plan, policy, risk = f.plan, f.policy, f.risk
    return ReplenishmentView(
        gtin=f.gtin,
        warehouse=f.warehouse,
        per_day=float(f.velocity.per_day),
        sigma=f.velocity.sigma,
        window_days=f.velocity.days,
        lead_time_days=policy.lead_time_days,
        service_level=policy.service_level,
        z=plan.z,
        safety_stock=plan.safety_stock,
        reorder_point=plan.reorder_point,
        position=plan.position,
        target=plan.target,
        cap=plan.cap,
        suggested_qty=plan.suggested_qty,
        reorder=plan.reorder,
        days_of_cover=None if risk.days_of_cover is None else float(risk.days_of_cover),
        stock_out_on=risk.stock_out_on,
    )


class LossLineView(BaseModel):
    month: str
    warehouse: str
    gtin: str
    lot: str
    qty: int
    unit_cost: str | None
    currency: str | None
    value: str | None


class ExpiryLossReport(BaseModel):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    lines: list[LossLineView]
    totals: dict[str, dict[str, str]] = Field(description="month → currency → value")


def expiry_loss_view(loss: ExpiryLoss, start: date, end: date) -> ExpiryLossReport:
    return ExpiryLossReport(
        start=start,
        end=end,
        lines=[
            LossLineView(
                month=line.month,
                warehouse=line.warehouse,
                gtin=line.gtin,
                lot=line.lot,
                qty=line.qty,
                unit_cost=None if line.cost is None else str(line.cost.amount),
                currency=None if line.cost is None else line.cost.currency,
                value=money(line.value),
            )
            for line in loss.lines
        ],
        totals={
            month: {c: f"{v:.2f}" for c, v in sorted(by.items())}
            for month, by in sorted(loss.totals.items())
        },
    )

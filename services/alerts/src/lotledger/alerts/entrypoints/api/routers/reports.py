"""Reports: the expiry loss (disposals for expiry at cost, by month) over the warehouses
the caller's token covers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from lotledger.alerts.entrypoints.api.dependencies import RuntimeDep
from lotledger.alerts.entrypoints.api.forecast_views import ExpiryLossReport, expiry_loss_view
from lotledger.alerts.entrypoints.api.scope import visible_warehouses
from lotledger.alerts.service import forecasting
from lotledger.shared.calendar import CalendarDate
from lotledger.shared.identifiers import WarehouseId
from lotledger.shared.web.security import Caller
from lotledger.shared.web.windows import WINDOW_RULE

router = APIRouter(prefix="/v1/reports", tags=["reports"])
MAX_SPAN_DAYS = 3660


def _invalid(field: str, rule: str, message: str, value: object) -> RequestValidationError:
    """The same 422 as any invalid query parameter (`lotledger.shared.web.windows`)."""
    return RequestValidationError(
        [{"type": rule, "loc": ("query", field), "msg": message, "input": str(value)}]
    )


@router.get(
    "/expiry-loss",
    response_model=ExpiryLossReport,
    response_model_by_alias=True,
    summary="Disposals for expiry at cost, by month",
)
async def expiry_loss(
    rt: RuntimeDep,
    who: Caller,
    warehouse: WarehouseId | None = None,
    start: Annotated[
        CalendarDate | None, Query(alias="from", description="first day (default: a year ago)")
    ] = None,
    end: Annotated[
        CalendarDate | None, Query(alias="to", description="last day (default: today)")
    ] = None,
) -> ExpiryLossReport:
    today = rt.clock.now().date()
    end = end or today
    if start is None:
        a_year_before = end - timedelta(days=365) if end > date.min + timedelta(days=365) else end
        start = a_year_before.replace(day=1)
    if start > end:
        raise _invalid("to", WINDOW_RULE, "`to` must not be before `from`", end)
    if (end - start).days > MAX_SPAN_DAYS:
        raise _invalid("to", "window_span", f"at most {MAX_SPAN_DAYS} days at once", end)
    async with rt.uow() as uow:
        wanted = await visible_warehouses(uow.stores, who, warehouse)
        loss = await forecasting.expiry_loss_in(uow.stores, wanted, start, end)
    return expiry_loss_view(loss, start, end)

"""The rule settings (admin for every warehouse): read, replace (audited), history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from lotledger.alerts.entrypoints.api.dependencies import RuntimeDep, SystemAdmin
from lotledger.alerts.entrypoints.api.views import RulesChangeView, RulesView, rules_view
from lotledger.alerts.service.rules import replace_rules
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/rules", tags=["rules"])


class RulesBody(BaseModel):
    """Every setting, validated against the domain's ranges (422 names the field)."""

    model_config = ConfigDict(extra="forbid")

    near_expiry_days: Annotated[list[Annotated[int, Field(strict=True)]], Field(max_length=6)]
    sensor_silence_minutes: Annotated[int, Field(strict=True)]
    excursion_grace_minutes: Annotated[int, Field(strict=True)]
    sweep_interval_seconds: Annotated[int, Field(strict=True)]
    out_of_range_silence_minutes: Annotated[int, Field(strict=True)] = Field(
        default=2, description="the longest silence while the location is out of range"
    )


@router.get("", response_model=RulesView, summary="The rule settings in force")
async def get_rules(rt: RuntimeDep, who: Caller) -> RulesView:
    async with rt.uow() as uow:
        return rules_view(await uow.stores.rules.get())


@router.put("", response_model=RulesView, summary="Replace the rule settings (audited)")
async def put_rules(body: RulesBody, rt: RuntimeDep, who: SystemAdmin) -> RulesView:
    async with rt.uow() as uow:
        stored = await replace_rules(
            uow.stores,
            body.near_expiry_days,
            body.sensor_silence_minutes,
            body.excursion_grace_minutes,
            body.sweep_interval_seconds,
            body.out_of_range_silence_minutes,
            who,
            rt.clock.now(),
        )
        await uow.commit()
    return rules_view(stored)


@router.get(
    "/history", response_model=list[RulesChangeView], summary="Who changed what, newest first"
)
async def rules_history(
    rt: RuntimeDep, who: SystemAdmin, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[RulesChangeView]:
    async with rt.uow() as uow:
        return [RulesChangeView.of(c) for c in await uow.stores.rules.history(limit)]

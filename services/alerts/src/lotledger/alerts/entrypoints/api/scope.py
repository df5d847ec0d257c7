"""The warehouses a warehouse-scoped read covers: the one asked for (refused when the
token does not cover it), else every warehouse the token covers (every known one for
`*`)."""

from __future__ import annotations

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.shared.auth import Forbidden, Principal


async def visible_warehouses(stores: Stores, who: Principal, asked: str | None) -> list[str]:
    if asked is not None:
        if not who.may_access(asked):
            raise Forbidden(f"token is not scoped to warehouse {asked}")
        return [asked]
    if who.all_warehouses:
        return await stores.forecast.warehouses()
    return sorted(who.warehouses)

"""`GET /v1/fefo`: what a FEFO pick would take, decided by the pick's own domain function
(`picking.plan`) on the stored batches, without changing anything."""

from __future__ import annotations

from datetime import datetime

from lotledger.inventory.adapters.queries import InventoryQueries
from lotledger.inventory.domain.commands import PickStock
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.picking import PickPlan, plan
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.auth import Principal
from lotledger.shared.identifiers import warehouse_of


async def preview(
    queries: InventoryQueries,
    policy: StockPolicy,
    now: datetime,
    who: Principal,
    command: PickStock,
) -> PickPlan:
    """The plan of `command` over the stock in the token's warehouses."""
    states = await queries.states_of_gtin(command.gtin)
    wanted = {loc for s in states for loc in s.on_hand}
    if command.location is not None:
        wanted.add(command.location)
    product = await queries.product(command.gtin)
    facts = Facts(
        now=now,
        actor=who.sub,
        products={command.gtin: product} if product else {},
        locations=await queries.locations(sorted(wanted)),
        policy=policy,
    )
    return plan(command, Workspace(states), facts, lambda loc: who.may_access(warehouse_of(loc)))

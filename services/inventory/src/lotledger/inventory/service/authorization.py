"""Who may run which command where (DESIGN §10): the role a command needs and the
warehouses it touches. Status changes are batch-wide, so they touch every warehouse
that currently holds the batch."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.auth import Forbidden, Principal, Role
from lotledger.shared.identifiers import warehouse_of

STOCK_ROLES = frozenset({Role.SCANNER})
QA_ROLES = frozenset({Role.QA})
STOCKTAKE_ROLES = frozenset({Role.SCANNER, Role.ERP})


def roles_for(command: c.Command) -> frozenset[Role]:
    """Counts that belong to a stocktake may also come from the ERP."""
    if isinstance(command, c.StatusCommand):
        return QA_ROLES
    if isinstance(command, c.CountStock) and command.stocktake_id:
        return STOCKTAKE_ROLES
    return STOCK_ROLES


def warehouses_touched(command: c.Command, state: BatchState | None) -> set[str]:
    match command:
        case c.MoveStock():
            return {warehouse_of(command.from_location), warehouse_of(command.to_location)}
        case c.PickStock():
            if command.location is not None:
                return {warehouse_of(command.location)}
            return {command.warehouse} if command.warehouse else set()
        case c.ReleaseBatch() | c.QuarantineBatch() | c.RejectBatch() | c.RecallBatch():
            return state.warehouses() if state is not None else set()
        case _:
            return {warehouse_of(command.location)}


def authorize(principal: Principal, command: c.Command, state: BatchState | None) -> None:
    roles = roles_for(command)
    if not principal.has_any(roles):
        names = ", ".join(sorted(r.value for r in roles))
        raise Forbidden(f"{type(command).__name__} needs one of the roles: {names}")
    for warehouse in sorted(warehouses_touched(command, state)):
        principal.require_warehouse(warehouse)

"""Who may run which command where, and which batches a token may see (DESIGN §10).

Stock commands touch the warehouses of the locations they name; the token must cover
every one. QA decides about holdings (release, reject) and overrides a return beyond what
was shipped; a hold may also be placed by a scanner. A batch is in a token's scope when
it was ever in one of the token's warehouses (`BatchState.warehouses`): batch reads and
the batch-wide QA status changes follow that one rule, whatever is on hand now."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.auth import Forbidden, Principal, Role
from lotledger.shared.identifiers import warehouse_of

STOCK_ROLES = frozenset({Role.SCANNER})
QA_ROLES = frozenset({Role.QA})
STOCKTAKE_ROLES = frozenset({Role.SCANNER, Role.ERP})
HOLD_ROLES = frozenset({Role.SCANNER, Role.QA})


def roles_for(command: c.Command) -> frozenset[Role]:
    """Counts that belong to a stocktake may also come from the ERP."""
    match command:
        case c.ReleaseBatch() | c.QuarantineBatch() | c.RejectBatch() | c.RecallBatch():
            return QA_ROLES
        case c.ReleaseHolding() | c.RejectHolding():
            return QA_ROLES
        case c.ReturnStock() if command.override_reason is not None:
            return QA_ROLES
        case c.AdjustStock() if command.sync_conflict is not None:
            return QA_ROLES
        case c.HoldStock():
            return HOLD_ROLES
        case c.CountStock() if command.stocktake_id:
            return STOCKTAKE_ROLES
    return STOCK_ROLES


def warehouses_touched(command: c.StockCommand | c.HoldingCommand) -> set[str]:
    match command:
        case c.MoveStock():
            return {warehouse_of(command.from_location), warehouse_of(command.to_location)}
        case c.PickStock():
            if command.location is not None:
                return {warehouse_of(command.location)}
            return {command.warehouse} if command.warehouse else set()
        case _:
            return {warehouse_of(command.location)}


def require_batch_scope(principal: Principal, state: BatchState) -> None:
    """Refuses a batch that was never in the token's warehouses. A batch never received
    is nobody's: the caller answers that it is unknown."""
    if not state.exists or principal.all_warehouses:
        return
    if principal.warehouses.isdisjoint(state.warehouses):
        raise Forbidden(f"batch {state.batch_id} has never been in the token's warehouses")


def authorize(principal: Principal, command: c.Command, state: BatchState | None) -> None:
    """`state` is the batch a status change concerns (ignored for stock commands)."""
    roles = roles_for(command)
    if not principal.has_any(roles):
        names = ", ".join(sorted(r.value for r in roles))
        raise Forbidden(f"{type(command).__name__} needs one of the roles: {names}")
    if isinstance(command, c.StatusCommand):
        if state is not None:
            require_batch_scope(principal, state)
        return
    for warehouse in sorted(warehouses_touched(command)):
        principal.require_warehouse(warehouse)

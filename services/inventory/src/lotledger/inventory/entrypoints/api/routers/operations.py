"""`POST /v1/operations`: up to 1,000 operations from a scanner syncing after being offline.

Each operation is validated on its own (a bad one gets its own 422 and does not stop the
others), carries a `client_op_id` that makes it idempotent across requests (and becomes
the events' `causationid`), and gets its own result, in order. Accepted operations commit
together in one transaction. An operation the stock refuses (already allocated, recalled
meanwhile, ...) is kept as a sync conflict in the same transaction, raises a
`sync_conflict` alert, and its refusal, naming the conflict, is what a retry of its
`client_op_id` answers (docs/adr/0011-holdings.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model
from starlette.responses import Response

from lotledger.inventory.domain.commands import Command
from lotledger.inventory.entrypoints.api import qa_schemas, schemas
from lotledger.inventory.entrypoints.api.commanding import submit, whole_response
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.entrypoints.api.problem_map import PROBLEMS
from lotledger.inventory.entrypoints.api.routers.stock import pick_warehouse
from lotledger.inventory.entrypoints.api.views import CommandResponse
from lotledger.inventory.service import stock
from lotledger.inventory.service.sync_conflicts import origin
from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.errors import DomainError
from lotledger.shared.idempotency import fingerprint
from lotledger.shared.web.idempotency import IdempotencyKey, request_fingerprint
from lotledger.shared.web.problems import Problem, invalid_input, problem_for, validation_errors
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["operations"])
MAX_OPERATIONS = 1000
ClientOpId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
]
BODIES: dict[str, type[BaseModel]] = {
    "receipt": schemas.Receipt,
    "pick": schemas.Pick,
    "move": schemas.Move,
    "adjustment": schemas.Adjustment,
    "count": schemas.Count,
    "return": schemas.Return,
    "disposal": schemas.Disposal,
    "release": qa_schemas.Release,
    "quarantine": qa_schemas.Quarantine,
    "reject": qa_schemas.Reject,
    "recall": qa_schemas.RecallOf,
    "hold": qa_schemas.Hold,
    "release_holding": qa_schemas.ReleaseHolding,
    "reject_holding": qa_schemas.RejectHolding,
}


def _operation_model(name: str, body: type[BaseModel]) -> TypeAdapter[Any]:
    fields: dict[str, Any] = {"op": (Literal[name], ...), "client_op_id": (ClientOpId, ...)}
    return TypeAdapter(create_model(f"{name.capitalize()}Operation", __base__=body, **fields))


OPERATIONS = {name: _operation_model(name, body) for name, body in BODIES.items()}


class OperationsRequest(BaseModel):
    operations: Annotated[
        list[dict[str, Any]],
        Field(
            min_length=1,
            max_length=MAX_OPERATIONS,
            description=f"each: {{op: {' | '.join(BODIES)}, client_op_id, ...its body}}",
        ),
    ]


class OperationResult(BaseModel):
    client_op_id: str | None
    status: int
    result: CommandResponse | None = None
    problem: dict[str, Any] | None = None


class OperationsResponse(BaseModel):
    results: list[OperationResult]
    accepted: int
    refused: int


def _repeated_ids(operations: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A client_op_id names one operation; a repeat in one request can never succeed."""
    first: dict[str, int] = {}
    errors = []
    for i, raw in enumerate(operations):
        cid = raw.get("client_op_id")
        if isinstance(cid, str) and first.setdefault(cid, i) != i:
            errors.append(
                {
                    "field": f"operations.{i}.client_op_id",
                    "rule": "unique",
                    "message": f"client_op_id {cid} is also operations.{first[cid]}'s",
                }
            )
    return errors


def _parse(raw: dict[str, Any], principal: Principal) -> tuple[str | None, Command | Problem]:
    claimed = raw.get("client_op_id")
    client_op_id = claimed if isinstance(claimed, str) else None
    kind = raw.get("op")
    if not isinstance(kind, str) or kind not in OPERATIONS:
        return client_op_id, invalid_input(
            [
                {
                    "field": "op",
                    "rule": "literal_error",
                    "message": f"op must be one of: {', '.join(BODIES)}",
                }
            ]
        )
    try:
        model = OPERATIONS[kind].validate_python(raw)
        op_id: str = model.client_op_id
        if isinstance(model, schemas.Pick):
            return op_id, model.command(pick_warehouse(model, principal))
        command: Command = model.command()
        return op_id, command
    except ValidationError as exc:
        return client_op_id, invalid_input(validation_errors(list(exc.errors())))
    except Problem as problem:
        return client_op_id, problem
    except DomainError as refusal:
        return client_op_id, problem_for(refusal, PROBLEMS)


def _result(client_op_id: str | None, outcome: stock.Result | Problem) -> dict[str, Any]:
    """One operation's entry of `OperationsResponse`, as plain data (hot path)."""
    if isinstance(outcome, stock.Accepted):
        return {
            "client_op_id": client_op_id,
            "status": 201,
            "result": outcome.plain(),
            "problem": None,
        }
    if isinstance(outcome, stock.Replayed):
        stored = orjson.loads(outcome.response.body)
        refused = outcome.response.status >= 400
        return {
            "client_op_id": client_op_id,
            "status": outcome.response.status,
            "result": None if refused else stored,
            "problem": stored if refused else None,
        }
    if isinstance(outcome, Forbidden):
        outcome = Problem(403, "forbidden", "Forbidden", str(outcome))
    elif isinstance(outcome, DomainError):
        outcome = problem_for(outcome, PROBLEMS)
    return {
        "client_op_id": client_op_id,
        "status": outcome.status,
        "result": None,
        "problem": outcome.body(),
    }


def _summary(results: list[dict[str, Any]]) -> bytes:
    accepted = sum(1 for r in results if r["status"] < 300)
    return orjson.dumps(
        {"results": results, "accepted": accepted, "refused": len(results) - accepted}
    )


@router.post(
    "/operations",
    response_model=OperationsResponse,
    summary="Up to 1,000 operations, each with a client_op_id; results in order",
)
async def operations(
    body: OperationsRequest,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    if repeated := _repeated_ids(body.operations):
        raise invalid_input(repeated)
    parsed = [_parse(raw, who) for raw in body.operations]
    runnable: list[tuple[int, stock.Operation]] = []
    for i, (cid, cmd) in enumerate(parsed):
        if not isinstance(cmd, Problem):
            assert cid is not None
            raw = body.operations[i]
            op_fingerprint = fingerprint("OP", "/v1/operations", orjson.dumps(raw))
            runnable.append(
                (
                    i,
                    stock.Operation(
                        cmd,
                        key=f"op:{cid}",
                        causation=cid,
                        fingerprint=op_fingerprint,
                        origin=origin(cid, str(raw["op"]), raw, cmd),
                    ),
                )
            )

    def assemble(results: list[stock.Result]) -> bytes:
        outcomes: dict[int, stock.Result | Problem] = {
            i: cmd for i, (_, cmd) in enumerate(parsed) if isinstance(cmd, Problem)
        }
        outcomes.update({i: r for (i, _), r in zip(runnable, results, strict=True)})
        return _summary([_result(parsed[i][0], outcomes[i]) for i in range(len(parsed))])

    def render_whole(results: list[stock.Result]) -> tuple[int, bytes]:
        return 200, assemble(results)

    fp = await request_fingerprint(request) if key else None
    outcome = await submit(
        rt,
        stock.Request(
            [op for _, op in runnable],
            metadata(who, rt, key),
            who,
            stock.WholeRequest(render_whole, key, fp),
            problem_of=lambda refusal: problem_for(refusal, PROBLEMS).body(),
            sync_topic=rt.sync_topic,
        ),
    )
    return whole_response(outcome)

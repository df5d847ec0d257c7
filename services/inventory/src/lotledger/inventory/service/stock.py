"""Executing stock and QA commands: one transaction per request, per-operation results.

A request carries one or more operations. All batches they touch are locked in batch-id
order, the operations are decided one after another, and every accepted event is
appended (with its outbox row and the stored responses for idempotency keys) in a single
commit. A refused operation appends nothing and does not affect the others. Conflicts
with concurrent transactions are retried a bounded number of times.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace

from lotledger.inventory.adapters.envelopes import Metadata, envelope
from lotledger.inventory.adapters.idempotency import StoredResponse
from lotledger.inventory.adapters.unit_of_work import RETRYABLE, UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.decisions import Facts
from lotledger.inventory.domain.errors import ConcurrentModification
from lotledger.inventory.domain.workspace import Workspace
from lotledger.inventory.service.authorization import authorize
from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.errors import Conflict, DomainError
from lotledger.shared.hashing import GENESIS
from lotledger.shared.identifiers import batch_id, split_batch_id

MAX_ATTEMPTS = 8
UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


@dataclass(frozen=True)
class Operation:
    command: c.Command
    key: str | None = None
    fingerprint: str | None = None
    causation: str | None = None


@dataclass(frozen=True)
class Accepted:
    events: list[CloudEvent]
    batches: list[BatchState]


@dataclass(frozen=True)
class Replayed:
    response: StoredResponse


Result = Accepted | Replayed | DomainError | Forbidden
Renderer = Callable[[Result], tuple[int, bytes] | None]
"""Status and body to store under an operation's key (None: store nothing)."""


@dataclass(frozen=True)
class WholeRequest:
    """An idempotency key for a whole multi-operation request: its rendered response is
    stored with the events, and a retry replays it without running anything."""

    key: str
    fingerprint: str
    render: Callable[[list[Result]], tuple[int, bytes]]


@dataclass(frozen=True)
class Request:
    operations: Sequence[Operation]
    meta: Metadata
    principal: Principal
    render: Renderer
    stock_topic: str
    whole: WholeRequest | None = None


async def execute(request: Request, uow: UnitOfWorkFactory) -> list[Result] | Replayed:
    for attempt in range(MAX_ATTEMPTS):
        try:
            return await _attempt(request, uow)
        except RETRYABLE:
            await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise ConcurrentModification("the batch kept changing under this request; retry it later")


async def _attempt(request: Request, uow_factory: UnitOfWorkFactory) -> list[Result] | Replayed:
    principal = request.principal.sub
    whole = request.whole
    async with uow_factory() as uow:
        keys = [op.key for op in request.operations if op.key]
        stored = await uow.idempotency.find(principal, [*keys, *([whole.key] if whole else [])])
        if whole and whole.key in stored:
            return _replay(stored[whole.key], whole.fingerprint)
        commands = [op.command for op in request.operations if op.key not in stored]
        workspace = await _load(uow, commands)
        facts = await _facts(uow, commands, workspace, request.meta)
        heads = {s.batch_id: s.head_hash for s in workspace.states()}
        results: list[Result] = []
        to_remember: list[tuple[str, StoredResponse]] = []
        for op in request.operations:
            result = _run(op, stored, workspace, facts, request, heads)
            results.append(result)
            rendered = request.render(result) if isinstance(result, Accepted) else None
            if op.key and op.fingerprint and rendered is not None:
                to_remember.append((op.key, StoredResponse(op.fingerprint, *rendered)))
        envelopes = [e for r in results if isinstance(r, Accepted) for e in r.events]
        if envelopes:
            touched = [replace(s, head_hash=heads[s.batch_id]) for s in workspace.touched()]
            await uow.store.append(
                envelopes, touched, workspace.loaded_versions, request.stock_topic, request.meta.now
            )
        if whole:
            to_remember.append(
                (whole.key, StoredResponse(whole.fingerprint, *whole.render(results)))
            )
        await uow.idempotency.remember(principal, to_remember)
        await uow.commit()
        return results


def _replay(stored: StoredResponse, fingerprint: str | None) -> Replayed:
    if stored.fingerprint != fingerprint:
        raise Conflict(
            "this idempotency key was used with a different request", field="Idempotency-Key"
        )
    return Replayed(stored)


async def _load(uow: UnitOfWork, commands: Sequence[c.Command]) -> Workspace:
    """Lock what the commands write; read (unlocked) what FEFO-deviation marks compare."""
    named, fefo, peek = set(), set(), set()
    for cmd in commands:
        if isinstance(cmd, c.PickStock) and cmd.lot is None:
            fefo.add(cmd.gtin)
            continue
        named.add(batch_id(cmd.gtin, cmd.lot))  # type: ignore[arg-type]
        if isinstance(cmd, c.PickStock):
            peek.add(cmd.gtin)
    locked = await uow.store.lock(sorted(named), sorted(fefo))
    peeked = await uow.store.peek(sorted(peek - fefo), [s.batch_id for s in locked])
    return Workspace([*locked, *peeked])


def _named_locations(cmd: c.Command) -> list[str]:
    match cmd:
        case c.MoveStock():
            return [cmd.from_location, cmd.to_location]
        case c.PickStock():
            return [cmd.location] if cmd.location else []
        case c.ReleaseBatch() | c.QuarantineBatch() | c.RejectBatch() | c.RecallBatch():
            return []
        case _:
            return [cmd.location]


async def _facts(
    uow: UnitOfWork, commands: Sequence[c.Command], workspace: Workspace, meta: Metadata
) -> Facts:
    location_ids = {loc for cmd in commands for loc in _named_locations(cmd)}
    location_ids |= {loc for state in workspace.states() for loc in state.on_hand}
    return Facts(
        now=meta.now,
        actor=meta.actor,
        products=await uow.catalog.products([cmd.gtin for cmd in commands]),
        locations=await uow.catalog.locations(sorted(location_ids)),
    )


def _run(
    op: Operation,
    stored: dict[str, StoredResponse],
    workspace: Workspace,
    facts: Facts,
    request: Request,
    heads: dict[str, str],
) -> Result:
    if op.key and op.key in stored:
        try:
            return _replay(stored[op.key], op.fingerprint)
        except Conflict as conflict:
            return conflict
    cmd = op.command
    lot = getattr(cmd, "lot", None)
    try:
        authorize(request.principal, cmd, workspace.get(cmd.gtin, lot) if lot else None)
        pending = workspace.execute(cmd, facts)
    except (DomainError, Forbidden) as refusal:
        return refusal
    meta = replace(request.meta, causation_id=op.causation) if op.causation else request.meta
    events = []
    for p in pending:
        signed = envelope(p, heads.get(p.batch_id, GENESIS), meta)
        heads[p.batch_id] = str(signed.hash)
        events.append(signed)
    touched = dict.fromkeys(p.batch_id for p in pending)
    return Accepted(events, [workspace.get(*split_batch_id(b)) for b in touched])

"""Executing stock and QA commands: one transaction per request, per-operation results.

A request carries one or more operations. All batches they touch are locked in batch-id
order, the operations are decided one after another, and every accepted event is
appended (with its outbox row and the stored responses for idempotency keys) in a single
commit. A refused operation appends nothing and does not affect the others; a refused
operation of an offline sync (one with an `origin`) is kept as a sync conflict, in the
same commit, and its refusal is what a retry of its key replays. Conflicts with
concurrent transactions are retried a bounded number of times.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

from lotledger.inventory.adapters.append_statement import Appended, ConflictRow
from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.envelopes import Metadata, SignedEvent, envelope
from lotledger.inventory.adapters.idempotency import StoredResponse
from lotledger.inventory.adapters.unit_of_work import RETRYABLE, UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.errors import ConcurrentModification, InsufficientStock
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.timeline import NeedHistory
from lotledger.inventory.domain.workspace import Workspace
from lotledger.inventory.service.authorization import authorize
from lotledger.inventory.service.loading import Reads, facts_for, levels, load
from lotledger.inventory.service.sync_records import Origin, conflict_row
from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.errors import Conflict, DomainError
from lotledger.shared.identifiers import split_batch_id
from lotledger.verify.chain import GENESIS

MAX_ATTEMPTS = 8
UnitOfWorkFactory = Callable[..., AbstractAsyncContextManager[UnitOfWork]]
"""Called with `locking=False` for the optimistic first attempt, with no argument for a
transaction."""
_NO_CACHE = CatalogCache(ttl_s=0)


@dataclass(frozen=True)
class Operation:
    command: c.Command
    key: str | None = None
    fingerprint: str | None = None
    causation: str | None = None
    origin: Origin | None = None
    """Set for an operation of an offline sync: a refusal is kept as a sync conflict."""


@dataclass(frozen=True)
class Accepted:
    events: list[SignedEvent]
    batches: list[BatchState]


@dataclass(frozen=True)
class Replayed:
    response: StoredResponse


Result = Accepted | Replayed | DomainError | Forbidden
Renderer = Callable[[Result], tuple[int, bytes] | None]
"""Status and body to store under an operation's key (None: store nothing)."""
ProblemOf = Callable[[DomainError], dict[str, Any]]
"""The RFC 9457 body of a refusal, as the edge would answer it."""
Also = Callable[[UnitOfWork, list["Result"]], Awaitable[None]]


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
    problem_of: ProblemOf | None = None
    """Needed when operations have an `origin`: how their refusals are kept."""
    sync_topic: str = ""
    also: Also | None = None
    """More to write in the request's transaction once its operations are decided (the
    request then runs in one locking transaction from its first attempt)."""


class NeedWiderProbe(Exception):
    """A FEFO pick fell short on a truncated candidate list; read them all and retry."""


async def execute(
    request: Request,
    uow: UnitOfWorkFactory,
    policy: StockPolicy,
    cache: CatalogCache | None = None,
) -> list[Result] | Replayed:
    """Run `request` under the deployment's `policy` (storage-class ranges, device time)."""
    reads, locking = Reads(), request.also is not None
    for attempt in range(MAX_ATTEMPTS):
        try:
            return await _attempt(request, uow(locking=locking), policy, cache or _NO_CACHE, reads)
        except NeedWiderProbe:
            reads.wide = True
        except NeedHistory as need:
            reads.histories.add(need.batch_id)
        except RETRYABLE:
            locking = True
            await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise ConcurrentModification("the batch kept changing under this request; retry it later")


async def _attempt(
    request: Request,
    unit: AbstractAsyncContextManager[UnitOfWork],
    policy: StockPolicy,
    cache: CatalogCache,
    reads: Reads,
) -> list[Result] | Replayed:
    """One try: optimistic (no locks, one all-or-nothing append) unless `unit` locks."""
    principal = request.principal.sub
    whole = request.whole
    async with unit as uow:
        keys = [op.key for op in request.operations if op.key]
        if whole:
            keys.append(whole.key)
        stored = await uow.idempotency.find(principal, keys) if keys else {}
        if whole and whole.key in stored:
            return _replay(stored[whole.key], whole.fingerprint)
        commands = [op.command for op in request.operations if op.key not in stored]
        workspace, truncated = await load(uow, commands, request.meta, reads, policy)
        facts = await facts_for(uow, cache, commands, workspace, request.meta, policy)
        heads = {s.batch_id: s.head_hash for s in workspace.states()}
        results: list[Result] = []
        to_remember: list[tuple[str, str, int, bytes]] = []
        conflicts: list[ConflictRow] = []
        for op in request.operations:
            result = _run(op, stored, workspace, facts, request, heads)
            if isinstance(result, InsufficientStock) and id(op.command) in truncated:
                raise NeedWiderProbe
            if isinstance(result, DomainError) and op.origin and op.key and op.fingerprint:
                assert request.problem_of is not None
                origin = op.origin
                if not origin.warehouses and op.command.lot:
                    scope = workspace.get(op.command.gtin, op.command.lot).warehouses
                    origin = replace(origin, warehouses=tuple(sorted(scope)))
                row, problem = conflict_row(origin, result, request.meta, request.problem_of)
                conflicts.append(row)
                to_remember.append((op.key, op.fingerprint, problem.status, problem.body))
                result = Replayed(problem)
            results.append(result)
            rendered = request.render(result) if isinstance(result, Accepted) else None
            if op.key and op.fingerprint and rendered is not None:
                to_remember.append((op.key, op.fingerprint, *rendered))
        if whole:
            to_remember.append((whole.key, whole.fingerprint, *whole.render(results)))
        envelopes = [e for r in results if isinstance(r, Accepted) for e in r.events]
        if envelopes or conflicts:
            touched = [replace(s, head_hash=heads[s.batch_id]) for s in workspace.touched()]
            await uow.store.append(
                Appended(
                    envelopes,
                    touched,
                    workspace.loaded_versions,
                    levels(touched, facts),
                    to_remember,
                    principal,
                    request.stock_topic,
                    request.meta.now,
                    conflicts,
                    request.sync_topic,
                )
            )
        elif to_remember:
            await uow.idempotency.remember(
                principal, [(k, StoredResponse(f, st, b)) for k, f, st, b in to_remember]
            )
        if request.also is not None:
            await request.also(uow, results)
        await uow.commit()
        return results


def _replay(stored: StoredResponse, fingerprint: str | None) -> Replayed:
    if stored.fingerprint != fingerprint:
        raise Conflict(
            "this idempotency key was used with a different request", field="Idempotency-Key"
        )
    return Replayed(stored)


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
    try:
        authorize(request.principal, cmd, workspace.get(cmd.gtin, cmd.lot) if cmd.lot else None)
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

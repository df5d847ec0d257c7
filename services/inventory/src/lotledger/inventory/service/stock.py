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
from datetime import date, timedelta

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.envelopes import Metadata, SignedEvent, envelope
from lotledger.inventory.adapters.event_store import Appended, Level
from lotledger.inventory.adapters.idempotency import StoredResponse
from lotledger.inventory.adapters.pick_probes import PickProbe
from lotledger.inventory.adapters.unit_of_work import RETRYABLE, UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import pickable
from lotledger.inventory.domain.errors import ConcurrentModification, InsufficientStock
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.workspace import Workspace
from lotledger.inventory.service.authorization import authorize
from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.errors import Conflict, DomainError
from lotledger.shared.identifiers import batch_id, split_batch_id, warehouse_of
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


class NeedWiderProbe(Exception):
    """A FEFO pick fell short on a truncated candidate list; read them all and retry."""


async def execute(
    request: Request,
    uow: UnitOfWorkFactory,
    policy: StockPolicy,
    cache: CatalogCache | None = None,
) -> list[Result] | Replayed:
    """Run `request` under the deployment's `policy` (storage-class ranges, device time)."""
    wide, locking = False, False
    for attempt in range(MAX_ATTEMPTS):
        try:
            return await _attempt(request, uow(locking=locking), policy, cache or _NO_CACHE, wide)
        except NeedWiderProbe:
            wide = True
        except RETRYABLE:
            locking = True
            await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise ConcurrentModification("the batch kept changing under this request; retry it later")


async def _attempt(
    request: Request,
    unit: AbstractAsyncContextManager[UnitOfWork],
    policy: StockPolicy,
    cache: CatalogCache,
    wide: bool,
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
        workspace, truncated = await _load(uow, commands, request.meta, wide)
        facts = await _facts(uow, cache, commands, workspace, request.meta, policy)
        heads = {s.batch_id: s.head_hash for s in workspace.states()}
        results: list[Result] = []
        to_remember: list[tuple[str, str, int, bytes]] = []
        for op in request.operations:
            result = _run(op, stored, workspace, facts, request, heads)
            if isinstance(result, InsufficientStock) and id(op.command) in truncated:
                raise NeedWiderProbe
            results.append(result)
            rendered = request.render(result) if isinstance(result, Accepted) else None
            if op.key and op.fingerprint and rendered is not None:
                to_remember.append((op.key, op.fingerprint, *rendered))
        if whole:
            to_remember.append((whole.key, whole.fingerprint, *whole.render(results)))
        envelopes = [e for r in results if isinstance(r, Accepted) for e in r.events]
        if envelopes:
            touched = [replace(s, head_hash=heads[s.batch_id]) for s in workspace.touched()]
            await uow.store.append(
                Appended(
                    envelopes,
                    touched,
                    workspace.loaded_versions,
                    _levels(touched, facts),
                    to_remember,
                    principal,
                    request.stock_topic,
                    request.meta.now,
                )
            )
        elif to_remember:
            await uow.idempotency.remember(
                principal, [(k, StoredResponse(f, st, b)) for k, f, st, b in to_remember]
            )
        await uow.commit()
        return results


def _replay(stored: StoredResponse, fingerprint: str | None) -> Replayed:
    if stored.fingerprint != fingerprint:
        raise Conflict(
            "this idempotency key was used with a different request", field="Idempotency-Key"
        )
    return Replayed(stored)


PROBE_LIMIT = 20
WIDE_LIMIT = 1_000_000


async def _load(
    uow: UnitOfWork, commands: Sequence[c.Command], meta: Metadata, wide: bool
) -> tuple[Workspace, set[int]]:
    """Lock what the commands write, FEFO candidates included; read (unlocked) the lots
    that could make an explicit pick a FEFO deviation. Returns the workspace and the
    commands (by identity) whose candidate list was truncated."""
    earliest = meta.now.date() - timedelta(days=1)
    probes: list[PickProbe] = []
    probed_commands: list[c.PickStock] = []
    named: set[str] = set()
    received: dict[str, date] = {}
    for cmd in commands:
        if isinstance(cmd, c.ReceiveStock):
            received.setdefault(batch_id(cmd.gtin, cmd.lot), cmd.expiry)
        warehouse = None
        if isinstance(cmd, c.PickStock):
            warehouse = warehouse_of(cmd.location) if cmd.location else cmd.warehouse
        if isinstance(cmd, c.PickStock) and warehouse is not None:
            lot_id = batch_id(cmd.gtin, cmd.lot) if cmd.lot else None
            limit = 3 if lot_id else (WIDE_LIMIT if wide else PROBE_LIMIT)
            probes.append(
                PickProbe(
                    cmd.gtin,
                    warehouse,
                    None if lot_id else cmd.location,
                    earliest + timedelta(days=cmd.min_remaining_days),
                    lot_id,
                    limit,
                    received.get(lot_id) if lot_id else None,
                )
            )
            probed_commands.append(cmd)
        lot = getattr(cmd, "lot", None)
        if lot is not None:
            named.add(batch_id(cmd.gtin, lot))
    if uow.locking:
        probed = await uow.store.probe(probes)
        for ids in probed.fefo_candidates.values():
            named.update(ids)
        locked = await uow.store.lock(sorted(named))
    else:
        locked, probed = await uow.store.read(sorted(named), probes)
        read_ids = {s.batch_id for s in locked}
        locked += [state for batch, state in probed.candidates.items() if batch not in read_ids]
    taken = {s.batch_id for s in locked}
    earlier = {s.batch_id: s for s in probed.earlier if s.batch_id not in taken}
    truncated = {id(probed_commands[i]) for i in probed.truncated}
    return Workspace([*locked, *earlier.values()]), truncated


def _levels(states: Sequence[BatchState], facts: Facts) -> list[Level]:
    return [
        Level(
            s.batch_id,
            s.gtin,
            s.lot,
            location,
            qty,
            s.expiry,
            str(s.status),
            location not in facts.locations or pickable(facts.locations[location]),
        )
        for s in states
        if s.expiry is not None
        for location, qty in s.on_hand.items()
    ]


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
    uow: UnitOfWork,
    cache: CatalogCache,
    commands: Sequence[c.Command],
    workspace: Workspace,
    meta: Metadata,
    policy: StockPolicy,
) -> Facts:
    location_ids = {loc for cmd in commands for loc in _named_locations(cmd)}
    location_ids |= {loc for state in workspace.states() for loc in state.on_hand}
    return Facts(
        now=meta.now,
        actor=meta.actor,
        products=await cache.products(uow.catalog, sorted({cmd.gtin for cmd in commands})),
        locations=await cache.locations(uow.catalog, sorted(location_ids)),
        policy=policy,
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

"""One try at a stock request: read, decide every operation, append once, commit.

Optimistic (no locks; the append is one all-or-nothing statement checked against the
versions read) unless the unit of work locks. Raises `NeedWiderProbe` or `NeedHistory`
when it read too little, and a `RETRYABLE` failure when a concurrent transaction got in
its way: the retry policy (`stock.submit`) decides what the next try does.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import replace

import orjson

from lotledger.inventory.adapters.append_statement import Appended, CatalogChanged, ConflictRow
from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.envelopes import envelope
from lotledger.inventory.domain.errors import InsufficientStock
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.workspace import Workspace
from lotledger.inventory.service.authorization import authorize
from lotledger.inventory.service.loading import Reads, facts_for, load
from lotledger.inventory.service.outcomes import (
    Accepted,
    Operation,
    Outcome,
    Replayed,
    Request,
    Result,
)
from lotledger.inventory.service.stock_lines import changed_lines
from lotledger.inventory.service.sync_records import conflict_row
from lotledger.inventory.service.units import StockUnit
from lotledger.shared.auth import Forbidden
from lotledger.shared.errors import Conflict, DomainError
from lotledger.shared.idempotency import StoredResponse, replay
from lotledger.shared.identifiers import split_batch_id
from lotledger.verify.chain import GENESIS


class NeedWiderProbe(Exception):
    """A FEFO pick fell short on a truncated candidate list; read them all and retry."""


async def attempt(
    request: Request,
    unit: AbstractAsyncContextManager[StockUnit],
    policy: StockPolicy,
    cache: CatalogCache,
    reads: Reads,
) -> Outcome:
    principal = request.principal.sub
    whole = request.whole
    whole_key = whole.key if whole and whole.fingerprint else None
    async with unit as uow:
        keys: dict[str, list[str]] = {}
        for op in request.operations:
            if op.key:
                keys.setdefault(_principal(op, request), []).append(op.key)
        if whole_key:
            keys.setdefault(principal, []).append(whole_key)
        stored = {
            (who, key): answer
            for who, named in keys.items()
            for key, answer in (await uow.idempotency.find(who, named)).items()
        }
        if whole_key and (principal, whole_key) in stored:
            answered = replay(stored[principal, whole_key], whole.fingerprint if whole else None)
            return Outcome(response=answered, replayed=True)
        commands = [
            op.command
            for op in request.operations
            if (_principal(op, request), op.key) not in stored
        ]
        workspace, truncated = await load(uow, commands, request.meta, reads, policy)
        facts, read = await facts_for(uow, cache, commands, workspace, request.meta, policy)
        heads = {s.batch_id: s.head_hash for s in workspace.states()}
        results: list[Result] = []
        to_remember: list[tuple[str, str, StoredResponse]] = []
        conflicts: list[ConflictRow] = []
        for op in request.operations:
            who = _principal(op, request)
            result = _run(op, stored.get((who, op.key or "")), workspace, facts, request, heads)
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
                to_remember.append((who, op.key, replace(problem, fingerprint=op.fingerprint)))
                result = Replayed(problem)
            elif isinstance(result, Accepted) and op.key and op.fingerprint:
                answer = orjson.dumps(result.plain())
                to_remember.append((who, op.key, StoredResponse(op.fingerprint, 201, answer)))
            results.append(result)
        await _answered_meanwhile(uow, request, stored, results)
        response = None
        if whole and whole_key:
            response = StoredResponse(whole.fingerprint or "", *whole.render(results))
            to_remember.append((principal, whole_key, response))
        envelopes = [e for r in results if isinstance(r, Accepted) for e in r.events]
        if envelopes or conflicts:
            touched = [replace(s, head_hash=heads[s.batch_id]) for s in workspace.touched()]
            lines, gone = changed_lines(workspace.loaded, touched, facts)
            try:
                await uow.store.append(
                    Appended(
                        envelopes,
                        touched,
                        workspace.loaded_versions,
                        lines,
                        to_remember,
                        principal,
                        request.meta.now,
                        conflicts,
                        request.sync_topic,
                        gone,
                        read,
                    )
                )
            except CatalogChanged:
                cache.invalidate()
                raise
        elif to_remember:
            for who in dict.fromkeys(w for w, _, _ in to_remember):
                mine = [(k, r) for w, k, r in to_remember if w == who]
                await uow.idempotency.remember(who, mine)
        if request.also is not None:
            await request.also(uow, results)
        await uow.commit()
    if whole and response is None:
        response = StoredResponse("", *whole.render(results))
    return Outcome(results, response)


async def _answered_meanwhile(
    uow: StockUnit,
    request: Request,
    stored: dict[tuple[str, str], StoredResponse],
    results: list[Result],
) -> None:
    """A refusal under a key is not that key's answer if a concurrent duplicate stored
    one after the keys were looked up (it may have taken what this try found missing):
    its answer replaces the refusal. Looked up after the batches were read (and locked),
    so every duplicate that committed before the read is seen."""
    late: dict[str, list[int]] = {}
    for i, (op, result) in enumerate(zip(request.operations, results, strict=True)):
        who = _principal(op, request)
        if op.key and (who, op.key) not in stored and isinstance(result, DomainError | Forbidden):
            late.setdefault(who, []).append(i)
    for who, indexes in late.items():
        keys = [request.operations[i].key or "" for i in indexes]
        found = await uow.idempotency.find(who, keys)
        for i, key in zip(indexes, keys, strict=True):
            if key in found:
                try:
                    results[i] = Replayed(replay(found[key], request.operations[i].fingerprint))
                except Conflict as conflict:
                    results[i] = conflict


def _principal(op: Operation, request: Request) -> str:
    return (op.principal or request.principal).sub


def _run(
    op: Operation,
    stored: StoredResponse | None,
    workspace: Workspace,
    facts: Facts,
    request: Request,
    heads: dict[str, str],
) -> Result:
    if op.key and stored is not None:
        try:
            return Replayed(replay(stored, op.fingerprint))
        except Conflict as conflict:
            return conflict
    cmd = op.command
    meta = op.meta or request.meta
    if op.meta is not None:
        facts = replace(facts, now=meta.now, actor=meta.actor)
    try:
        batch = workspace.get(cmd.gtin, cmd.lot) if cmd.lot else None
        authorize(op.principal or request.principal, cmd, batch)
        pending = workspace.execute(cmd, facts)
    except (DomainError, Forbidden) as refusal:
        return refusal
    meta = replace(meta, causation_id=op.causation) if op.causation else meta
    events = []
    for p in pending:
        signed = envelope(p, heads.get(p.batch_id, GENESIS), meta)
        heads[p.batch_id] = str(signed.hash)
        events.append(signed)
    touched = dict.fromkeys(p.batch_id for p in pending)
    return Accepted(events, [workspace.get(*split_batch_id(b)) for b in touched])

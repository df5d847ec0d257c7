"""Group commit: concurrent single-operation requests decided and appended together.

A request that finds fewer than `lanes` groups in flight starts a group at the end of the
event loop's current turn, with every request that arrived in the same turn: an idle
service adds no wait. When every lane is busy, arrivals wait for a group to finish and
then go together, or for `window_s` at most (a slow group never holds the others for
longer), or until `max_size` of them are waiting. So the busier the service, the larger
the groups, with no fixed delay paid at low load.

A group is run as one request of many operations and one append: each operation is
decided on its own, as its own principal with its own metadata, and keeps its own result
(a refusal appends nothing and touches no neighbour). Operations on the same batch are
decided in arrival order, as if sent one after another. Nobody is answered before the
group's commit. A group of one takes the usual optimistic path.

A group is first tried optimistically, as a single request is: one read, then one
append that commits on its own and fails as a whole if a batch it read changed
meanwhile. That is two round trips instead of the six of a locking transaction (begin,
probe, lock, append, commit), and on a busy event loop each round trip costs
milliseconds. If another writer got in the way, the group is tried once more in one
locking transaction. If that fails too, or the group fails for any other reason (an
idempotency key taken meanwhile, a probe that read too little, anything unexpected), no
neighbour pays for it: every request of the group is run again alone through `submit`,
with its own retries. Requests that write more than stock (`also`), carry several
operations, or keep sync conflicts are never grouped.
"""

from __future__ import annotations

import asyncio
import contextvars
from dataclasses import dataclass, field, replace

import structlog

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.unit_of_work import RETRYABLE
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.service.attempt import attempt
from lotledger.inventory.service.loading import Reads
from lotledger.inventory.service.outcomes import Outcome, Request
from lotledger.inventory.service.stock import StockUnitFactory, submit

_log = structlog.get_logger("lotledger.group_commit")


def groupable(request: Request) -> bool:
    [*operations] = request.operations
    return (
        len(operations) == 1
        and request.whole is None
        and request.also is None
        and operations[0].origin is None
    )


@dataclass
class _Waiting:
    request: Request
    answer: asyncio.Future[Outcome] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    """The request's own context (log fields, trace span): a request run again alone runs
    in it, not in the context of whichever request started the group."""


class GroupCommit:
    def __init__(
        self,
        uow: StockUnitFactory,
        policy: StockPolicy,
        cache: CatalogCache | None = None,
        window_s: float = 0.002,
        max_size: int = 64,
        lanes: int = 2,
    ) -> None:
        self._uow, self._policy, self._cache = uow, policy, cache
        self._window_s, self._max_size, self._lanes = window_s, max_size, lanes
        self._waiting: list[_Waiting] = []
        self._soon: asyncio.Handle | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task[None]] = set()
        self.groups = 0
        """Groups of more than one request committed together (observability, tests)."""
        self.conflicts = 0
        """Groups whose optimistic try met another writer and were tried again locking."""

    async def submit(self, request: Request) -> Outcome:
        if self._max_size <= 1 or not groupable(request):
            return await submit(request, self._uow, self._policy, self._cache)
        waiting = _Waiting(request)
        self._waiting.append(waiting)
        if len(self._running) < self._lanes or len(self._waiting) >= self._max_size:
            self._flush_soon()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._window_s, self._flush)
        return await waiting.answer

    def _flush_soon(self) -> None:
        if self._soon is None:
            self._soon = asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        for handle in (self._soon, self._timer):
            if handle is not None:
                handle.cancel()
        self._soon = self._timer = None
        while self._waiting:
            group = self._waiting[: self._max_size]
            del self._waiting[: self._max_size]
            task = asyncio.create_task(self._run(group))
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._waiting:
            self._flush_soon()

    async def _run(self, group: list[_Waiting]) -> None:
        """A retry of a key already in the group waits for the group and then runs alone
        (it finds the first one's answer stored)."""
        together, later, keys = [], [], set()
        for waiting in group:
            key = waiting.request.operations[0].key
            if key is not None and (waiting.request.principal.sub, key) in keys:
                later.append(waiting)
                continue
            if key is not None:
                keys.add((waiting.request.principal.sub, key))
            together.append(waiting)
        if len(together) < 2 or not await self._together(together):
            await asyncio.gather(*(self._alone_in_context(w) for w in together))
        await asyncio.gather(*(self._alone_in_context(w) for w in later))

    def _alone_in_context(self, waiting: _Waiting) -> asyncio.Task[None]:
        return asyncio.create_task(self._alone(waiting), context=waiting.context)

    async def _together(self, group: list[_Waiting]) -> bool:
        """Whether the group committed as one (each waiter then has its answer)."""
        merged, cache = _merged(group), self._cache_()
        try:
            try:
                outcome = await attempt(
                    merged, self._uow(locking=False), self._policy, cache, Reads()
                )
            except RETRYABLE:
                self.conflicts += 1
                outcome = await attempt(
                    merged, self._uow(locking=True), self._policy, cache, Reads()
                )
        except Exception as exc:
            _log.info("group_commit_split", size=len(group), reason=type(exc).__name__)
            return False
        self.groups += 1
        for waiting, result in zip(group, outcome.results, strict=True):
            if not waiting.answer.done():
                waiting.answer.set_result(Outcome([result]))
        return True

    async def _alone(self, waiting: _Waiting) -> None:
        """A cancelled waiter (its client went away) is still run: it may have been
        committed with nobody to tell, exactly as a request alone would be."""
        try:
            outcome = await submit(waiting.request, self._uow, self._policy, self._cache)
        except Exception as exc:
            if not waiting.answer.done():
                waiting.answer.set_exception(exc)
        else:
            if not waiting.answer.done():
                waiting.answer.set_result(outcome)

    def _cache_(self) -> CatalogCache:
        return self._cache or CatalogCache(ttl_s=0)


def _merged(group: list[_Waiting]) -> Request:
    """One request carrying every waiting request's operation as that request's own."""
    first = group[0].request
    return replace(
        first,
        operations=[
            replace(w.request.operations[0], meta=w.request.meta, principal=w.request.principal)
            for w in group
        ],
    )

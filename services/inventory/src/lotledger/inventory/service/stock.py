"""Executing stock and QA commands: the one way in (`submit`) and its retry policy.

A request carries one or more operations. All batches they touch are read (and locked
when the try locks), the operations are decided one after another, and every accepted
event is appended (with its outbox row and the answers stored under idempotency keys) in
a single commit (`attempt`). A refused operation appends nothing and does not affect the
others; a refused operation of an offline sync (one with an `origin`) is kept as a sync
conflict, in the same commit, and its refusal is what a retry of its key replays.

The first try is optimistic; a conflict with a concurrent transaction makes the next
ones lock, after a jittered backoff, at most MAX_ATTEMPTS times in all. A try that read
too little (a truncated FEFO probe, a back-dated command without its batch's history)
is repeated reading more, without backoff.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.unit_of_work import RETRYABLE, UnitOfWork
from lotledger.inventory.domain.errors import ConcurrentModification
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.timeline import NeedHistory
from lotledger.inventory.service.attempt import NeedWiderProbe, attempt
from lotledger.inventory.service.loading import Reads
from lotledger.inventory.service.outcomes import (
    Accepted,
    Also,
    Operation,
    Outcome,
    ProblemOf,
    Replayed,
    Request,
    Result,
    WholeRequest,
)
from lotledger.inventory.service.units import StockUnitFactory

__all__ = [
    "MAX_ATTEMPTS",
    "Accepted",
    "Also",
    "Operation",
    "Outcome",
    "ProblemOf",
    "Replayed",
    "Request",
    "Result",
    "StockUnitFactory",
    "UnitOfWorkFactory",
    "WholeRequest",
    "submit",
]

MAX_ATTEMPTS = 8
UnitOfWorkFactory = Callable[..., AbstractAsyncContextManager[UnitOfWork]]
"""The database's units, for the services that need more than the stock path's
`StockUnit` (catalog and sensor writes, serials); one is a `StockUnitFactory` too."""
_NO_CACHE = CatalogCache(ttl_s=0)


def backoff_s(attempt_no: int) -> float:
    """How long to wait before try `attempt_no + 1` after a concurrency failure."""
    return random.uniform(0, 0.002 * 2**attempt_no)


async def submit(
    request: Request,
    uow: StockUnitFactory,
    policy: StockPolicy,
    cache: CatalogCache | None = None,
) -> Outcome:
    """Run `request` under the deployment's `policy` (storage-class ranges, device time)."""
    reads, locking = Reads(), request.also is not None
    for attempt_no in range(MAX_ATTEMPTS):
        try:
            return await attempt(request, uow(locking=locking), policy, cache or _NO_CACHE, reads)
        except NeedWiderProbe:
            reads.wide = True
        except NeedHistory as need:
            reads.histories.add(need.batch_id)
        except RETRYABLE:
            locking = True
            await asyncio.sleep(backoff_s(attempt_no))
    raise ConcurrentModification("the batch kept changing under this request; retry it later")

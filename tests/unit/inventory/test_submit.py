"""The write path's service on an in-memory unit of work: the optimistic first try, the
locking retry after a concurrent writer, the wider FEFO probe, and that each operation's
outcome (and stored answer) is its own, alone and in a group commit."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date

import orjson
import pytest

from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.errors import ConcurrentModification, InsufficientStock
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.service import stock
from lotledger.inventory.service.group_commit import GroupCommit
from lotledger.inventory.service.loading import PROBE_LIMIT, WIDE_LIMIT
from lotledger.shared.auth import Principal, Role
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.idempotency import StoredResponse
from lotledger.shared.identifiers import batch_id
from tests.unit.inventory.fake_uow import Database, FakeUnitOfWork, bumped
from tests.unit.inventory.fixtures import COLD_GTIN, NOW

SCANNER = Principal("scanner-1", frozenset({Role.SCANNER}), frozenset({"WH1"}))
META = Metadata("scanner-1", None, None, None, NOW)
SHELF = "WH1/COLD-A/01"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stock, "backoff_s", lambda _: 0.0)


def lot(name: str, qty: int, expiry: date = date(2027, 6, 30), version: int = 1) -> BatchState:
    return BatchState(
        COLD_GTIN,
        name,
        expiry,
        BatchStatus.AVAILABLE,
        {SHELF: qty},
        version,
        warehouses=frozenset({"WH1"}),
    )


def pick(qty: int, name: str | None = None, ref: str = "SO-1") -> c.PickStock:
    return c.PickStock(COLD_GTIN, qty, ref, "GLN-PHARMACY", lot=name, location=SHELF)


def request(*operations: stock.Operation, **more: object) -> stock.Request:
    return stock.Request(list(operations), META, SCANNER, **more)  # type: ignore[arg-type]


async def submit(db: Database, req: stock.Request) -> stock.Outcome:
    """The fake stands in for the unit of work by duck typing."""
    return await stock.submit(req, db.factory, StockPolicy())


async def test_the_first_try_is_optimistic_and_appends_once() -> None:
    db = Database()
    db.put(lot("A", 10))
    outcome = await submit(db, request(stock.Operation(pick(3, "A"))))
    [accepted] = outcome.results
    assert isinstance(accepted, stock.Accepted)
    assert db.log == ["begin optimistic", "read", "probe 3", "append", "commit"]
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 7}
    assert [e.streamversion for e in accepted.events] == [2]


async def test_a_concurrent_writer_makes_the_retry_lock_and_decide_afresh() -> None:
    db = Database()
    db.put(lot("A", 10))
    db.before_append.append(bumped(batch_id(COLD_GTIN, "A")))
    outcome = await submit(db, request(stock.Operation(pick(3, "A"))))
    [accepted] = outcome.results
    assert isinstance(accepted, stock.Accepted)
    assert db.log == [
        "begin optimistic", "read", "probe 3", "append",
        "begin locking", "probe 3", "lock", "append", "commit",
    ]  # fmt: skip
    assert [e.streamversion for e in accepted.events] == [3]


async def test_a_batch_that_keeps_changing_gives_up_after_the_bounded_tries() -> None:
    db = Database()
    db.put(lot("A", 10))
    db.before_append.extend(bumped(batch_id(COLD_GTIN, "A")) for _ in range(stock.MAX_ATTEMPTS))
    with pytest.raises(ConcurrentModification):
        await submit(db, request(stock.Operation(pick(3, "A"))))
    assert db.log.count("append") == stock.MAX_ATTEMPTS
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 10}


async def test_a_request_writing_more_locks_from_its_first_try() -> None:
    db = Database()
    db.put(lot("A", 10))
    seen: list[int] = []

    async def also(uow: object, results: list[stock.Result]) -> None:
        seen.append(len(results))

    await submit(db, request(stock.Operation(pick(1, "A")), also=also))
    assert db.log[:3] == ["begin locking", "probe 3", "lock"]
    assert "read" not in db.log
    assert seen == [1]


async def test_a_fefo_pick_short_on_a_truncated_probe_reads_every_candidate() -> None:
    db = Database()
    db.put(*(lot(f"L{i:02}", 1, date(2027, 1, 1 + i)) for i in range(PROBE_LIMIT + 5)))
    outcome = await submit(db, request(stock.Operation(pick(PROBE_LIMIT + 2))))
    [accepted] = outcome.results
    assert isinstance(accepted, stock.Accepted)
    assert [p for p in db.log if p.startswith("probe")] == [
        f"probe {PROBE_LIMIT}",
        f"probe {WIDE_LIMIT}",
    ]
    taken = [a["lot"] for a in accepted.plain()["allocations"]]
    assert taken == [f"L{i:02}" for i in range(PROBE_LIMIT + 2)]


async def test_a_short_pick_on_a_complete_probe_is_refused_without_a_retry() -> None:
    db = Database()
    db.put(lot("A", 2), lot("B", 1, date(2027, 7, 1)))
    outcome = await submit(db, request(stock.Operation(pick(5))))
    [refused] = outcome.results
    assert isinstance(refused, InsufficientStock)
    assert db.log == ["begin optimistic", "read", "probe 20", "commit"]


async def test_a_refusal_is_its_own_and_its_neighbours_commit() -> None:
    db = Database()
    db.put(lot("A", 5), lot("B", 5, date(2027, 7, 1)))
    ops = [
        stock.Operation(pick(2, "A"), key="k1", fingerprint="f1"),
        stock.Operation(pick(50, "B"), key="k2", fingerprint="f2"),
        stock.Operation(pick(1, "B"), key="k3", fingerprint="f3"),
    ]
    outcome = await submit(db, request(*ops))
    first, refused, third = outcome.results
    assert isinstance(first, stock.Accepted)
    assert isinstance(third, stock.Accepted)
    assert isinstance(refused, InsufficientStock)
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 3}
    assert db.batches[batch_id(COLD_GTIN, "B")].on_hand == {SHELF: 4}
    assert sorted(k for _, k in db.answers) == ["k1", "k3"]
    assert orjson.loads(db.answers["scanner-1", "k1"].body) == first.plain()


async def test_a_retried_key_replays_its_plain_answer_and_appends_nothing() -> None:
    db = Database()
    db.put(lot("A", 5))
    op = stock.Operation(pick(2, "A"), key="k1", fingerprint="f1")
    live = (await submit(db, request(op))).results[0]
    assert isinstance(live, stock.Accepted)
    appended = len(db.events)
    again = (await submit(db, request(op))).results[0]
    assert isinstance(again, stock.Replayed)
    assert again.response.status == 201
    assert orjson.loads(again.response.body) == live.plain()
    assert len(db.events) == appended
    other = (await submit(db, request(replace(op, fingerprint="f2")))).results[0]
    assert getattr(other, "field", None) == "Idempotency-Key"


async def test_a_refusal_under_a_key_a_concurrent_duplicate_answered_replays_that() -> None:
    """The duplicate commits (taking the last unit, storing its answer) after this try
    looked its key up and before it read the batch: the refusal is not this key's answer."""
    db = Database()
    db.put(lot("A", 1))
    answered = StoredResponse("f", 201, b'{"events": []}')

    def duplicate_commits(db: Database) -> None:
        state = db.batches[batch_id(COLD_GTIN, "A")]
        db.batches[state.batch_id] = replace(state, on_hand={}, version=2)
        db.answers["scanner-1", "k"] = answered

    db.before_read.append(duplicate_commits)
    op = stock.Operation(pick(1, "A"), key="k", fingerprint="f")
    [result] = (await submit(db, request(op))).results
    assert isinstance(result, stock.Replayed)
    assert result.response == answered
    other = stock.Operation(pick(1, "A"), key="k", fingerprint="another body")
    db.before_read.append(lambda _: None)
    [refused] = (await submit(db, request(other))).results
    assert getattr(refused, "field", None) == "Idempotency-Key"


async def test_a_whole_request_is_rendered_once_and_replayed_as_stored() -> None:
    db = Database()
    db.put(lot("A", 5))
    renders: list[int] = []

    def render(results: list[stock.Result]) -> tuple[int, bytes]:
        renders.append(len(results))
        return 200, orjson.dumps({"n": len(renders)})

    whole = stock.WholeRequest(render, "batch-1", "fp")
    live = await submit(db, request(stock.Operation(pick(1, "A")), whole=whole))
    assert live.response is not None
    assert not live.replayed
    again = await submit(db, request(stock.Operation(pick(1, "A")), whole=whole))
    assert again.replayed
    assert again.response == live.response
    assert again.results == []
    assert renders == [1]
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 4}


async def _grouped(db: Database, *requests: stock.Request) -> list[stock.Outcome]:
    group = GroupCommit(db.factory, StockPolicy(), window_s=0.05)
    return list(await asyncio.gather(*(group.submit(r) for r in requests)))


async def test_a_group_commits_once_and_keeps_each_outcome_its_own() -> None:
    db = Database()
    db.put(lot("A", 2), lot("B", 1, date(2027, 7, 1)))
    outcomes = await _grouped(
        db,
        request(stock.Operation(pick(1, "A"), key="a", fingerprint="fa")),
        request(stock.Operation(pick(5, "B"), key="b", fingerprint="fb")),
        request(stock.Operation(pick(1, "A"))),
    )
    first, refused, third = (o.results[0] for o in outcomes)
    assert isinstance(first, stock.Accepted)
    assert isinstance(third, stock.Accepted)
    assert isinstance(refused, InsufficientStock)
    assert db.log.count("append") == 1
    assert db.log.count("commit") == 1
    assert [e.streamversion for e in [*first.events, *third.events]] == [2, 3]
    assert sorted(k for _, k in db.answers) == ["a"]


async def test_a_group_is_tried_optimistically_first() -> None:
    db = Database()
    db.put(lot("A", 2), lot("B", 2, date(2027, 7, 1)))
    outcomes = await _grouped(
        db, request(stock.Operation(pick(1, "A"))), request(stock.Operation(pick(1, "B")))
    )
    assert all(isinstance(o.results[0], stock.Accepted) for o in outcomes)
    assert db.log == ["begin optimistic", "read", "probe 3,3", "append", "commit"]


async def test_a_group_that_met_another_writer_is_tried_again_locking() -> None:
    db = Database()
    db.put(lot("A", 2), lot("B", 2, date(2027, 7, 1)))
    db.before_append.append(bumped(batch_id(COLD_GTIN, "B")))
    group = GroupCommit(db.factory, StockPolicy(), window_s=0.05)
    outcomes = await asyncio.gather(
        group.submit(request(stock.Operation(pick(1, "A")))),
        group.submit(request(stock.Operation(pick(1, "B")))),
    )
    assert all(isinstance(o.results[0], stock.Accepted) for o in outcomes)
    assert [e for e in db.log if e.startswith("begin")] == ["begin optimistic", "begin locking"]
    assert (group.groups, group.conflicts) == (1, 1)
    assert [a.loaded_versions for a in db.appended][-1] == {
        batch_id(COLD_GTIN, "A"): 1,
        batch_id(COLD_GTIN, "B"): 2,
    }
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 1}
    assert db.batches[batch_id(COLD_GTIN, "B")].on_hand == {SHELF: 1}


async def test_a_group_that_fails_as_a_whole_is_run_again_request_by_request() -> None:
    db = Database()
    db.put(lot("A", 2), lot("B", 2, date(2027, 7, 1)))
    db.before_append += [bumped(batch_id(COLD_GTIN, "B"))] * 2
    outcomes = await _grouped(
        db, request(stock.Operation(pick(1, "A"))), request(stock.Operation(pick(1, "B")))
    )
    assert all(isinstance(o.results[0], stock.Accepted) for o in outcomes)
    assert [e for e in db.log if e.startswith("begin")] == [
        "begin optimistic",
        "begin locking",
        "begin optimistic",
        "begin optimistic",
    ]
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 1}
    assert db.batches[batch_id(COLD_GTIN, "B")].on_hand == {SHELF: 1}


async def test_a_retry_of_a_key_in_the_same_group_replays_the_first_answer() -> None:
    db = Database()
    db.put(lot("A", 1))
    op = stock.Operation(pick(1, "A"), key="k", fingerprint="f")
    live, again = (o.results[0] for o in await _grouped(db, request(op), request(op)))
    assert isinstance(live, stock.Accepted)
    assert isinstance(again, stock.Replayed)
    assert orjson.loads(again.response.body) == live.plain()


class Held(FakeUnitOfWork):
    """A unit whose commit waits for `release`: a group still in flight."""

    def __init__(self, db: Database, locking: bool, release: asyncio.Event) -> None:
        super().__init__(db, locking)
        self.release = release

    async def commit(self) -> None:
        await self.release.wait()
        await super().commit()


async def test_a_request_alone_does_not_wait_for_the_window() -> None:
    db = Database()
    db.put(lot("A", 2))
    group = GroupCommit(db.factory, StockPolicy(), window_s=3600)
    outcome = await asyncio.wait_for(group.submit(request(stock.Operation(pick(1, "A")))), 10)
    assert isinstance(outcome.results[0], stock.Accepted)
    assert db.log[0] == "begin optimistic"


@dataclass
class OneLaneHeld:
    """A one-lane group commit whose first request (a pick of lot A) has appended and
    waits in its commit until `release` is set."""

    db: Database
    group: GroupCommit
    release: asyncio.Event
    first: asyncio.Task[stock.Outcome]


async def one_lane_held(window_s: float) -> OneLaneHeld:
    db = Database()
    db.put(lot("A", 5), lot("B", 5, date(2027, 7, 1)))
    release = asyncio.Event()
    units = iter([lambda locking: Held(db, locking, release)])
    group = GroupCommit(
        lambda locking=True: next(units, db.factory)(locking),
        StockPolicy(),
        window_s=window_s,
        lanes=1,
    )
    first = asyncio.create_task(group.submit(request(stock.Operation(pick(1, "A")))))
    while "append" not in db.log:
        await asyncio.sleep(0)
    return OneLaneHeld(db, group, release, first)


async def test_requests_arriving_while_every_lane_is_busy_go_together_when_one_frees() -> None:
    held = await one_lane_held(window_s=3600)
    db, group = held.db, held.group
    later = [
        asyncio.create_task(group.submit(request(stock.Operation(pick(1, name)))))
        for name in ("A", "B")
    ]
    for _ in range(20):
        await asyncio.sleep(0)
    assert not any(t.done() for t in later)
    assert db.log.count("begin optimistic") == 1
    held.release.set()
    outcomes = [await held.first, *(await asyncio.gather(*later))]
    assert all(isinstance(o.results[0], stock.Accepted) for o in outcomes)
    assert db.log.count("begin optimistic") == 2
    assert db.log.count("append") == 2
    assert group.groups == 1
    assert db.batches[batch_id(COLD_GTIN, "A")].on_hand == {SHELF: 3}


async def test_a_slow_group_holds_the_next_requests_no_longer_than_the_window() -> None:
    held = await one_lane_held(window_s=0.01)
    submitted = held.group.submit(request(stock.Operation(pick(1, "B"))))
    quick = await asyncio.wait_for(submitted, 10)
    assert isinstance(quick.results[0], stock.Accepted)
    assert not held.first.done()
    held.release.set()
    assert isinstance((await held.first).results[0], stock.Accepted)


REQUEST: ContextVar[str] = ContextVar("request", default="none")


async def test_a_request_run_again_alone_runs_in_its_own_context() -> None:
    """Its log fields and trace spans are its own, not those of the request whose arrival
    started the group."""
    db = Database()
    db.put(lot("A", 2), lot("B", 2, date(2027, 7, 1)))
    db.before_append += [bumped(batch_id(COLD_GTIN, "B"))] * 2
    seen: list[tuple[str, bool]] = []

    def recording(locking: bool = True) -> FakeUnitOfWork:
        seen.append((REQUEST.get(), locking))
        return db.factory(locking)

    group = GroupCommit(recording, StockPolicy(), window_s=0.05)

    async def as_request(name: str, r: stock.Request) -> stock.Outcome:
        REQUEST.set(name)
        return await group.submit(r)

    outcomes = await asyncio.gather(
        as_request("a", request(stock.Operation(pick(1, "A")))),
        as_request("b", request(stock.Operation(pick(1, "B")))),
    )
    assert all(isinstance(o.results[0], stock.Accepted) for o in outcomes)
    assert [locking for _, locking in seen[:2]] == [False, True]
    assert sorted(name for name, _ in seen[2:]) == ["a", "b"]

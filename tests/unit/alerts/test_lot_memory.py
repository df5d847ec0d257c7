"""What the projector keeps of a product's lots between batches is recalled only while it
can still be current: after a commit, for the partition the product came from, while
this process wrote that partition's facts last."""

from __future__ import annotations

from datetime import date

from lotledger.alerts.adapters.lot_memory import LotMemory
from lotledger.alerts.domain.facts import LotFacts
from lotledger.shared.contracts.stock import BatchStatus

GTIN, OTHER = "09506000134352", "09506000134369"


def _lot(lot: str, qty: int, gtin: str = GTIN) -> LotFacts:
    on_hand = {"WH1/A/01": qty} if qty else {}
    return LotFacts(gtin, lot, date(2027, 9, 30), BatchStatus.AVAILABLE, on_hand)


def _batch(memory: LotMemory, continued: list[int], partition_of: dict[str, int]) -> None:
    memory.resume(continued)
    memory.start(partition_of)


def _kept_after_one_batch(**lots: int) -> LotMemory:
    memory = LotMemory(10)
    _batch(memory, [], {GTIN: 0})
    memory.keep({GTIN: [_lot(name, qty) for name, qty in lots.items()]})
    memory.committed()
    return memory


def test_a_committed_batch_is_recalled_by_the_next_batch_of_the_same_partition() -> None:
    memory = _kept_after_one_batch(A=5, B=0, C=7)
    _batch(memory, [0], {GTIN: 0})
    recalled = memory.recall([GTIN, OTHER])
    assert list(recalled) == [GTIN]
    assert sorted(recalled[GTIN]) == ["A", "C"]


def test_nothing_is_recalled_once_another_writer_moved_the_partition_on() -> None:
    memory = _kept_after_one_batch(A=5)
    _batch(memory, [], {GTIN: 0})
    assert memory.recall([GTIN]) == {}


def test_nothing_is_recalled_for_a_product_now_on_another_partition() -> None:
    memory = _kept_after_one_batch(A=5)
    _batch(memory, [0, 1], {GTIN: 1})
    assert memory.recall([GTIN]) == {}


def test_a_batch_that_did_not_commit_leaves_nothing_and_forgets_what_it_read() -> None:
    memory = _kept_after_one_batch(A=5)
    _batch(memory, [0], {GTIN: 0})
    memory.keep({GTIN: [_lot("A", 1)]})
    memory.abandoned()
    _batch(memory, [0], {GTIN: 0})
    assert memory.recall([GTIN]) == {}


def test_a_batch_not_resumed_recalls_nothing() -> None:
    memory = _kept_after_one_batch(A=5)
    memory.resume([0])
    memory.committed()
    memory.start({GTIN: 0})
    assert memory.recall([GTIN]) == {}


def test_what_a_batch_keeps_is_not_recalled_before_it_commits() -> None:
    memory = LotMemory(10)
    _batch(memory, [0], {GTIN: 0})
    memory.keep({GTIN: [_lot("A", 5)]})
    assert memory.recall([GTIN]) == {}


def test_the_least_recently_used_products_go_first_until_the_lots_fit() -> None:
    memory = LotMemory(4)
    gtins = ["09506000000011", "09506000000028", "09506000000035"]
    sizes = {gtins[0]: 2, gtins[1]: 1, gtins[2]: 2}
    for n, gtin in enumerate(gtins):
        _batch(memory, [0], dict.fromkeys(gtins, 0))
        if n == 2:
            assert list(memory.recall([gtins[0]])) == [gtins[0]]
        memory.keep({gtin: [_lot(f"L{i}", 1, gtin) for i in range(sizes[gtin])]})
        memory.committed()
    _batch(memory, [0], dict.fromkeys(gtins, 0))
    assert sorted(memory.recall(gtins)) == [gtins[0], gtins[2]]
    assert len(memory) == 4


def test_a_product_kept_again_counts_its_lots_once() -> None:
    memory = _kept_after_one_batch(A=5, B=3)
    _batch(memory, [0], {GTIN: 0})
    memory.keep({GTIN: [_lot("A", 5), _lot("B", 0), _lot("C", 1)]})
    memory.committed()
    assert len(memory) == 2

from dataclasses import dataclass

from aiokafka import TopicPartition

from lotledger.shared.projection import fresh_records

A = TopicPartition("t", 0)
B = TopicPartition("t", 1)


@dataclass(frozen=True)
class Rec:
    offset: int


def test_records_below_stored_positions_are_dropped_and_positions_advance() -> None:
    batch = fresh_records({A: [Rec(3), Rec(4), Rec(5)], B: [Rec(0), Rec(1)]}, {A: 5, B: 0})
    assert [r.offset for r in batch.records] == [5, 0, 1]
    assert batch.positions == {A: 6, B: 2}


def test_a_fully_replayed_batch_moves_nothing() -> None:
    batch = fresh_records({A: [Rec(0), Rec(1)]}, {A: 2})
    assert batch.records == []
    assert batch.positions == {}

"""Checkpoints received together (one consumer batch) may name the same lot: its latest
logged head wins, and an untrusted checkpoint's heads are never used."""

from __future__ import annotations

from typing import Any

from lotledger.traceability.adapters.checkpoint_store import CheckpointStore, ReceivedCheckpoint


class Recording:
    def __init__(self) -> None:
        self.heads: list[tuple[Any, ...]] = []

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        return None

    async def execute(self, sql: str, *columns: list[Any]) -> None:
        self.heads = list(zip(*columns, strict=True))


def _checkpoint(number: int, heads: list[tuple[str, int, str]], problem: str | None = None) -> Any:
    return ReceivedCheckpoint(number, number * 10, "0" * 64, "k" * 16, "t", problem, heads)


async def test_the_latest_head_of_a_lot_wins_within_one_batch() -> None:
    conn = Recording()
    await CheckpointStore(conn).save(
        [
            _checkpoint(1, [("g/A", 2, "a2"), ("g/B", 1, "b1")]),
            _checkpoint(2, [("g/A", 5, "a5")]),
            _checkpoint(3, [("g/B", 9, "forged")], problem="not among the trusted keys"),
        ]
    )
    assert sorted(conn.heads) == [("g/A", 5, "a5", 2), ("g/B", 1, "b1", 1)]

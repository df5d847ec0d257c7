"""Percentile bookkeeping of tracked operations."""

from __future__ import annotations

import pytest
from lotledger_bench.latency import Tracker, percentile, summary


def test_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7
    assert percentile([], 50) == 0
    assert percentile([1.0, 2.0, 3.0], 50) == 2


def test_summary_sorts_and_counts() -> None:
    stats = summary([30.0, 10.0, 20.0])
    assert stats == {"p50": 20.0, "p95": 30.0, "p99": 30.0, "max": 30.0, "count": 3}


def test_a_sample_runs_from_its_answer_to_the_poll_that_saw_it() -> None:
    tracker = Tracker[str]()
    tracker.start("a", 10.0)
    tracker.start("b", 10.5)
    tracker.seen(["a", "unknown"], 10.25)
    assert tracker.pending == ["b"]
    tracker.seen(["a", "b"], 11.0)
    assert tracker.latencies_ms == pytest.approx({"a": 250.0, "b": 500.0})
    assert not tracker.pending
    assert tracker.in_order() == [250.0, 500.0]


def test_what_is_never_seen_counts_with_its_latency_so_far() -> None:
    tracker = Tracker[str]()
    tracker.start("a", 0.0)
    tracker.start("b", 1.0)
    tracker.seen(["a"], 0.1)
    tracker.close(31.0)
    assert tracker.unseen == {"b"}
    assert tracker.latencies_ms["b"] == pytest.approx(30_000.0)
    assert tracker.summary()["unseen"] == 1
    assert tracker.summary()["max"] == pytest.approx(30_000.0)


def test_a_poll_begun_before_the_answer_never_gives_a_negative_latency() -> None:
    tracker = Tracker[str]()
    tracker.start("a", 5.0)
    tracker.seen(["a"], 4.9)
    assert tracker.latencies_ms["a"] == 0.0

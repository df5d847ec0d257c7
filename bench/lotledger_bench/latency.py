"""Latency bookkeeping for operations tracked until something becomes visible: each
sample starts when its POST is answered and ends at the first poll that sees its effect.
Percentiles are nearest-rank, as the load generator's."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

PERCENTILES = (50.0, 95.0, 99.0)


def percentile(ordered: Sequence[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not ordered:
        return 0.0
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Iterable[float]) -> dict[str, float]:
    ordered = sorted(values)
    out = {f"p{p:g}": round(percentile(ordered, p), 1) for p in PERCENTILES}
    out["max"] = round(ordered[-1], 1) if ordered else 0.0
    out["count"] = len(ordered)
    return out


@dataclass
class Tracker(Generic[K]):
    """Samples by key: `start` when the operation is answered, `seen` for the keys a poll
    started at `at` found; `close` ends what is still pending at a deadline (its latency
    so far, a lower bound, is kept and counted as unseen). Times are seconds on one
    monotonic clock; latencies are kept in milliseconds."""

    started: dict[K, float] = field(default_factory=dict)
    latencies_ms: dict[K, float] = field(default_factory=dict)
    unseen: set[K] = field(default_factory=set)

    def start(self, key: K, at: float) -> None:
        self.started[key] = at

    @property
    def pending(self) -> list[K]:
        return [k for k in self.started if k not in self.latencies_ms]

    def seen(self, keys: Iterable[K], at: float) -> None:
        """`at` is when the poll that found them began: they were visible by then."""
        for key in keys:
            if key in self.started and key not in self.latencies_ms:
                self.latencies_ms[key] = max(at - self.started[key], 0.0) * 1000

    def close(self, at: float) -> None:
        for key in self.pending:
            self.latencies_ms[key] = max(at - self.started[key], 0.0) * 1000
            self.unseen.add(key)

    def in_order(self) -> list[float]:
        """Latencies in the order the samples started, rounded to 0.1 ms."""
        return [round(self.latencies_ms[k], 1) for k in self.started if k in self.latencies_ms]

    def summary(self) -> dict[str, float]:
        return summary(self.latencies_ms.values()) | {"unseen": len(self.unseen)}

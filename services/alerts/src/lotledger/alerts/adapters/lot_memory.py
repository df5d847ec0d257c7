"""Products' lots on hand, kept in the projector's memory from one batch to the next, so a
batch reads only the lots its events touched instead of every lot of every product they
touched (a busy product holds hundreds).

Only stock events write a product's lots, and a product's stock events all come from one
partition of the re-keyed stock topic (docs/adr/0017), so what a batch read of a product
holds for the next batch of the same partition, provided that:
- the batch committed (`committed`; a failed or doubtful commit forgets the products it
  read, `abandoned`);
- nobody else wrote the partition's facts since: the partition's stored position is the one
  this process wrote last (`resume`, from `lotledger.shared.projection.Remembering`);
- the product still comes from that partition (a topic given more partitions moves it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from lotledger.alerts.domain.facts import LotFacts


class _Kept(NamedTuple):
    partition: int
    lots: dict[str, LotFacts]


class LotMemory:
    """At most `max_lots` lots in all (~1 KB each), kept by whole products, the least
    recently used product forgotten first."""

    def __init__(self, max_lots: int) -> None:
        self.max_lots = max_lots
        self._lots = 0
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._continued: frozenset[int] = frozenset()
        self._partition_of: Mapping[str, int] = {}
        self._staged: dict[str, _Kept] = {}

    def resume(self, continued: Collection[int]) -> None:
        """A batch begins; `continued`: the partitions whose facts this process wrote last."""
        self._continued = frozenset(continued)
        self._staged = {}
        self._partition_of = {}

    def start(self, partition_of: Mapping[str, int]) -> None:
        """The partition each product of the batch's stock events came from."""
        self._partition_of = partition_of

    def recall(self, gtins: Iterable[str]) -> dict[str, Mapping[str, LotFacts]]:
        """The lots on hand, by lot, of each of `gtins` known to be current before the
        batch's own writes."""
        out: dict[str, Mapping[str, LotFacts]] = {}
        for gtin in gtins:
            kept = self._kept.get(gtin)
            partition = self._partition_of.get(gtin)
            if kept is None or partition is None:
                continue
            if kept.partition == partition and partition in self._continued:
                out[gtin] = kept.lots
                self._kept.move_to_end(gtin)
        return out

    def keep(self, lots: Mapping[str, Sequence[LotFacts]]) -> None:
        """Each product's lots as the batch left them (lots without stock are dropped),
        kept once the batch commits."""
        for gtin, facts in lots.items():
            partition = self._partition_of.get(gtin)
            if partition is not None:
                self._staged[gtin] = _Kept(partition, {f.lot: f for f in facts if f.on_hand})

    def committed(self) -> None:
        for gtin, kept in self._staged.items():
            self._forget(gtin)
            self._kept[gtin] = kept
            self._lots += len(kept.lots)
        while self._lots > self.max_lots:
            self._forget(next(iter(self._kept)))
        self._end()

    def abandoned(self) -> None:
        for gtin in self._staged:
            self._forget(gtin)
        self._end()

    def _end(self) -> None:
        """Nothing is recalled until the next `resume` says which partitions continue."""
        self._staged, self._continued = {}, frozenset()

    def _forget(self, gtin: str) -> None:
        kept = self._kept.pop(gtin, None)
        if kept is not None:
            self._lots -= len(kept.lots)

    def __len__(self) -> int:
        """Lots kept."""
        return self._lots

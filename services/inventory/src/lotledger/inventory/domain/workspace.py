"""The batches a unit of work has loaded, with the events decided against them.

Commands are decided one after another against the evolving states, so a list of
operations behaves exactly like the same operations sent one by one. A refused command
leaves the workspace as it was. Besides the states it holds what back-dated commands and
returns need: the recent events of some batches (`histories`) and what each party was
shipped of a batch, net of returns (`parties`); both follow the events decided here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lotledger.inventory.domain.batch import BatchState, apply
from lotledger.inventory.domain.commands import Command
from lotledger.inventory.domain.decisions import decide
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.timeline import Stamped
from lotledger.shared.contracts.holdings import holding_deltas
from lotledger.shared.contracts.stock import Picked, Returned, StockEvent
from lotledger.shared.identifiers import batch_id


@dataclass(frozen=True)
class Pending:
    batch_id: str
    version: int
    event: StockEvent


class Workspace:
    def __init__(
        self,
        states: Iterable[BatchState] = (),
        histories: Mapping[str, Sequence[Stamped]] | None = None,
        parties: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self._states: dict[str, BatchState] = {}
        self._by_gtin: dict[str, set[str]] = defaultdict(set)
        self.loaded_versions: dict[str, int] = {}
        self.loaded: dict[str, BatchState] = {}
        """Each batch as it was read, before anything decided here."""
        self.pending: list[Pending] = []
        self._histories = {b: list(h) for b, h in (histories or {}).items()}
        self._parties = dict(parties or {})
        for state in states:
            self._put(state)
            self.loaded_versions[state.batch_id] = state.version
            self.loaded[state.batch_id] = state

    def _put(self, state: BatchState) -> None:
        self._states[state.batch_id] = state
        self._by_gtin[state.gtin].add(state.batch_id)

    def get(self, gtin: str, lot: str) -> BatchState:
        return self._states.get(batch_id(gtin, lot)) or BatchState(gtin, lot)

    def of_gtin(self, gtin: str) -> list[BatchState]:
        return [self._states[b] for b in sorted(self._by_gtin.get(gtin, ()))]

    def states(self) -> list[BatchState]:
        return list(self._states.values())

    def history(self, batch_id: str) -> Sequence[Stamped] | None:
        """The loaded history; for a batch created here, its events decided here."""
        if batch_id in self._histories:
            return self._histories[batch_id]
        if self.loaded_versions.get(batch_id, 0) == 0:
            return [
                Stamped(p.event.at, p.version, tuple(holding_deltas(p.event)))
                for p in self.pending
                if p.batch_id == batch_id
            ]
        return None

    def shipped_to(self, batch_id: str, party: str) -> int:
        return self._parties.get((batch_id, party), 0)

    def execute(self, command: Command, facts: Facts) -> list[Pending]:
        """Decide `command`, apply its events, and return them; raises on refusal."""
        decided = decide(command, self, facts)
        applied = []
        for before, event in decided:
            current = self._states.get(before.batch_id, before)
            after = apply(current, event)
            self._put(after)
            self.loaded_versions.setdefault(after.batch_id, 0)
            applied.append(Pending(after.batch_id, after.version, event))
            self._follow(after.batch_id, after.version, event)
        self.pending.extend(applied)
        return applied

    def _follow(self, batch: str, version: int, event: StockEvent) -> None:
        """Keep a loaded history and the party balances in step with an event decided
        here."""
        if batch in self._histories:
            deltas = tuple(holding_deltas(event))
            self._histories[batch].append(Stamped(event.at, version, deltas))
        if isinstance(event, Picked):
            key = (batch, event.ship_to)
            self._parties[key] = self._parties.get(key, 0) + event.qty
        elif isinstance(event, Returned):
            key = (batch, event.from_party)
            self._parties[key] = self._parties.get(key, 0) - event.qty

    def touched(self) -> list[BatchState]:
        ids = dict.fromkeys(p.batch_id for p in self.pending)
        return [self._states[b] for b in ids]

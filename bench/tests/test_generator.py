"""The generator's histories: reproducible, valid envelopes, intact hash chains, and
operations the inventory API accepts as they are."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lotledger_bench.generator import CATALOG, Chainer, History

from lotledger.inventory.entrypoints.api.routers.operations import OPERATIONS
from lotledger.shared.envelope import CloudEvent
from lotledger.verify.chain import verify_chain


def _play(seed: int, days: int) -> tuple[list[Any], dict[str, list[dict[str, Any]]]]:
    history, chainer = History(seed=seed), Chainer(seed=seed)
    steps, streams = list(history.days(days)), defaultdict(list)
    for step in steps:
        for batch, event in step.events:
            streams[batch].append(chainer.envelope(batch, event, step.at))
    return steps, streams


def test_same_seed_same_history() -> None:
    assert _play(7, 5)[1] == _play(7, 5)[1]
    assert _play(7, 5)[1] != _play(8, 5)[1]


def test_envelopes_are_cloudevents_with_intact_chains() -> None:
    _, streams = _play(3, 20)
    assert len(streams) > 50
    for events in streams.values():
        assert verify_chain(events).ok
        for envelope in events:
            assert CloudEvent.model_validate(envelope).to_dict() == envelope


def test_operations_validate_against_the_api() -> None:
    steps, _ = _play(5, 20)
    kinds = {step.op["op"] for step in steps}
    assert {"receipt", "pick", "move", "count"} <= kinds
    for step in steps:
        OPERATIONS[step.op["op"]].validate_python(step.op)


def test_fefo_picks_earliest_expiry_first() -> None:
    history = History(seed=11)
    for _ in history.days(15):
        pass
    steps = list(history.days(1))
    for step in (s for s in steps if s.op["op"] == "pick"):
        expiries = [history.stock.lots[batch].expiry for batch, _ in step.events]
        assert expiries == sorted(expiries)


def test_catalog_stocks_every_product() -> None:
    stocked = {gtin for gtin, _ in CATALOG.stocking_pairs()}
    assert stocked == {p.gtin for p in CATALOG.products}

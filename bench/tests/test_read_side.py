"""The read-side scenarios' pure parts: the synthetic histories, the bulk loader's plan,
the rebuild's output and the stock-as-of URLs."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from lotledger_bench.generator import Chainer
from lotledger_bench.scenarios.projection_rebuild import figure_key, parse
from lotledger_bench.scenarios.trace_latency import as_of_paths
from lotledger_bench.synthetic import PLACES, START, location_envelope, stream
from lotledger_bench.trace_fixture import CHUNK, SMALL, Fixture, shares

from lotledger.shared.contracts.stock import EVENT_TYPES
from lotledger.shared.envelope import CloudEvent
from lotledger.verify.chain import verify_chain


def test_synthetic_stream_is_valid_and_chained() -> None:
    pairs = list(stream(Chainer(seed=1), "L1", 50, START))
    envelopes = [envelope for _, envelope in pairs]
    assert [e["streamversion"] for e in envelopes] == list(range(1, 51))
    assert verify_chain(envelopes).ok
    for event, envelope in pairs:
        assert CloudEvent.model_validate(envelope).to_dict() == envelope
        assert EVENT_TYPES[envelope["type"]].model_validate(envelope["data"]) == event


def test_same_seed_same_stream() -> None:
    first = [e for _, e in stream(Chainer(seed=3), "L1", 10, START)]
    assert first == [e for _, e in stream(Chainer(seed=3), "L1", 10, START)]
    assert first != [e for _, e in stream(Chainer(seed=4), "L1", 10, START)]


def test_location_envelope_is_a_cloudevent() -> None:
    envelope = location_envelope(PLACES[0])
    assert CloudEvent.model_validate(envelope).to_dict() == envelope


def test_loader_plan_covers_every_chunk_once() -> None:
    events, big = 1_000_000, 10_000
    plan = shares(events, big, 2)
    chunks = sorted(n for share in plan for n in share)
    lots = (events - big) // SMALL
    assert chunks == list(range(-(-lots // CHUNK)))
    assert abs(len(plan[0]) - len(plan[1])) <= 1
    assert shares(5_000, 10_000, 2) == [[0]]


def test_rebuild_output() -> None:
    output = "...\nrebuilt traceability_rebuild: 320450 records in 21.3 s (15,045 records/s)\n"
    assert parse(output) == (320450, 21.3, 15045.0)
    assert figure_key(1) == "projection_rebuild.traceability_events_per_s"
    assert figure_key(2) == "projection_rebuild.traceability_events_per_s_jobs2"


def test_as_of_instants_lie_within_the_history() -> None:
    fixture = Fixture(100, 10, 4, 1.0, 0.0, START, START + timedelta(days=10))
    paths = as_of_paths(fixture, 6)
    assert len(paths) == 6
    for path in paths:
        query = parse_qs(urlsplit(path).query)
        at = datetime.fromisoformat(query["at"][0])
        assert fixture.first < at < fixture.last
        assert query["location"][0] in PLACES

"""Trace context on the relay's Kafka headers and in the projector (docs/adr/0019): none
at all while tracing is off and nothing was stored; a stored context passed on unchanged;
with tracing on, a producer span per message (the stored context's child) whose context
the headers carry, and a consumer span per record under it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

import orjson
from opentelemetry.trace import SpanKind

from lotledger.shared import tracing
from lotledger.shared.kafka import STRUCTURED
from lotledger.shared.relay_source import OutboxMessage
from lotledger.shared.traced_messages import (
    TRACEPARENT,
    caused_by,
    consumed,
    consuming,
    publishing,
)
from tests.support.spans import exported

STORED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _message(traceparent: str | None) -> OutboxMessage:
    return OutboxMessage(1, "lotledger.stock.v1", "b", uuid4(), b"{}", traceparent)


def _topic(message: object) -> str:
    return "lotledger.stock.v1"


@dataclass
class _Record:
    topic: str
    partition: int
    offset: int
    value: bytes | None
    headers: list[tuple[str, bytes]]


def test_tracing_off_writes_and_sends_no_trace_context() -> None:
    assert not tracing.enabled()
    with tracing.tracer().start_as_current_span("request"):
        assert tracing.current_traceparent() is None
    with publishing([_message(None)], STRUCTURED, _topic) as headers:
        assert headers(0) == STRUCTURED
    with caused_by("e-1", "alert raised") as traceparent:
        assert traceparent is None


def test_tracing_off_a_stored_context_is_passed_on_unchanged() -> None:
    with publishing([_message(STORED)], STRUCTURED, _topic) as headers:
        assert headers(0) == [*STRUCTURED, (TRACEPARENT, STORED.encode())]


def test_tracing_on_a_producer_span_per_message_is_the_stored_context_child() -> None:
    with exported() as exporter:
        with publishing([_message(STORED), _message(None)], STRUCTURED, _topic) as headers:
            traced, untraced = headers(0), headers(1)
        (span,) = exporter.get_finished_spans()
    assert untraced == STRUCTURED
    assert span.kind is SpanKind.PRODUCER
    assert span.parent is not None
    assert (f"{span.parent.trace_id:032x}", f"{span.parent.span_id:016x}") == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
    )
    _, trace_id, parent_id, _ = dict(traced)[TRACEPARENT].decode().split("-")
    assert (trace_id, parent_id) == (
        f"{span.context.trace_id:032x}",
        f"{span.context.span_id:016x}",
    )


def test_tracing_on_each_traced_record_gets_a_consumer_span_others_none() -> None:
    event_id = str(uuid4())
    records = [
        _Record("s", 0, 7, orjson.dumps({"id": event_id}), [(TRACEPARENT, STORED.encode())]),
        _Record("s", 0, 8, orjson.dumps({"id": "untraced"}), []),
        _Record("s", 0, 9, orjson.dumps({"id": "bad"}), [(TRACEPARENT, b"not-a-trace")]),
        _Record("s", 0, 10, b"not json", [(TRACEPARENT, STORED.encode())]),
        _Record("s", 0, 11, b"[1]", [(TRACEPARENT, STORED.encode())]),
    ]
    with exported() as exporter:
        with consuming("alerts", records):
            assert consumed("untraced") is None
            assert consumed("bad") is None
            with caused_by(event_id, "alert raised") as traceparent:
                assert traceparent is not None
        assert consumed(event_id) is None
        finished = exporter.get_finished_spans()
        spans = {s.name: s for s in reversed(finished)}
    assert sorted(s.name for s in finished) == ["alert raised", *["s process"] * 3]
    process, raised = spans["s process"], spans["alert raised"]
    assert process.attributes is not None
    assert process.attributes["messaging.kafka.offset"] == 7
    assert process.kind is SpanKind.CONSUMER
    assert process.parent is not None
    assert f"{process.parent.span_id:016x}" == "b7ad6b7169203331"
    assert raised.parent is not None
    assert raised.parent.span_id == process.context.span_id
    assert traceparent.split("-")[2] == f"{raised.context.span_id:016x}"


def test_an_otlp_endpoint_names_the_traces_path_once() -> None:
    assert tracing.traces_url("http://collector:4318") == "http://collector:4318/v1/traces"
    assert tracing.traces_url("http://c:4318/v1/traces/") == "http://c:4318/v1/traces"


def test_a_rebuild_replays_records_without_spans() -> None:
    traced = _Record("s", 0, 7, orjson.dumps({"id": "e"}), [(TRACEPARENT, STORED.encode())])
    with exported() as exporter:
        with consuming("alerts", [traced], traced=False):
            assert consumed("e") is None
        assert exporter.get_finished_spans() == ()

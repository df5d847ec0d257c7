"""Trace context across Kafka (docs/adr/0019): the relay's publish spans and the
`ce_traceparent` / `ce_tracestate` headers (the CloudEvents distributed-tracing extension
in the Kafka binding's `ce_` header form), and the projector's spans per consumed record.

The context travels next to the event, never inside it: the CloudEvent bytes are
hash-chained and stored, so an outbox row keeps its `traceparent` in a column of its own.

Spans are made per message, not per batch: each event belongs to the trace of the
request that wrote it, and a span has one parent, so only a span per message keeps every
hop in its request's trace. Only messages carrying a context get one, so an untraced
backlog costs a header scan per record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind

from lotledger.shared import tracing
from lotledger.shared.envelope import event_id_of
from lotledger.shared.publishing import Headers

TRACEPARENT = "ce_traceparent"
TRACESTATE = "ce_tracestate"


class Traced(Protocol):
    """An outbox message as the relay sees it."""

    @property
    def topic(self) -> str: ...

    @property
    def traceparent(self) -> str | None: ...


_consumed: ContextVar[dict[str, Context]] = ContextVar("lotledger_consumed_traces")


@contextmanager
def publishing(
    messages: Sequence[Traced], base: Headers, topic_of: Callable[[Traced], str]
) -> Iterator[Callable[[int], Headers]]:
    """Headers for the i-th message of a batch being sent. A message with a stored
    context gets a producer span (its child, ended when the batch is acknowledged) and
    that span's context in its headers; tracing off here, the stored context is passed on
    unchanged; no stored context, no trace header."""
    spans: dict[int, Span] = {}
    if tracing.enabled():
        for i, m in enumerate(messages):
            parent = tracing.context_of(m.traceparent)
            if parent is not None:
                spans[i] = _publish_span(topic_of(m), parent)

    def headers(i: int) -> Headers:
        span = spans.get(i)
        if span is not None:
            return base + _context_headers(
                tracing.traceparent_of(span), tracing.tracestate_of(span)
            )
        return base + _context_headers(messages[i].traceparent, None)

    with _ended(list(spans.values())):
        yield headers


@contextmanager
def forwarding(
    consumer: str, records: Sequence[Any], target: str
) -> Iterator[Callable[[int], Headers]]:
    """Headers for the copy to `target` of the i-th consumed record (the alerts
    repartition stage). A record carrying a context gets a consumer span (its child) and
    under it a producer span to `target`, whose context replaces the record's in the copy,
    both ended when the batch is acknowledged; the record's other headers are kept.
    Tracing off: the headers unchanged."""
    publishes: dict[int, Span] = {}
    processes: list[Span] = []
    if tracing.enabled():
        for i, r in enumerate(records):
            parent = tracing.context_of(header(r, TRACEPARENT), header(r, TRACESTATE))
            if parent is not None and r.value is not None:
                processes.append(_process_span(consumer, r, parent))
                publishes[i] = _publish_span(target, trace.set_span_in_context(processes[-1]))

    def headers(i: int) -> Headers:
        kept = list(records[i].headers or ())
        span = publishes.get(i)
        if span is None:
            return kept
        return [(k, v) for k, v in kept if k not in (TRACEPARENT, TRACESTATE)] + (
            _context_headers(tracing.traceparent_of(span), tracing.tracestate_of(span))
        )

    with _ended([*publishes.values(), *processes]):
        yield headers


def _publish_span(topic: str, parent: Context) -> Span:
    return tracing.tracer().start_span(
        f"{topic} publish",
        context=parent,
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "publish",
            "messaging.destination.name": topic,
        },
    )


def _process_span(consumer: str, record: Any, parent: Context) -> Span:
    return tracing.tracer().start_span(
        f"{record.topic} process",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": record.topic,
            "messaging.consumer.group.name": consumer,
            "messaging.destination.partition.id": str(record.partition),
            "messaging.kafka.offset": record.offset,
        },
    )


@contextmanager
def _ended(spans: list[Span]) -> Iterator[None]:
    """Ends `spans` when the block does, marked failed if it raised."""
    try:
        yield
    except BaseException as exc:
        for span in spans:
            span.record_exception(exc)
            span.set_status(trace.StatusCode.ERROR)
        raise
    finally:
        for span in spans:
            span.end()


def _context_headers(traceparent: str | None, tracestate: str | None) -> Headers:
    found: Headers = []
    if traceparent:
        found.append((TRACEPARENT, traceparent.encode()))
    if tracestate:
        found.append((TRACESTATE, tracestate.encode()))
    return found


def header(record: Any, name: str) -> str | None:
    for key, value in record.headers or ():
        if key == name:
            return bytes(value).decode("latin-1")
    return None


@contextmanager
def consuming(consumer: str, records: Sequence[Any], traced: bool = True) -> Iterator[None]:
    """A consumer span per record that carries a context, as its child, open while the
    batch is applied; inside, `consumed(event_id)` is the span's context for what the
    projection writes because of that event (an alert, an outbox row)."""
    if not traced or not tracing.enabled():
        yield
        return
    spans: list[Span] = []
    contexts: dict[str, Context] = {}
    for r in records:
        parent = tracing.context_of(header(r, TRACEPARENT), header(r, TRACESTATE))
        if parent is None or r.value is None:
            continue
        span = _process_span(consumer, r, parent)
        spans.append(span)
        event_id = event_id_of(r.value)
        if event_id:
            contexts[event_id] = trace.set_span_in_context(span)
    token = _consumed.set(contexts)
    try:
        with _ended(spans):
            yield
    finally:
        _consumed.reset(token)


def consumed(event_id: str | None) -> Context | None:
    """The consumer span's context of the event being applied (None: not traced)."""
    if event_id is None:
        return None
    return _consumed.get({}).get(event_id)


@contextmanager
def caused_by(
    event_id: str | None, name: str, attributes: dict[str, str] | None = None
) -> Iterator[str | None]:
    """A span for what a consumed event caused (an alert's change), child of that event's
    consumer span (else of whatever span is current); yields its traceparent to store
    with what it writes. Tracing off: no span, None."""
    if not tracing.enabled():
        yield None
        return
    with tracing.tracer().start_as_current_span(
        name, context=consumed(event_id), attributes=attributes
    ) as span:
        yield tracing.traceparent_of(span)


def consumed_traceparent(event_id: str | None) -> str | None:
    """The traceparent of a consumed event's span (None: not traced), for work queued
    because of it that no span of its own describes (a stock event's webhook)."""
    context = consumed(event_id)
    return None if context is None else tracing.traceparent_of(trace.get_current_span(context))

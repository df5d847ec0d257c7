"""The webhook POST as a client span continuing the trace of the alert change (or stock
event) that queued the delivery, and the `traceparent` header the receiver gets, so a
receiver that traces joins the same trace (docs/adr/0019)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind

from lotledger.shared import tracing


@dataclass
class WebhookTrace:
    span: Span | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def finish(self, status_code: int | None, error: str | None) -> None:
        if self.span is None:
            return
        if status_code is not None:
            self.span.set_attribute("http.response.status_code", status_code)
        if error is not None or status_code is None or status_code >= 400:
            self.span.set_status(trace.StatusCode.ERROR, error)


@contextmanager
def traced_post(traceparent: str | None, url: str, delivery_id: str) -> Iterator[WebhookTrace]:
    """Tracing off here, a stored context is passed on unchanged; none, no header."""
    parent = tracing.context_of(traceparent)
    if not tracing.enabled() or parent is None:
        passed_on = traceparent if parent is not None else None
        yield WebhookTrace(headers={"traceparent": passed_on} if passed_on else {})
        return
    with tracing.tracer().start_as_current_span(
        "webhook POST",
        context=parent,
        kind=SpanKind.CLIENT,
        attributes={
            "http.request.method": "POST",
            "url.full": url,
            "lotledger.delivery.id": delivery_id,
        },
    ) as span:
        yield WebhookTrace(span, {"traceparent": tracing.traceparent_of(span) or ""})

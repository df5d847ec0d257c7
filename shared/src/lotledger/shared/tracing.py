"""Distributed tracing (OpenTelemetry, docs/adr/0019), off unless configured.

Off, no tracer provider exists: `enabled()` is False, `tracer()` makes non-recording
spans, and `current_traceparent()` is None, so nothing is written to outboxes or Kafka
headers and a hop costs one global read. On, spans go to an OTLP/HTTP collector through
a batching processor (export never blocks a request).

The provider is this module's own, not the OpenTelemetry global, so a test can install an
in-memory exporter for one run and remove it afterwards (`install`).
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import NoOpTracer, Span, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from lotledger.shared.settings import ObservabilitySettings

TRACES_PATH = "/v1/traces"
_PROPAGATOR = TraceContextTextMapPropagator()
_NO_OP = NoOpTracer()
_provider: TracerProvider | None = None
_tracer: Tracer = _NO_OP


def configure_tracing(service: str, settings: ObservabilitySettings) -> None:
    """Every composition root calls this once; a provider already installed (a second
    app in one process, a test's exporter) is kept."""
    if _provider is not None:
        return
    standard = os.environ.get("OTEL_TRACES_EXPORTER", "").lower() == "otlp"
    if settings.otlp_endpoint is None and not standard:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    exporter = (
        OTLPSpanExporter(endpoint=traces_url(settings.otlp_endpoint))
        if settings.otlp_endpoint
        else OTLPSpanExporter()
    )
    provider = TracerProvider(resource=Resource.create({"service.name": f"lotledger-{service}"}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    install(provider)


def traces_url(endpoint: str) -> str:
    """A collector base URL with the OTLP/HTTP traces path (as OTEL_EXPORTER_OTLP_ENDPOINT)."""
    base = endpoint.rstrip("/")
    return base if base.endswith(TRACES_PATH) else base + TRACES_PATH


def install(provider: TracerProvider | None) -> None:
    """Use `provider` from now on; None turns tracing off. The one replaced is shut down
    (its export thread stopped)."""
    global _provider, _tracer
    if _provider is not None and _provider is not provider:
        _provider.shutdown()
    _provider = provider
    _tracer = provider.get_tracer("lotledger") if provider is not None else _NO_OP


def shutdown_tracing() -> None:
    """Export what is buffered (a worker's or app's last act)."""
    if _provider is not None:
        _provider.force_flush()


def enabled() -> bool:
    return _provider is not None


def tracer() -> Tracer:
    return _tracer


def current_traceparent() -> str | None:
    """The W3C traceparent of the active span, or None when tracing is off (or no span
    is active): what a writer stores next to the event it commits."""
    if _provider is None:
        return None
    return traceparent_of(trace.get_current_span())


def traceparent_of(span: Span) -> str | None:
    if not span.get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, trace.set_span_in_context(span))
    return carrier.get("traceparent")


def tracestate_of(span: Span) -> str | None:
    state = span.get_span_context().trace_state
    return state.to_header() if state else None


def context_of(traceparent: str | None, tracestate: str | None = None) -> Context | None:
    """The remote parent a stored or received traceparent names (None if absent or
    malformed: a bad header starts no trace and breaks nothing)."""
    if not traceparent:
        return None
    carrier = {"traceparent": traceparent}
    if tracestate:
        carrier["tracestate"] = tracestate
    context = _PROPAGATOR.extract(carrier)
    return context if trace.get_current_span(context).get_span_context().is_valid else None

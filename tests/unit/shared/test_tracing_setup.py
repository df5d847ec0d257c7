"""`configure_tracing`: nothing without an endpoint; with one, spans reach an OTLP/HTTP
collector at its /v1/traces (a stub collector in this test, on loopback)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from lotledger.shared import tracing
from lotledger.shared.settings import ObservabilitySettings


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.received.append((self.path, self.headers.get("content-type", ""), body))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def collector() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _tracing_off_afterwards() -> Iterator[None]:
    yield
    tracing.install(None)


def test_without_an_endpoint_tracing_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    tracing.configure_tracing("inventory", ObservabilitySettings(otlp_endpoint=None))
    assert not tracing.enabled()


def test_with_an_endpoint_spans_reach_the_collector() -> None:
    _Collector.received.clear()
    with collector() as url:
        tracing.configure_tracing("inventory", ObservabilitySettings(otlp_endpoint=url))
        assert tracing.enabled()
        with tracing.tracer().start_as_current_span("POST /v1/picks"):
            assert tracing.current_traceparent() is not None
        tracing.shutdown_tracing()
    ((path, content_type, body),) = _Collector.received
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    assert b"POST /v1/picks" in body
    assert b"lotledger-inventory" in body

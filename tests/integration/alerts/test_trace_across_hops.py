"""One trace from a scanner's pick to the webhook it causes (issue 17 item 5, ADR 0019):
the inventory POST, the relay's publish, the traceability projector's and the alerts
repartition stage's records, the copy keyed by product and the alerts projector's record,
the low-stock alert raised, its publication and the webhook POST share one trace id, each
hop the child of the one before, and the receiver gets the trace in `traceparent`.

Every worker runs in this process (the alerts world, plus traceability's projector), so
one in-memory exporter sees every span, over the real Postgres and Kafka.

The pick waits until alerts knows the product's reorder point: the catalog record and the
stock records travel different topics, and a catalog record applied after the pick raises
the same alert under its own cause, in the product PUT's trace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import SecretStr

from lotledger.shared.contracts.topics import ALERTS, ALERTS_STOCK_BY_PRODUCT, STOCK
from lotledger.traceability.bootstrap import run_projector
from lotledger.traceability.settings import TraceabilitySettings
from tests.integration.alerts.steps import pick, product, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, alerts_world, fresh_gtin
from tests.support.infra import migrate
from tests.support.receiver import Receiver, new_secret, receiving
from tests.support.spans import exported
from tests.support.tokens import TEST_SECRET
from tests.support.world import fresh_lot

SECRET = new_secret()


@asynccontextmanager
async def traceability_projector(world: AlertsWorld) -> AsyncIterator[None]:
    await migrate(world.infra, "traceability")
    settings = TraceabilitySettings(
        traceability_database_url=world.infra.url("traceability"),
        kafka_bootstrap=world.infra.kafka_bootstrap,
        topic_prefix=world.infra.topic_prefix,
        topic_partitions=3,
        auth_secret=SecretStr(TEST_SECRET),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_projector(settings, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def _low_stock_of(gtin: str) -> Any:
    def found(receiver: Receiver) -> bool:
        return any(
            h.body["data"]["alert_type"] == "low_stock" and h.body["data"]["gtin"] == gtin
            for h in receiver.accepted()
        )

    return found


async def test_one_trace_spans_the_post_relay_projectors_alert_and_webhook() -> None:
    gtin, lot = fresh_gtin(), fresh_lot("OTEL")
    with exported() as exporter:
        async with (
            alerts_world() as world,
            traceability_projector(world),
            receiving(SECRET) as receiver,
        ):
            created = await world.api.post(
                "/v1/webhooks",
                json={"url": receiver.url, "types": ["low_stock"], "secret": SECRET},
                headers=ADMIN,
            )
            assert created.status_code == 201, created.text
            await product(world, gtin, reorder_point=5)
            await world.until(lambda: world.sql("SELECT 1 FROM products WHERE gtin = $1", gtin))
            await receive(world, gtin, lot, 20, "2027-09-30")
            await pick(world, gtin, lot, 16)
            await receiver.wait_for(_low_stock_of(gtin))
            await _until_spans(exporter, "webhook POST")
            (hit,) = [h for h in receiver.accepted() if h.body["data"]["gtin"] == gtin]
            stock_topic = world.settings.topic(STOCK)
            alerts_topic = world.settings.topic(ALERTS)
            by_product_topic = world.settings.topic(ALERTS_STOCK_BY_PRODUCT)

    spans = exporter.get_finished_spans()
    (post,) = [s for s in spans if s.name == "POST /v1/picks"]
    assert post.kind is SpanKind.SERVER
    trace_id = post.context.trace_id
    mine = [s for s in spans if s.context.trace_id == trace_id]
    by_id = {s.context.span_id: s for s in mine}

    def parent_of(span: ReadableSpan) -> ReadableSpan:
        assert span.parent is not None, span.name
        return by_id[span.parent.span_id]

    (publish,) = [s for s in mine if s.name == f"{stock_topic} publish"]
    assert parent_of(publish) is post
    processed = {
        s.attributes["messaging.consumer.group.name"]: s
        for s in mine
        if s.name == f"{stock_topic} process" and s.attributes
    }
    assert set(processed) == {"traceability", "alerts-repartition"}
    assert all(parent_of(s) is publish for s in processed.values())
    (copied,) = [s for s in mine if s.name == f"{by_product_topic} publish"]
    assert parent_of(copied) is processed["alerts-repartition"]
    (evaluated,) = [s for s in mine if s.name == f"{by_product_topic} process"]
    assert (evaluated.attributes or {}).get("messaging.consumer.group.name") == "alerts"
    assert parent_of(evaluated) is copied
    (raised,) = [s for s in mine if s.name == "alert raised"]
    assert parent_of(raised) is evaluated
    assert (raised.attributes or {}).get("lotledger.alert.type") == "low_stock"
    (published,) = [s for s in mine if s.name == f"{alerts_topic} publish"]
    assert parent_of(published) is raised
    (webhook,) = [s for s in mine if s.name == "webhook POST"]
    assert parent_of(webhook) is raised
    assert (webhook.attributes or {}).get("http.response.status_code") == hit.answered
    _, sent_trace, sent_span, _ = hit.headers["traceparent"].split("-")
    assert (int(sent_trace, 16), int(sent_span, 16)) == (trace_id, webhook.context.span_id)


async def _until_spans(exporter: InMemorySpanExporter, name: str, timeout_s: float = 10) -> None:
    """The webhook span ends just after the receiver answered."""
    async with asyncio.timeout(timeout_s):
        while not any(s.name == name for s in exporter.get_finished_spans()):
            await asyncio.sleep(0.05)

"""The `project` worker: the projector (consumer group member applying batches exactly
once) and the excursion relay (publishing the outbox the projection fills), until SIGTERM.

Every replica runs both. The projector scales with the topics' partitions; the relays
split the outbox's slots between the live replicas (docs/adr/0018-relay-shares.md). Either failing
stops the other and the process exits non-zero, for its supervisor to restart it.
"""

from __future__ import annotations

import asyncio

import structlog
from prometheus_client import Counter, start_http_server

from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.projection import Projector
from lotledger.shared.relay import OutboxRelay, RelayConfig
from lotledger.traceability.entrypoints.wiring import Wiring
from lotledger.traceability.settings import TraceabilitySettings

log = structlog.get_logger("lotledger.traceability.projector")
GROUP = "lotledger-traceability"
LOCK_KEY = 0x6C6F747472616365  # "lottrace"
PUBLISHED = Counter(
    "lotledger_traceability_excursions_published_total", "Excursion events published"
)
RECOVERED = Counter(
    "lotledger_traceability_excursions_recovered_total",
    "Excursion events found already published during recovery",
)


def excursion_relay(settings: TraceabilitySettings, idle_wait_s: float = 1.0) -> OutboxRelay:
    config = RelayConfig(
        name="lotledger-traceability-relay",
        database_url=settings.traceability_database_url,
        schema=settings.traceability_db_schema,
        topics=(settings.topic(EXCURSIONS),),
        lock_key=LOCK_KEY,
        batch_size=settings.traceability_batch_size,
        published=PUBLISHED,
        recovered=RECOVERED,
    )
    return OutboxRelay(settings, config, idle_wait_s)


async def run_projector(wiring: Wiring, stop: asyncio.Event) -> None:
    settings = wiring.settings
    own_port = settings.traceability_metrics_port  # same registry: one server a port
    if own_port is not None and own_port != settings.metrics_port:
        start_http_server(own_port, addr="0.0.0.0")  # noqa: S104
        log.info("metrics_serving", port=own_port)
    engine = wiring.engine("projector")
    projector = Projector(
        settings,
        engine,
        wiring.projection(publish=True),
        group_id=GROUP,
        max_records=settings.traceability_batch_size,
    )
    try:
        async with asyncio.TaskGroup() as workers:
            workers.create_task(projector.run(stop))
            workers.create_task(excursion_relay(settings).run(stop))
    finally:
        await engine.dispose()

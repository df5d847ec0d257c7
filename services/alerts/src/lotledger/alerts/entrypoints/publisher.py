"""Publishes the alert-event outbox to `lotledger.alerts.v1`, once per event id: the
shared relay (docs/adr/0001) over the alerts schema. One alert's changes stay in order:
they are committed one after another under their group's subject lock (docs/adr/0017),
so their outbox ids are in order, and they share a key."""

from __future__ import annotations

from prometheus_client import Counter

from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.contracts.topics import ALERTS
from lotledger.shared.relay import OutboxRelay, RelayConfig

LOCK_KEY = 0x6C6F746C65646C61  # "lotledla": alerts publisher
PUBLISHED = Counter("lotledger_alerts_published_total", "Alert events published to Kafka")
RECOVERED = Counter(
    "lotledger_alerts_recovered_total", "Alert events found already published during recovery"
)


class Publisher(OutboxRelay):
    def __init__(self, settings: AlertsSettings, idle_wait_s: float = 1.0) -> None:
        super().__init__(
            settings,
            RelayConfig(
                name="lotledger-alerts-publisher",
                database_url=settings.alerts_database_url,
                schema=settings.alerts_db_schema,
                topics=(settings.topic(ALERTS),),
                lock_key=LOCK_KEY,
                batch_size=settings.alerts_publish_batch,
                published=PUBLISHED,
                recovered=RECOVERED,
                default_topic=settings.topic(ALERTS),
            ),
            idle_wait_s,
        )

"""The GSP record (telemetry and the alerts raised on it) is kept for the configured record
period, five years by default; other topics keep their own retention."""

from lotledger.shared.contracts.topics import ALERTS, DAY_MS, TELEMETRY, TOPICS, topic_configs
from lotledger.shared.settings import CommonSettings


def test_record_topics_keep_the_configured_period() -> None:
    days = CommonSettings().record_retention_days
    assert days >= 5 * 365
    by_name = {spec.name: spec for spec in TOPICS}
    assert {spec.name for spec in TOPICS if spec.record} == {TELEMETRY, ALERTS}
    for name in (TELEMETRY, ALERTS):
        assert topic_configs(by_name[name], 1, days)["retention.ms"] == str(days * DAY_MS)
        assert topic_configs(by_name[name], 1, 3650)["retention.ms"] == str(3650 * DAY_MS)
    for spec in TOPICS:
        if not spec.record:
            assert topic_configs(spec, 1, 1) == {**spec.configs, "min.insync.replicas": "1"}

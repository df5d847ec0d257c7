"""Pure pieces around webhook delivery: which URLs are accepted, Retry-After parsing,
sealed secrets, and where an alert is (its place) as published."""

from datetime import UTC, datetime, timedelta

import pytest

from lotledger.alerts.adapters.secret_box import SecretBox, SecretUnreadable
from lotledger.alerts.adapters.webhook_client import retry_after_seconds
from lotledger.alerts.domain.alert import Alert, Change, ChangeKind
from lotledger.alerts.domain.conditions import AlertKey
from lotledger.alerts.domain.subjects import lot_subject
from lotledger.alerts.domain.webhook_urls import InvalidWebhookUrl, check_url
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity
from tests.unit.alerts.fixtures import GTIN, NOW


@pytest.mark.parametrize(
    "url",
    [
        "https://erp.example.com/hooks/lotledger",
        "http://erp.example.com:8080/a?b=c",
        "https://8.8.8.8/hook",
    ],
)
def test_public_http_urls_are_accepted(url: str) -> None:
    assert check_url(url, allow_internal=False) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_internal_hosts_need_the_local_allowance(url: str) -> None:
    with pytest.raises(InvalidWebhookUrl):
        check_url(url, allow_internal=False)
    assert check_url(url, allow_internal=True) == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "https://user:pass@example.com/x",
        "https:///no-host",
        "https://example.com/x#fragment",
        "https://example.com:99999/x",
        "https://example.com/" + "x" * 2048,
        "https://example.com/a\x00b",
        "https://example.com/a b",
        "https://exämple.com/",
    ],
)
def test_other_urls_are_refused_naming_the_field(url: str) -> None:
    with pytest.raises(InvalidWebhookUrl) as refused:
        check_url(url, allow_internal=True)
    assert refused.value.field == "url"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Tue, 24 Nov 2026 10:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Tue, 24 Nov 2026 09:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_secrets_are_sealed_and_keys_rotate() -> None:
    old = SecretBox("old-key-material-0123456789")
    sealed = old.seal("whsec-1")
    assert b"whsec-1" not in sealed
    rotated = SecretBox("new-key-material-9876543210,old-key-material-0123456789")
    assert rotated.open(sealed) == "whsec-1"
    assert rotated.open(rotated.seal("whsec-2")) == "whsec-2"
    resealed = rotated.reseal(sealed)
    assert SecretBox("new-key-material-9876543210").open(resealed) == "whsec-1"
    with pytest.raises(SecretUnreadable):
        SecretBox("new-key-material-9876543210").open(sealed)
    with pytest.raises(ValueError, match="key"):
        SecretBox(" , ")


def _alert(key: AlertKey, details: dict[str, object]) -> Alert:
    return Alert("a-1", key, Severity.INFO, AlertStatus.RESOLVED, NOW, NOW, details)


def test_an_alert_is_placed_by_its_details_or_its_subject() -> None:
    lot_alert = _alert(
        AlertKey(AlertType.NEAR_EXPIRY, lot_subject(GTIN, "L1", "WH2"), "180d"),
        {"gtin": GTIN, "locations": {"WH2/A/1": 3}},
    )
    place = lot_alert.place
    assert (place.gtin, place.warehouse, place.location) == (GTIN, "WH2", None)
    recall = _alert(AlertKey(AlertType.RECALL, f"{GTIN}/L1"), {"gtin": GTIN, "on_hand": 0})
    assert recall.place.warehouse is None
    resolved = Change(
        ChangeKind.RESOLVED,
        Alert(
            "a-2",
            AlertKey(AlertType.SENSOR_SILENT, "T-1"),
            Severity.WARNING,
            AlertStatus.RESOLVED,
            NOW,
            NOW + timedelta(hours=1),
            {"location": "WH1/A/1", "warehouse": "WH1"},
            resolved_by="qa-1",
            resolved_at=NOW + timedelta(hours=1),
        ),
        "qa-1",
    ).payload()
    assert (resolved.location, resolved.warehouse, resolved.resolved_by) == (
        "WH1/A/1",
        "WH1",
        "qa-1",
    )

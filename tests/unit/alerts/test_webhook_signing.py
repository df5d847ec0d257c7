"""Webhook requests are signed by the Standard Webhooks convention: the published library,
given the subscription's secret, verifies them, and refuses a tampered body, another
secret and a timestamp outside its window. Legacy subscriptions also keep the deprecated
X-Lotledger-Signature; secrets are whsec_ with 24-64 random bytes."""

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from lotledger.alerts.adapters.webhook_client import request_headers
from lotledger.alerts.domain.webhook_secrets import (
    InvalidWebhookSecret,
    SecretFormat,
    as_standard,
    signing_key,
    standard_key,
)

BODY = b'{"id":"e-1","type":"lotledger.alert.raised.v1","data":{"gtin":"09506000134352"}}'
SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
DELIVERY = "7a3c6c2e-1d2b-5f4e-9b8a-0c1d2e3f4a5b"
EVENT = "lotledger.alert.raised.v1"
Forge = Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]]


def _headers(
    at: datetime, secret: str = SECRET, fmt: SecretFormat = SecretFormat.STANDARD
) -> dict[str, str]:
    key = signing_key(secret, fmt)
    return request_headers(key, BODY, DELIVERY, EVENT, at, legacy=fmt is SecretFormat.LEGACY)


def test_the_library_verifies_a_request_with_the_subscriptions_secret() -> None:
    now = datetime.now(UTC)
    headers = _headers(now)
    assert Webhook(SECRET).verify(BODY, headers) == {
        "id": "e-1",
        "type": EVENT,
        "data": {"gtin": "09506000134352"},
    }
    assert headers["webhook-id"] == DELIVERY
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert "X-Lotledger-Signature" not in headers
    assert headers["X-Lotledger-Event"] == EVENT


def test_the_signature_covers_id_timestamp_and_body() -> None:
    at = datetime(2026, 12, 3, 18, 0, 0, 900000, tzinfo=UTC)
    headers = _headers(at)
    signed = f"{DELIVERY}.{int(at.timestamp())}.".encode() + BODY
    expected = base64.b64encode(hmac.new(bytes(range(32)), signed, hashlib.sha256).digest())
    assert headers["webhook-signature"] == "v1," + expected.decode()


@pytest.mark.parametrize(
    "forge",
    [
        lambda h, b: (h, b.replace(b"09506000134352", b"09506000134369")),
        lambda h, b: (h | {"webhook-id": "another-id"}, b),
        lambda h, b: (h | {"webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b),
    ],
    ids=["tampered-body", "other-id", "other-timestamp", "unsigned"],
)
def test_a_forged_request_is_refused(forge: Forge) -> None:
    headers, body = forge(_headers(datetime.now(UTC)), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body, headers)


def test_another_secret_and_a_timestamp_outside_the_window_are_refused() -> None:
    other = "whsec_" + base64.b64encode(bytes(range(1, 33))).decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(BODY, _headers(datetime.now(UTC)))
    for skew in (timedelta(minutes=-6), timedelta(minutes=6)):
        with pytest.raises(WebhookVerificationError, match="timestamp"):
            Webhook(SECRET).verify(BODY, _headers(datetime.now(UTC) + skew))


def test_each_attempt_keeps_the_id_and_is_signed_at_its_own_instant() -> None:
    first = _headers(datetime(2026, 12, 3, 18, 0, tzinfo=UTC))
    retry = _headers(datetime(2026, 12, 3, 18, 0, 30, tzinfo=UTC))
    assert first["webhook-id"] == retry["webhook-id"] == DELIVERY
    assert first["webhook-timestamp"] != retry["webhook-timestamp"]
    assert first["webhook-signature"] != retry["webhook-signature"]


def test_a_legacy_subscription_gets_both_signatures_with_its_old_key() -> None:
    legacy = "free-text-secret-from-before"
    headers = _headers(datetime.now(UTC), legacy, SecretFormat.LEGACY)
    old = hmac.new(legacy.encode(), BODY, hashlib.sha256).hexdigest()
    assert headers["X-Lotledger-Signature"] == f"sha256={old}"
    assert headers["X-Lotledger-Delivery"] == headers["webhook-id"] == DELIVERY
    Webhook(as_standard(legacy)).verify(BODY, headers)


@pytest.mark.parametrize(
    "secret",
    [
        "free-text-secret-that-is-long-enough",
        "whsec_" + base64.b64encode(bytes(23)).decode(),
        "whsec_" + base64.b64encode(bytes(65)).decode(),
        "whsec_" + base64.b64encode(bytes(32)).decode().rstrip("="),
        "whsec_" + base64.b64encode(bytes(32)).decode() + "*",
        "WHSEC_" + base64.b64encode(bytes(32)).decode(),
    ],
)
def test_secrets_must_be_whsec_with_24_to_64_bytes(secret: str) -> None:
    with pytest.raises(InvalidWebhookSecret) as refused:
        standard_key(secret)
    assert refused.value.field == "secret"
    assert secret not in str(refused.value)


def test_a_whsec_secret_is_its_base64_bytes() -> None:
    assert standard_key(SECRET) == bytes(range(32))
    assert standard_key("whsec_" + base64.b64encode(bytes(64)).decode()) == bytes(64)
    assert signing_key("legacy-text", SecretFormat.LEGACY) == b"legacy-text"

"""Webhook request headers by the Standard Webhooks convention
(https://www.standardwebhooks.com/), signed with its published library, so a receiver
verifies them with the same library in any language:

- `webhook-id`: the delivery id, uuid5(subscription, event id), the same on every attempt:
  receivers process each id once;
- `webhook-timestamp`: the attempt's instant in whole seconds since the epoch; every
  retry is signed afresh, and receivers refuse one outside their window (the library's
  is 5 minutes), so a captured request cannot be replayed later;
- `webhook-signature`: `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` over the
  exact bytes sent.

Subscriptions with a legacy secret (`SecretFormat.LEGACY`, ADR 0006) also get the
deprecated `X-Lotledger-Signature: sha256=<hex HMAC-SHA256(key, body)>` and
`X-Lotledger-Delivery` (= `webhook-id`) they verified before, until they are re-created
with a `whsec_` secret.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from math import floor

from standardwebhooks import Webhook

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
LEGACY_SIGNATURE_HEADER = "X-Lotledger-Signature"
LEGACY_DELIVERY_HEADER = "X-Lotledger-Delivery"


def standard_headers(key: bytes, delivery_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """`body` is UTF-8 (JSON), as the library signs and verifies text."""
    instant = at.astimezone(UTC)
    return {
        ID_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(floor(instant.timestamp())),
        SIGNATURE_HEADER: Webhook(key).sign(delivery_id, instant, body.decode()),
    }


def legacy_headers(key: bytes, delivery_id: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(key, body, hashlib.sha256).hexdigest()
    return {LEGACY_SIGNATURE_HEADER: f"sha256={digest}", LEGACY_DELIVERY_HEADER: delivery_id}

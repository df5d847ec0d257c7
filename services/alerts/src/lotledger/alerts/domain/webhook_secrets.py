"""Webhook signing secrets (ADR 0006).

A subscription is created with a Standard Webhooks secret: `whsec_` followed by the
base64 of 24 to 64 random bytes. Those bytes are the HMAC-SHA256 key, and a receiver
hands the very same string to any Standard Webhooks library.

Subscriptions created before (format `legacy`) keep the free-text secret they were
given: its UTF-8 bytes are the key, so their receivers verify with the library by handing
it `whsec_` + base64(secret) (`as_standard`), and also get the deprecated
`X-Lotledger-Signature` they verified until now.
"""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum

from lotledger.shared.errors import DomainError

PREFIX = "whsec_"
MIN_KEY_BYTES = 24
MAX_KEY_BYTES = 64


class SecretFormat(StrEnum):
    STANDARD = "standard"
    LEGACY = "legacy"


class InvalidWebhookSecret(DomainError):
    pass


def standard_key(secret: str) -> bytes:
    """The key of a `whsec_` secret; refuses anything else, naming the field."""
    rule = (
        f"the secret must be {PREFIX} followed by the base64 of "
        f"{MIN_KEY_BYTES} to {MAX_KEY_BYTES} random bytes (Standard Webhooks)"
    )
    if not secret.startswith(PREFIX):
        raise InvalidWebhookSecret(rule, field="secret")
    try:
        key = base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidWebhookSecret(rule, field="secret") from exc
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise InvalidWebhookSecret(rule, field="secret")
    return key


def signing_key(secret: str, secret_format: SecretFormat) -> bytes:
    if secret_format is SecretFormat.LEGACY:
        return secret.encode()
    return standard_key(secret)


def as_standard(legacy_secret: str) -> str:
    """The `whsec_` form of a legacy secret: the same key, for a Standard Webhooks library."""
    return PREFIX + base64.b64encode(legacy_secret.encode()).decode()

"""Webhook secrets sealed at rest (Fernet: AES-128-CBC with HMAC-SHA256, from the
maintained `cryptography` package). The API never returns a secret; the deliverer
unseals it only to sign a body.

Keys come from `LOTLEDGER_ALERTS_WEBHOOK_KEYS`, comma-separated high-entropy strings
(each hashed with SHA-256 into a Fernet key). The first key seals; every key unseals, so a
key is rotated by putting a new one first, re-sealing (`lotledger-alerts reseal`), then
dropping the old one.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretUnreadable(Exception):
    """No configured key opens the sealed secret (a key was dropped too early)."""


class SecretBox:
    def __init__(self, keys: str) -> None:
        material = [k.strip() for k in keys.split(",") if k.strip()]
        if not material:
            raise ValueError("at least one webhook key is needed")
        self._fernet = MultiFernet(
            [
                Fernet(base64.urlsafe_b64encode(hashlib.sha256(k.encode()).digest()))
                for k in material
            ]
        )

    def seal(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def reseal(self, sealed: bytes) -> bytes:
        """The same secret sealed with the first key (for key rotation)."""
        try:
            return self._fernet.rotate(sealed)
        except InvalidToken as exc:
            raise SecretUnreadable("no configured webhook key opens this secret") from exc

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise SecretUnreadable("no configured webhook key opens this secret") from exc

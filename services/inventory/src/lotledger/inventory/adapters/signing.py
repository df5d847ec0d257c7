"""Ed25519 signing of checkpoints. The key is a 32-byte seed, base64 in settings."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, seed_b64: str) -> Signer:
        return cls(Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64)))

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of sha256(raw public key)."""
        return hashlib.sha256(self.public_raw).hexdigest()[:16]

    def sign(self, payload: bytes) -> str:
        return base64.b64encode(self.private.sign(payload)).decode()


def signature_valid(public_raw: bytes, payload: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(
            base64.b64decode(signature_b64), payload
        )
    except (InvalidSignature, ValueError):
        return False
    return True

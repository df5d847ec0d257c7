"""Signed checkpoints: the statement a checkpointer signs and a verifier checks.

A checkpoint covers the stock topic up to `offsets` (per partition, exclusive). Its tree
appends, for each partition in ascending order and each record in offset order since
the previous checkpoint, the leaf `leaf_data(stream, version, hash)` of every record that
is a stock event; `root` is the RFC 6962 root of all leaves so far (`tree_size`), and
`heads` are the last leaf of each stream the checkpoint touched, digested into the
statement. The payload is canonical JSON (sorted keys, no whitespace); the signature is
Ed25519 over those bytes, named by `key_id` (16 hex digits of sha256 of the raw key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lotledger.verify.merkle import leaf_hash

CHECKPOINT_TYPE = "lotledger.log.checkpoint.v1"
Head = tuple[str, int, str]
"""(stream id, version, event hash)."""


def leaf_data(stream: str, version: int, event_hash: str) -> bytes:
    return orjson.dumps(
        {"hash": event_hash, "stream": stream, "version": version}, option=orjson.OPT_SORT_KEYS
    )


def event_leaf(stream: str, version: int, event_hash: str) -> bytes:
    return leaf_hash(leaf_data(stream, version, event_hash))


def leaf_of(envelope: Mapping[str, Any]) -> Head | None:
    """The leaf a stock-topic record contributes (None: the record is not a stock event)."""
    stream, version, event_hash = (
        envelope.get("subject"),
        envelope.get("streamversion"),
        envelope.get("hash"),
    )
    if isinstance(stream, str) and isinstance(version, int) and isinstance(event_hash, str):
        return stream, version, event_hash
    return None


def heads_of(leaves: Iterable[Head]) -> list[Head]:
    """The last leaf of each stream, sorted by stream."""
    last: dict[str, Head] = {}
    for leaf in leaves:
        last[leaf[0]] = leaf
    return [last[s] for s in sorted(last)]


def heads_digest(heads: Iterable[Head]) -> str:
    return hashlib.sha256(orjson.dumps([list(h) for h in sorted(heads)])).hexdigest()


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass(frozen=True)
class Statement:
    log: str
    checkpoint: int
    tree_size: int
    root: str
    streams: int
    offsets: Mapping[int, int]
    heads_digest: str
    created_at: str
    key_id: str
    previous: Mapping[str, Any] | None = field(default=None)
    """The previous checkpoint's number, tree size and root (None for the first)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "checkpoint": self.checkpoint,
            "tree_size": self.tree_size,
            "root": self.root,
            "streams": self.streams,
            "offsets": {str(p): o for p, o in sorted(self.offsets.items())},
            "heads_digest": self.heads_digest,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "previous": dict(self.previous) if self.previous else None,
        }

    def payload(self) -> bytes:
        return orjson.dumps(self.as_dict(), option=orjson.OPT_SORT_KEYS)

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Statement:
        return cls(
            log=str(body["log"]),
            checkpoint=int(body["checkpoint"]),
            tree_size=int(body["tree_size"]),
            root=str(body["root"]),
            streams=int(body["streams"]),
            offsets={int(p): int(o) for p, o in dict(body["offsets"]).items()},
            heads_digest=str(body["heads_digest"]),
            created_at=str(body["created_at"]),
            key_id=str(body["key_id"]),
            previous=body.get("previous"),
        )


def public_key(text: str | bytes) -> bytes:
    """A raw 32-byte Ed25519 public key from PEM (SubjectPublicKeyInfo) or base64 raw."""
    raw = text.encode() if isinstance(text, str) else text
    if raw.lstrip().startswith(b"-----BEGIN"):
        loaded = serialization.load_pem_public_key(raw)
        if not isinstance(loaded, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        decoded = base64.b64decode(raw.strip(), validate=True)
    except binascii.Error as exc:
        raise ValueError("a public key is PEM or base64 of the 32 raw bytes") from exc
    if len(decoded) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return decoded


def signature_valid(public_raw: bytes, payload: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(
            base64.b64decode(signature_b64, validate=True), payload
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def check_signature(statement: Statement, signature: str, keys: Mapping[str, bytes]) -> str | None:
    """None when `signature` is a valid signature of the statement by a trusted key whose
    id it names; otherwise why not."""
    key = keys.get(statement.key_id)
    if key is None:
        return f"signed by key {statement.key_id}, which is not among the trusted keys"
    if not signature_valid(key, statement.payload(), signature):
        return "the signature does not match the statement"
    return None

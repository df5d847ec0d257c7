"""Rows shaped like lotledger's events, for the raw-limit scenarios: a seeded pool of
generated, hash-chained envelopes, re-keyed per use so unique constraints hold."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from lotledger_bench.generator import Chainer, History

COLUMNS = (
    "event_id",
    "stream_id",
    "source",
    "version",
    "type",
    "data",
    "occurred_at",
    "actor",
    "device",
    "correlation_id",
    "causation_id",
    "prev_hash",
    "hash",
)
EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    stream_id      text NOT NULL,
    source         text NOT NULL,
    version        integer NOT NULL CHECK (version > 0),
    type           text NOT NULL,
    data           jsonb NOT NULL,
    occurred_at    timestamptz NOT NULL,
    actor          text NOT NULL,
    device         text,
    correlation_id text,
    causation_id   text,
    prev_hash      char(64) NOT NULL,
    hash           char(64) NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (stream_id, version)
)
"""
"""The same columns, keys and constraints as inventory.events (migration 0001)."""


@cache
def envelopes(seed: int, count: int = 4000) -> tuple[dict[str, Any], ...]:
    history, chainer = History(seed=seed), Chainer(seed=seed)
    pool: list[dict[str, Any]] = []
    for step in history.days(10_000):
        pool += [chainer.envelope(b, e, step.at) for b, e in step.events]
        if len(pool) >= count:
            break
    return tuple(pool)


def _row(env: dict[str, Any]) -> tuple[Any, ...]:
    return (
        None,
        env["subject"],
        env["source"],
        env["streamversion"],
        env["type"],
        orjson.dumps(env["data"]).decode(),
        datetime.fromisoformat(env["time"]),
        env["actor"],
        env.get("device"),
        env.get("correlationid"),
        env.get("causationid"),
        env["prevhash"],
        env["hash"],
    )


@cache
def templates(seed: int) -> tuple[tuple[Any, ...], ...]:
    return tuple(_row(e) for e in envelopes(seed))


def rows(seed: int, tag: str) -> Iterator[tuple[Any, ...]]:
    """Endless rows; each pass over the pool gets streams of its own (`subject~tag.n`)."""
    pool = templates(seed)
    n = 0
    while True:
        n += 1
        suffix = f"~{tag}.{n}"
        for t in pool:
            yield (uuid.uuid4(), t[1] + suffix, *t[2:])


def payload_bytes(seed: int) -> list[bytes]:
    """Whole envelopes as JSON, the state a peer store keeps per event."""
    return [orjson.dumps(e) for e in envelopes(seed)]

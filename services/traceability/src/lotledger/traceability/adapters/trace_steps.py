"""A trace step rendered once, when the projector stores the event: the JSON the trace
endpoint serves for it (the `Step` response model's shape, times in UTC with `Z`).

A lot with 10,000 events is then traced by concatenating stored text, with no per-row
decoding or model building at read time (ADR 0003).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

_PLACES = ("location", "from_location", "to_location")
_SHOWN = frozenset({"gtin", "lot", "at", "qty", *_PLACES})


def render_step(envelope: dict[str, Any], version: int, at: datetime, recorded_at: datetime) -> str:
    data: dict[str, Any] = envelope["data"]
    step = {
        "version": version,
        "event_id": str(envelope["id"]),
        "type": str(envelope["type"]).split(".")[2],
        "at": at,
        "recorded_at": recorded_at,
        "actor": envelope.get("actor"),
        "device": envelope.get("device"),
        "location": data.get("location"),
        "from_location": data.get("from_location"),
        "to_location": data.get("to_location"),
        "qty": data.get("qty"),
        "details": {k: v for k, v in data.items() if k not in _SHOWN},
        "hash": envelope.get("hash"),
    }
    return orjson.dumps(step, option=orjson.OPT_UTC_Z).decode()

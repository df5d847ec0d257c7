"""Payload base for every event's `data`.

Consumers ignore members they do not know, so additive changes within a topic version
never break them (see docs/adr/0002-event-contracts.md).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    def as_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

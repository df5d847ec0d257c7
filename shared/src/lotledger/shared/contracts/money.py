"""Money on events: a unit cost is a non-negative decimal (serialised as a JSON string,
so no binary rounding) in an ISO 4217 currency code. Producers check the code against
the ISO list; the contract only fixes its shape, so a consumer never refuses a currency
newer than its own list."""

from __future__ import annotations

from typing import Any

from pydantic import Field


def cost_field(description: str) -> Any:
    return Field(default=None, ge=0, max_digits=18, decimal_places=6, description=description)


def currency_field(description: str) -> Any:
    return Field(default=None, pattern=r"^[A-Z]{3}$", description=description)

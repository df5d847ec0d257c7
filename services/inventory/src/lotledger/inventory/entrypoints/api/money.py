"""Money in request bodies: a unit cost (a non-negative decimal of at most 6 places, JSON
number or string) and its ISO 4217 currency, checked against the ISO list (`pycountry`).
A cost comes with its currency, never alone."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo

MAX_UNIT_COST = Decimal(10**9)


def _iso_4217(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code} is not an ISO 4217 currency code")
    return code


CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_iso_4217),
    Field(description="ISO 4217 alphabetic code, e.g. EUR"),
]
UnitCost = Annotated[
    Decimal,
    Field(ge=0, le=MAX_UNIT_COST, decimal_places=6, allow_inf_nan=False),
]


def priced(currency: str | None, info: ValidationInfo) -> str | None:
    """A `currency` validator (declared after `unit_cost`, validated even when absent, so
    a refusal names `currency`). An invalid `unit_cost` is refused on its own."""
    if "unit_cost" not in info.data:
        return currency
    if (info.data["unit_cost"] is None) != (currency is None):
        raise ValueError("unit_cost and currency come together")
    return currency


def currency_field() -> Any:
    return Field(default=None, validate_default=True)

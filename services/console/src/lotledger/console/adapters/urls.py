"""Lot path segments: a lot is ONE percent-encoded path segment in every URL the console
builds, its own and the APIs', so lots holding `/`, `%`, `?` or `#` address the right
lot. (The same one-line rule as the services' `lot_segment`.)"""

from __future__ import annotations

from urllib.parse import quote


def lot_segment(lot: str) -> str:
    return quote(lot, safe="")


def lot_path(gtin: str, lot: str) -> str:
    return f"{gtin}/{lot_segment(lot)}"

"""The console's API paths for a lot (docs/adr/0005-lot-url-encoding.md)."""

from __future__ import annotations

from lotledger.shared.urls import lot_segment


def lot_path(gtin: str, lot: str) -> str:
    return f"{gtin}/{lot_segment(lot)}"

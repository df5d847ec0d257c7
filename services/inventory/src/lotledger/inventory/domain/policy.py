"""A deployment's stock rules that are configuration, not master data: the storage-class
ranges, and how far a device's `scanned_at` may lie from the server's clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from lotledger.inventory.domain.catalog import ClassRanges


@dataclass(frozen=True)
class StockPolicy:
    ranges: ClassRanges = field(default_factory=ClassRanges)
    scan_tolerance: timedelta = timedelta(minutes=5)
    """How far in the future a `scanned_at` may be (device clocks drift)."""
    scan_horizon: timedelta = timedelta(days=7)
    """How old a `scanned_at` may be (an offline scanner syncs within this)."""

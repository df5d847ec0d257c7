"""Garbage-collector settings for every lotledger process (services and workers).

A request or a folded batch allocates many short-lived objects, so CPython's default of
a young collection every 700 allocations runs constantly, and every older collection
walks all the modules and objects imported at start (the collector took 12 % of the
inventory API's CPU under load). Collecting the young
generation every 50,000 allocations, with what exists at start frozen out of the
collector's sight, took a rebuild from about 14,000 to about 18,000 records/s on the
reference machine (bench/rebuild_throughput.py). The projection's own objects form no
reference cycles, so memory held between collections stays small.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Freeze what exists now out of the collector's sight; collect young objects less
    often. Call again once start-up is complete to freeze what it created."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 20, 20)

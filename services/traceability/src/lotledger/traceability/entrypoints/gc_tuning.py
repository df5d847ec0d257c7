"""Garbage-collector settings for the batch workers (`project`, `rebuild`).

Folding a batch allocates several objects per record, so CPython's default of a young
collection every 700 allocations runs thousands of times per batch, and every older
collection walks all the modules and objects imported at start. Collecting the young
generation every 50,000 allocations, with what exists at start frozen out of the
collector's sight, took a rebuild from about 14,000 to about 18,000 records/s on the
reference machine (bench/rebuild_throughput.py). The projection's own objects form no
reference cycles, so memory held between collections stays small.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def tune_for_batches() -> None:
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 20, 20)

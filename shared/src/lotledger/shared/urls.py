"""Lots in URLs (docs/adr/0005-lot-url-encoding.md): a lot is ONE path segment,
percent-encoded. GS1 AI 82 lots may hold `/`, `%`, `?`, `#`, `;` and may be `.` or `..`,
so `/v1/batches/{gtin}/{lot}` is built with `lot_segment(lot)`, never with the bare lot."""

from __future__ import annotations

from urllib.parse import quote

_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def lot_segment(lot: str) -> str:
    """The lot as one path segment: every reserved character percent-encoded, and the dot
    segments spelled `%2E` so that clients and proxies do not resolve them away."""
    segment = quote(lot, safe="")
    return _DOT_SEGMENTS.get(segment, segment)

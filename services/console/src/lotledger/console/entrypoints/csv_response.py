"""CSV downloads (RFC 4180, UTF-8 with a BOM so spreadsheet programs read accents)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi import Request
from starlette.responses import Response

from lotledger.console.entrypoints.web import no_store


def csv_download(request: Request, rows: Iterable[Sequence[str]], filename: str) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename)
    response = Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{safe}"'},
    )
    return no_store(request, response)

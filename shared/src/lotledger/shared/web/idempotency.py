"""The `Idempotency-Key` request header every service's POSTs accept, and the replay of a
stored response (docs: lotledger.shared.idempotency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Request
from starlette.responses import Response

from lotledger.shared.idempotency import REPLAYED_HEADER, StoredResponse, fingerprint

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="retries with the same key and body return the first response",
    ),
]


async def request_fingerprint(request: Request) -> str:
    """The fingerprint of the request being served: method, path and JSON body."""
    return fingerprint(request.method, request.url.path, await request.body())


def replayed(response: StoredResponse) -> Response:
    """A stored response answered again, marked `Idempotent-Replayed: true`."""
    return Response(
        response.body,
        status_code=response.status,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )

"""The stock command routes' usual request, handled without FastAPI's generic dependency
solving; every other request goes the standard way.

A stock command endpoint takes `(body, request, rt, who, key)`: a JSON body, the
runtime, the caller (a bearer token) and an optional `Idempotency-Key`. FastAPI resolves
those through its dependency tree on every request (the access check, the runtime, the
caller and its bearer scheme, the header, the body): a sixth of the API's CPU for a
single pick, more than deciding it (docs/adr/0014, eighth amendment).

`CommandRoute` keeps the route exactly as declared, so the OpenAPI document is FastAPI's
own, and answers a request itself only when it is the kind every scanner sends: a JSON
content type, a body that validates, an acceptable key. It validates them with the
route's own fields (FastAPI's `ModelField`s, the same validators), runs the app's access
check as the app-level dependency would, and calls the endpoint. Anything else (no or
another content type, malformed JSON, an invalid body or key) is handed to the standard
handler, which answers it exactly as before: its refusals are FastAPI's.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.responses import Response

from lotledger.shared.web.access import enforce_access

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
KEY_HEADER = "idempotency-key"


class CommandRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        standard = super().get_route_handler()
        dependant = self.dependant
        [body_field] = dependant.body_params
        [key_field] = dependant.header_params
        endpoint = self.endpoint
        names = {p.name for p in [*dependant.body_params, *dependant.header_params]}
        if names != {"body", "key"} or key_field.alias.lower() != KEY_HEADER:
            raise TypeError(f"{self.path} is not a stock command endpoint")
        key_loc = ("header", key_field.alias)

        async def handle(request: Request) -> Response:
            content_type = request.headers.get("content-type", "")
            if content_type.partition(";")[0].strip().lower() != "application/json":
                return await standard(request)
            key = request.headers.get(KEY_HEADER)
            if key is not None and key_field.validate(key, {}, loc=key_loc)[1]:
                return await standard(request)
            try:
                received = await request.json()
            except ValueError:
                return await standard(request)
            body, errors = body_field.validate(received, {}, loc=("body",))
            if errors:
                return await standard(request)
            await enforce_access(request)
            response: Response = await endpoint(
                body=body,
                request=request,
                rt=request.app.state.runtime,
                who=request.state.principal,
                key=key,
            )
            return response

        return handle

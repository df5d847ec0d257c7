"""The floor of our own stack: a minimal FastAPI + pydantic + asyncpg endpoint that
validates a receipt- or pick-shaped body and does one INSERT per POST (autocommit), with
nothing else lotledger does (no auth, idempotency, events, hashes, outbox, batch state).

Run as `uvicorn lotledger_bench.floor_app:app` with FLOOR_DATABASE_URL set; the table is
`baseline.floor`, made by the `stack_floor` scenario.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated

import asyncpg
import orjson
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

INSERT = "INSERT INTO baseline.floor (kind, body) VALUES ($1, $2::jsonb) RETURNING id"
FLOOR_DDL = """
CREATE SCHEMA IF NOT EXISTS baseline;
CREATE TABLE IF NOT EXISTS baseline.floor (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    body jsonb NOT NULL,
    at   timestamptz NOT NULL DEFAULT now()
)
"""
Text = Annotated[str, Field(min_length=1, max_length=128)]


class Receipt(BaseModel):
    gtin: Annotated[str, Field(pattern=r"^\d{14}$")]
    lot: Text
    expiry: date
    qty: Annotated[int, Field(gt=0, le=1_000_000)]
    location: Text
    supplier: Text


class Pick(BaseModel):
    gtin: Annotated[str, Field(pattern=r"^\d{14}$")]
    lot: Text | None = None
    qty: Annotated[int, Field(gt=0, le=1_000_000)]
    location: Text | None = None
    order_ref: Text
    ship_to: Text


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["FLOOR_DATABASE_URL"], min_size=4, max_size=16)
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(lifespan=lifespan)


async def _insert(request: Request, kind: str, body: BaseModel) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    row_id = await pool.fetchval(INSERT, kind, body.model_dump_json())
    return Response(orjson.dumps({"id": row_id}), status_code=201, media_type="application/json")


@app.post("/v1/receipts", status_code=201)
async def receipts(body: Receipt, request: Request) -> Response:
    return await _insert(request, "receipt", body)


@app.post("/v1/picks", status_code=201)
async def picks(body: Pick, request: Request) -> Response:
    return await _insert(request, "pick", body)


@app.get("/readyz")
async def ready() -> dict[str, str]:
    return {"status": "ok"}

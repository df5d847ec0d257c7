"""Webhook subscriptions (admin for every warehouse): create, list, delete, delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr
from starlette.responses import Response

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain.errors import UnknownSubscription
from lotledger.alerts.domain.webhook_urls import MAX_URL, check_url
from lotledger.alerts.domain.webhooks import STOCK_WILDCARD
from lotledger.alerts.entrypoints.api.dependencies import RuntimeDep, SystemAdmin
from lotledger.alerts.entrypoints.api.idempotent import run_once
from lotledger.alerts.entrypoints.api.paths import UUID_PATTERN
from lotledger.alerts.entrypoints.api.views import (
    AttemptView,
    DeliveryPage,
    DeliveryView,
    WebhookView,
)
from lotledger.alerts.service import webhooks
from lotledger.shared.contracts import stock
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.db import json_value
from lotledger.shared.web.idempotency import IdempotencyKey

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
WebhookId = Annotated[str, Path(pattern=UUID_PATTERN, description="the webhook's uuid")]


STOCK_EVENT_NAMES = (*sorted(stock.EVENT_TYPES), STOCK_WILDCARD)


def _stock_event_name(value: str) -> str:
    if value not in STOCK_EVENT_NAMES:
        raise ValueError(f"not a stock event type: {value}")
    return value


StockEventName = Annotated[
    str,
    AfterValidator(_stock_event_name),
    Field(json_schema_extra={"enum": list(STOCK_EVENT_NAMES)}),
]


class WebhookBody(BaseModel):
    """Alert `types` and `stock_events` (event types, or `lotledger.stock.*`, delivered as
    the same CloudEvents Kafka carries: for ERPs without Kafka). Both empty subscribes to
    every alert type. The secret is a Standard Webhooks secret, `whsec_` + base64 of 24-64
    random bytes: it signs every request (`webhook-signature`), is stored sealed and is
    never shown again."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(min_length=1, max_length=MAX_URL)]
    types: Annotated[list[AlertType], Field(max_length=len(AlertType))] = []
    stock_events: Annotated[list[StockEventName], Field(max_length=len(stock.EVENT_TYPES) + 1)] = []
    secret: Annotated[
        SecretStr,
        Field(
            min_length=16,
            max_length=256,
            description="whsec_ followed by the base64 of 24 to 64 random bytes",
        ),
    ]


@router.post(
    "",
    status_code=201,
    response_model=WebhookView,
    summary="Subscribe a URL to alert changes",
    responses={422: {"description": "bad URL, unknown type, secret not whsec_"}},
)
async def create_webhook(
    body: WebhookBody,
    request: Request,
    rt: RuntimeDep,
    who: SystemAdmin,
    key: IdempotencyKey = None,
) -> Response:
    url = check_url(body.url, allow_internal=rt.settings.webhook_loopback_allowed)
    new = webhooks.NewSubscription(
        url, frozenset(body.types), body.secret.get_secret_value(), frozenset(body.stock_events)
    )

    async def act(stores: Stores) -> WebhookView:
        return WebhookView.of(
            await webhooks.subscribe(stores, rt.box, new, who.sub, rt.clock.now())
        )

    return await run_once(request, rt, who, key, act, status=201)


@router.get("", response_model=list[WebhookView], summary="Active subscriptions")
async def list_webhooks(rt: RuntimeDep, who: SystemAdmin) -> list[WebhookView]:
    async with rt.uow() as uow:
        return [WebhookView.of(s) for s in await uow.stores.subscriptions.active()]


@router.get("/{webhook_id}", response_model=WebhookView, summary="One subscription")
async def get_webhook(webhook_id: WebhookId, rt: RuntimeDep, who: SystemAdmin) -> WebhookView:
    async with rt.uow() as uow:
        found = await uow.stores.subscriptions.get(webhook_id)
    if found is None or found.deleted_at is not None:
        raise UnknownSubscription(f"no webhook {webhook_id}", subscription_id=webhook_id)
    return WebhookView.of(found)


@router.delete("/{webhook_id}", status_code=204, summary="Unsubscribe (pending deliveries stop)")
async def delete_webhook(webhook_id: WebhookId, rt: RuntimeDep, who: SystemAdmin) -> Response:
    async with rt.uow() as uow:
        await webhooks.unsubscribe(uow.stores, webhook_id, who.sub, rt.clock.now())
        await uow.commit()
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    summary="Deliveries newest first, each with every attempt (status, error, duration)",
)
async def deliveries(
    webhook_id: WebhookId,
    rt: RuntimeDep,
    who: SystemAdmin,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> DeliveryPage:
    async with rt.uow() as uow:
        if await uow.stores.subscriptions.get(webhook_id) is None:
            raise UnknownSubscription(f"no webhook {webhook_id}", subscription_id=webhook_id)
        rows = await uow.stores.deliveries.log(webhook_id, limit + 1, cursor)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        DeliveryView(
            **{k: v for k, v in row.items() if k not in ("seq", "log")},
            log=[AttemptView.model_validate(a) for a in json_value(row["log"])],
        )
        for row in rows
    ]
    return DeliveryPage(items=items, next_cursor=str(rows[-1]["seq"]) if more else None)

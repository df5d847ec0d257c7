"""A lot as traceability reports it: summary with reconciliation, trace, chain verdict,
recall report. Field meanings are the API's (services/traceability schemas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Balance:
    location: str
    warehouse: str
    qty: int
    since: datetime
    holding_status: str | None = None
    """The status of the stock held there (inventory's stock lines), when known."""


@dataclass(frozen=True)
class Reconciliation:
    received: int
    shipped: int
    disposed: int
    returned: int
    adjustments: int
    count_variances: int
    accounted_on_hand: int
    on_hand: int
    difference: int
    balances: bool


@dataclass(frozen=True)
class LotSummary:
    gtin: str
    lot: str
    expiry: date | None
    manufactured: date | None
    status: str | None
    version: int
    first_at: datetime
    last_at: datetime
    warehouses: tuple[str, ...]
    on_hand: int
    balances: tuple[Balance, ...]
    reconciliation: Reconciliation


@dataclass(frozen=True)
class Origin:
    kind: str
    party: str
    qty: int
    at: datetime
    location: str
    reference: str | None


@dataclass(frozen=True)
class Destination:
    consignee: str
    qty: int
    at: datetime
    order_ref: str
    location: str


@dataclass(frozen=True)
class Step:
    version: int
    type: str
    at: datetime
    recorded_at: datetime
    actor: str | None
    device: str | None
    location: str | None
    from_location: str | None
    to_location: str | None
    qty: int | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Trace:
    origin: tuple[Origin, ...]
    path: tuple[Step, ...]
    destinations: tuple[Destination, ...]


@dataclass(frozen=True)
class CheckpointComparison:
    checkpoint_id: int
    logged_version: int
    logged_hash: str
    matches: bool | None
    reason: str | None


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    checked: int
    broken_version: int | None
    reason: str | None
    head_hash: str | None
    checkpoint: CheckpointComparison | None


@dataclass(frozen=True)
class RecallNotice:
    recall_id: str
    recall_class: str
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True)
class Shipment:
    qty: int
    at: datetime
    order_ref: str
    location: str


@dataclass(frozen=True)
class ConsigneeExposure:
    party: str
    shipped: int
    returned: int
    outstanding: int
    first_shipped_at: datetime
    last_shipped_at: datetime
    shipments: tuple[Shipment, ...]


@dataclass(frozen=True)
class RecallReport:
    gtin: str
    lot: str
    expiry: date | None
    status: str | None
    recalls: tuple[RecallNotice, ...]
    consignees: tuple[ConsigneeExposure, ...]
    shipped_total: int
    outstanding_total: int
    on_hand: tuple[Balance, ...]
    on_hand_total: int
    generated_at: datetime


@dataclass(frozen=True)
class ChainVerdict:
    """What the lot page says of the hash chain, in words a regulator reads."""

    intact: bool
    headline: str
    checkpoint: str


def chain_verdict(v: Verification) -> ChainVerdict:
    if v.ok:
        headline = f"Hash chain intact: all {v.events} events verify."
    else:
        headline = (
            f"Hash chain BROKEN at version {v.broken_version}: "
            f"{v.checked} of {v.events} events verify before it ({v.reason or 'mismatch'})."
        )
    c = v.checkpoint
    if c is None:
        checkpoint = "Not yet in a signed checkpoint."
        agrees = True
    elif c.matches is None:
        checkpoint = f"Signed checkpoint #{c.checkpoint_id} could not be compared: {c.reason}."
        agrees = True
    elif c.matches:
        checkpoint = f"Matches signed checkpoint #{c.checkpoint_id} at version {c.logged_version}."
        agrees = True
    else:
        checkpoint = (
            f"DIFFERS from signed checkpoint #{c.checkpoint_id}, which logged version "
            f"{c.logged_version}: {c.reason or 'this copy was rewritten'}."
        )
        agrees = False
    return ChainVerdict(v.ok and agrees, headline, checkpoint)

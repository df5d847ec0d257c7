"""A pack's serial state and what may happen to it (docs/adr/0016-serials.md §2, §9).

announced ─receive─▶ in_stock ─pick─▶ shipped ─verified return─▶ returned ─pick─▶ shipped
any state but announced ─dispose─▶ decommissioned (final)

A return is verified only for a pack shipped to the party returning it; a verification
answers per pack like a verification router service: verified, or not with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lotledger.inventory.domain.serial_ids import Pack
from lotledger.shared.errors import DomainError


class SerialState(StrEnum):
    ANNOUNCED = "announced"
    IN_STOCK = "in_stock"
    SHIPPED = "shipped"
    RETURNED = "returned"
    DECOMMISSIONED = "decommissioned"


ON_HAND = frozenset({SerialState.IN_STOCK, SerialState.RETURNED})
"""Packs physically here, at their `location`."""


@dataclass(frozen=True)
class PackRecord:
    pack: Pack
    lot: str
    expiry: date
    state: SerialState
    location: str | None
    party: str | None
    reason: str | None
    parent: str | None
    sealed: bool
    """Whether `parent` is a container not yet opened."""


class NotVerified(StrEnum):
    UNKNOWN_SERIAL = "unknown_serial"
    NOT_SHIPPED = "not_shipped"
    NOT_SHIPPED_TO_PARTY = "not_shipped_to_party"
    DECOMMISSIONED = "decommissioned"
    LOT_MISMATCH = "lot_mismatch"
    EXPIRY_MISMATCH = "expiry_mismatch"


def verify_return(
    record: PackRecord | None, party: str, scanned: tuple[str, date] | None = None
) -> NotVerified | None:
    """None when the pack may come back to saleable stock from `party`. `scanned`: the lot
    and expiry its DataMatrix carries, which must be the pack's own."""
    if record is None:
        return NotVerified.UNKNOWN_SERIAL
    if scanned is not None and scanned[0] != record.lot:
        return NotVerified.LOT_MISMATCH
    if scanned is not None and scanned[1] != record.expiry:
        return NotVerified.EXPIRY_MISMATCH
    if record.state is SerialState.DECOMMISSIONED:
        return NotVerified.DECOMMISSIONED
    if record.state is not SerialState.SHIPPED:
        return NotVerified.NOT_SHIPPED
    if record.party != party:
        return NotVerified.NOT_SHIPPED_TO_PARTY
    return None


class PackNotAvailable(DomainError):
    """A named pack is unknown, not here, or not at the location named."""


class ContainerSealed(DomainError):
    """A pack inside a sealed case is picked with its case, or after the case is opened."""


def check_pickable(
    pack: Pack, record: PackRecord | None, location: str, field: str, alone: bool
) -> PackRecord:
    """`record` may leave `location` now; `alone`: picked by itself, not with its case."""
    if record is None:
        raise PackNotAvailable(f"{pack.key} is not a known pack", field=field, reason="unknown")
    if record.state not in ON_HAND:
        raise PackNotAvailable(
            f"{pack.key} is {record.state.value}", field=field, reason=record.state.value
        )
    if record.location != location:
        raise PackNotAvailable(
            f"{pack.key} is at {record.location}, not {location}",
            field=field,
            reason="elsewhere",
        )
    if alone and record.sealed:
        raise ContainerSealed(
            f"{pack.key} is in sealed case {record.parent}: pick the case or open it",
            field=field,
            container=record.parent,
        )
    return record

"""Reading a supplier's EPCIS 2.0 document (already valid against the official schema) as
advance shipping information (docs/adr/0016-serials.md §5).

- `ObjectEvent` `ADD` with bizStep `commissioning`: packs (SGTINs) come into being, with
  their lot (`ilmd` `cbvmda:lotNumber`) and expiry (`cbvmda:itemExpirationDate`).
- `AggregationEvent` `ADD`: children (packs or SSCCs) go under the parent SSCC.
- `ObjectEvent` with bizStep `shipping`: the SSCCs shipped to us.
Other events are recorded by the supplier for its own reasons and ignored here.

Invariants of an accepted document: every pack is commissioned once, with a valid lot
and expiry; every aggregated pack was commissioned in the document; a child has one
parent; containers form a tree (no cycle); a shipped SSCC is one the document packed.
A refusal names the event and member (`epcisBody.eventList[3].childEPCs[7]`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lotledger.inventory.domain.serial_ids import Pack, pack_of, sscc_of
from lotledger.shared.errors import DomainError
from lotledger.shared.identifiers import check_lot

_MDA = ("cbvmda:", "urn:epcglobal:cbv:mda:", "https://ref.gs1.org/cbv/")
_BIZSTEP = ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-")


class InvalidCapture(DomainError):
    """The document is valid EPCIS but not consistent advance shipping information."""


@dataclass(frozen=True)
class Announced:
    lot: str
    expiry: date


@dataclass
class Announcement:
    packs: dict[Pack, Announced] = field(default_factory=dict)
    pack_parents: dict[Pack, str] = field(default_factory=dict)
    container_parents: dict[str, str | None] = field(default_factory=dict)
    shipped: set[str] = field(default_factory=set)
    where: dict[str, str] = field(default_factory=dict)
    """The first member naming each GTIN, to point a refusal at."""

    def gtins(self) -> set[str]:
        return {p.gtin for p in self.packs}


def _bizstep(event: Mapping[str, Any]) -> str:
    step = str(event.get("bizStep", ""))
    for prefix in _BIZSTEP:
        if step.startswith(prefix):
            return step[len(prefix) :]
    return step


def _mda(ilmd: Mapping[str, Any], name: str) -> Any:
    for prefix in _MDA:
        if prefix + name in ilmd:
            return ilmd[prefix + name]
    return None


def _refuse(where: str, rule: str, message: str) -> InvalidCapture:
    return InvalidCapture(message, field=where, epcis_rule=rule)


def _commission(event: Mapping[str, Any], at: str, into: Announcement) -> None:
    ilmd = event.get("ilmd") or {}
    lot, expiry = _mda(ilmd, "lotNumber"), _mda(ilmd, "itemExpirationDate")
    try:
        lot = check_lot(str(lot))
    except ValueError:
        raise _refuse(f"{at}.ilmd", "lot", "commissioning needs ilmd cbvmda:lotNumber") from None
    try:
        day = date.fromisoformat(str(expiry))
    except ValueError:
        raise _refuse(
            f"{at}.ilmd", "expiry", "commissioning needs ilmd cbvmda:itemExpirationDate"
        ) from None
    for j, uri in enumerate(event.get("epcList", [])):
        where = f"{at}.epcList[{j}]"
        pack = pack_of(uri)
        if pack is None:
            raise _refuse(where, "sgtin", f"{uri} is not an SGTIN with a valid serial")
        if pack in into.packs:
            raise _refuse(where, "duplicate", f"{uri} is commissioned twice")
        into.packs[pack] = Announced(lot, day)
        into.where.setdefault(pack.gtin, where)


def _aggregate(event: Mapping[str, Any], at: str, into: Announcement) -> None:
    parent = sscc_of(str(event.get("parentID", "")))
    if parent is None:
        raise _refuse(f"{at}.parentID", "sscc", "a packing parent must be an SSCC")
    into.container_parents.setdefault(parent, None)
    for j, uri in enumerate(event.get("childEPCs", [])):
        where = f"{at}.childEPCs[{j}]"
        if (child := sscc_of(uri)) is not None:
            if into.container_parents.get(child) is not None:
                raise _refuse(where, "two_parents", f"{uri} is packed twice")
            into.container_parents[child] = parent
            continue
        pack = pack_of(uri)
        if pack is None:
            raise _refuse(where, "epc", f"{uri} is neither an SGTIN nor an SSCC")
        if pack not in into.packs:
            raise _refuse(where, "not_commissioned", f"{uri} was never commissioned")
        if pack in into.pack_parents:
            raise _refuse(where, "two_parents", f"{uri} is packed twice")
        into.pack_parents[pack] = parent


def _check_tree(into: Announcement) -> None:
    for start in into.container_parents:
        seen, node = {start}, into.container_parents[start]
        while node is not None:
            if node in seen:
                raise _refuse("epcisBody.eventList", "cycle", f"SSCC {start} contains itself")
            seen.add(node)
            node = into.container_parents.get(node)


def read_capture(events: Sequence[Mapping[str, Any]]) -> Announcement:
    into = Announcement()
    shipping: list[tuple[str, str]] = []
    for i, event in enumerate(events):
        at, kind = f"epcisBody.eventList[{i}]", event.get("type")
        step, action = _bizstep(event), event.get("action")
        if kind == "ObjectEvent" and action == "ADD" and step == "commissioning":
            _commission(event, at, into)
        elif kind == "AggregationEvent" and action == "ADD":
            _aggregate(event, at, into)
        elif kind == "ObjectEvent" and step == "shipping":
            shipping += [(f"{at}.epcList[{j}]", u) for j, u in enumerate(event.get("epcList", []))]
    _check_tree(into)
    for where, uri in shipping:
        sscc = sscc_of(uri)
        if sscc is None or sscc not in into.container_parents:
            raise _refuse(where, "unknown_container", f"{uri} is not an SSCC packed here")
        into.shipped.add(sscc)
    if not into.packs:
        raise _refuse("epcisBody.eventList", "no_packs", "the document commissions no pack")
    return into


def check_products(announcement: Announcement, serialised: set[str]) -> None:
    """Every announced pack is of a product marked serialised."""
    for gtin in sorted(announcement.gtins() - serialised):
        raise _refuse(
            announcement.where[gtin], "not_serialised", f"{gtin} is not a serialised product"
        )

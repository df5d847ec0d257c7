"""EPCIS documents a supplier sends for serialised packs (ADR 0016), for tests, the bench
and the demo: one pallet (SSCC) of cases (SSCCs) of packs, commissioned, packed and
shipped."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

from lotledger.shared.identifiers import gs1_check_digit

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
_ssccs = itertools.count(random.randrange(10**8))


def fresh_sscc() -> str:
    body = f"30614141{next(_ssccs) % 10**9:09d}"
    return body + str(gs1_check_digit(body))


def sscc_urn(sscc: str) -> str:
    """`urn:epc:id:sscc:` with the 7-digit company prefix 0614141."""
    return f"urn:epc:id:sscc:{sscc[1:8]}.{sscc[0]}{sscc[8:17]}"


def pack_uri(gtin: str, serial: str) -> str:
    return f"https://id.gs1.org/01/{gtin}/21/{serial}"


@dataclass(frozen=True)
class Pallet:
    gtin: str
    lot: str
    expiry: str
    sscc: str
    cases: dict[str, list[str]]
    """Case SSCC → the serials in it."""

    @property
    def serials(self) -> list[str]:
        return [s for packs in self.cases.values() for s in packs]


def pallet(gtin: str, lot: str, expiry: str, cases: int = 20, per_case: int = 50) -> Pallet:
    tag = random.randrange(36**4)
    return Pallet(
        gtin,
        lot,
        expiry,
        fresh_sscc(),
        {
            fresh_sscc(): [f"P{tag:04X}{c:03d}{p:04d}" for p in range(per_case)]
            for c in range(cases)
        },
    )


def _event(kind: str, action: str, step: str, **members: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "action": action,
        "bizStep": step,
        "eventTime": "2026-11-20T08:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        **members,
    }


def document(p: Pallet) -> dict[str, Any]:
    commissioning = _event(
        "ObjectEvent",
        "ADD",
        "commissioning",
        epcList=[pack_uri(p.gtin, s) for s in p.serials],
        disposition="active",
        ilmd={"cbvmda:lotNumber": p.lot, "cbvmda:itemExpirationDate": p.expiry},
    )
    packing = [
        _event(
            "AggregationEvent",
            "ADD",
            "packing",
            parentID=sscc_urn(case),
            childEPCs=[pack_uri(p.gtin, s) for s in serials],
        )
        for case, serials in p.cases.items()
    ]
    palletising = _event(
        "AggregationEvent",
        "ADD",
        "packing",
        parentID=sscc_urn(p.sscc),
        childEPCs=[sscc_urn(case) for case in p.cases],
    )
    shipping = _event(
        "ObjectEvent", "OBSERVE", "shipping", epcList=[sscc_urn(p.sscc)], disposition="in_transit"
    )
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00.000Z",
        "epcisBody": {"eventList": [commissioning, *packing, palletising, shipping]},
    }

"""The suspect_product alert (issue 18 item 4, docs/adr/0016-serials.md amendment): packs a
party returned that failed verification are held, and QA is told at once (critical).

One alert per suspect-return record, that is per refused return request (a request of
more than 1,000 refused packs is several records): the record is what QA investigates
and settles as a whole, its packs were returned together by one party at one location.
Keyed by party + GTIN, a second refused return would refresh the open alert and replace
the first one's packs; keyed per pack, one refused tote would be dozens of critical
alerts. The alert is raised by the record only and resolved by QA only."""

from __future__ import annotations

from collections import Counter

from lotledger.alerts.domain.conditions import AlertKey, Condition
from lotledger.alerts.domain.severity import SEVERITY
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.sync import SuspectPack, SuspectReturnRecorded
from lotledger.shared.identifiers import warehouse_of

PACKS_NAMED = 20
"""The message names at most this many packs; `details.packs` lists every one."""


def _named(pack: SuspectPack) -> str:
    return f"{pack.gtin}/{pack.serial} ({pack.verdict})"


def message(held: SuspectReturnRecorded) -> str:
    """One line for a person: how many packs, from whom, where, and which with why."""
    count = len(held.packs)
    named = "; ".join(_named(p) for p in held.packs[:PACKS_NAMED])
    more = f"; and {count - PACKS_NAMED} more" if count > PACKS_NAMED else ""
    noun = "pack" if count == 1 else "packs"
    return (
        f"{count} returned {noun} from {held.from_party} at {held.location} failed "
        f"verification and are held for QA: {named}{more}"
    )


def suspect_product(held: SuspectReturnRecorded) -> Condition:
    gtins = sorted({p.gtin for p in held.packs})
    details = {
        "return_id": held.return_id,
        "part": held.part,
        "parts": held.parts,
        "from_party": held.from_party,
        "location": held.location,
        "warehouse": warehouse_of(held.location),
        "gtin": gtins[0] if len(gtins) == 1 else None,
        "gtins": gtins,
        "return_reason": held.reason,
        "verdicts": dict(sorted(Counter(p.verdict for p in held.packs).items())),
        "packs": [
            {"gtin": p.gtin, "serial": p.serial, "lot": p.lot, "verdict": p.verdict}
            for p in held.packs
        ],
        "message": message(held),
        "actor": held.actor,
        "device": held.device,
        "recorded_at": held.recorded_at.isoformat(),
    }
    key = AlertKey(AlertType.SUSPECT_PRODUCT, held.return_id)
    return Condition(key, SEVERITY[AlertType.SUSPECT_PRODUCT], details)

"""Returned packs held as suspect are published as `suspect_return_recorded` events: one per
at most 1,000 refused packs (parts of one request), each a valid contract event keyed and
identified by its record id, in the warehouse of the return's location."""

import json

from jsonschema import Draft202012Validator

from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.service.suspect_records import Held, Refused, suspect_events
from lotledger.shared.contracts import sync
from lotledger.shared.contracts.catalogue import CONTRACTS_DIR
from lotledger.shared.contracts.stock import SERIALS_PER_EVENT
from lotledger.shared.envelope import CloudEvent
from tests.unit.inventory.fixtures import COLD_GTIN, NOW

META = Metadata("scanner-7", "dev-1", "corr-1", None, NOW)
HELD = Held("9506000000022", "WH1/RET/01", "overstock")
SCHEMA = json.loads(
    (CONTRACTS_DIR / "schemas" / f"{sync.SUSPECT_RETURN}.schema.json").read_text("utf-8")
)


def _refused(n: int) -> list[Refused]:
    return [Refused(Pack(COLD_GTIN, f"S{i:05d}"), "L1", "not_shipped") for i in range(n)]


def test_a_refused_return_is_one_event_naming_its_packs_and_warehouse() -> None:
    refused = [*_refused(2), Refused(Pack(COLD_GTIN, "NEVER"), None, "unknown_serial")]
    [record] = suspect_events(refused, HELD, META)
    event_id = record.id
    assert record.refused == refused
    event = CloudEvent.from_json(record.payload)
    assert (event.id, event.subject, event.type) == (event_id, str(event_id), sync.SUSPECT_RETURN)
    assert (event.source, event.actor, event.correlationid) == (
        "/inventory/WH1",
        "scanner-7",
        "corr-1",
    )
    assert not list(Draft202012Validator(SCHEMA).iter_errors(event.data))
    data = sync.SuspectReturnRecorded.model_validate(event.data)
    assert (data.return_id, data.part, data.parts) == (str(event_id), 1, 1)
    assert (data.from_party, data.location, data.warehouses) == (
        HELD.from_party,
        HELD.location,
        ["WH1"],
    )
    assert [(p.serial, p.lot, p.verdict) for p in data.packs] == [
        ("S00000", "L1", "not_shipped"),
        ("S00001", "L1", "not_shipped"),
        ("NEVER", None, "unknown_serial"),
    ]


def test_more_than_a_thousand_refused_packs_are_parts_of_at_most_a_thousand() -> None:
    published = suspect_events(_refused(SERIALS_PER_EVENT * 2 + 1), HELD, META)
    parts = [
        sync.SuspectReturnRecorded.model_validate(CloudEvent.from_json(r.payload).data)
        for r in published
    ]
    assert [(d.part, d.parts, len(d.packs)) for d in parts] == [
        (1, 3, SERIALS_PER_EVENT),
        (2, 3, SERIALS_PER_EVENT),
        (3, 3, 1),
    ]
    assert len({d.return_id for d in parts}) == 3
    assert [len(r.refused) for r in published] == [len(d.packs) for d in parts]
    assert [r.refused[0].pack.serial for r in published] == ["S00000", "S01000", "S02000"]
    assert max(len(r.payload) for r in published) < 200_000


def test_nothing_refused_publishes_nothing() -> None:
    assert suspect_events([], HELD, META) == []

import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest
from jsonschema import Draft7Validator

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.contracts.stock import Adjusted, Quarantined, Rejected
from lotledger.traceability.domain.epcis import (
    ExportSettings,
    LotExposure,
    RecordedEvent,
    lot_document,
)
from lotledger.traceability.domain.epcis_ids import lot_class_uri, party_uri
from lotledger.traceability.domain.excursion import Excursion
from lotledger.traceability.domain.excursions import detect
from lotledger.traceability.domain.limits import Limits, Metric
from lotledger.traceability.domain.residence import Exposure, exposure, history
from lotledger.traceability.domain.series import Observation, SeriesState
from tests.unit.traceability.lot_history import A1, CONSIGNEES, GTIN, LOT, hour, lot_events

REFERENCE = Path(__file__).parents[2] / "reference" / "epcis"
SCHEMA = json.loads((REFERENCE / "EPCIS-JSON-Schema.json").read_text())
VALIDATOR = Draft7Validator(SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
NAMESPACE = UUID("6a3c1c1e-2f7d-4d6e-9f55-3f1f0e3a9b10")


def errors(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def recorded(events: list[Any]) -> list[RecordedEvent]:
    return [
        RecordedEvent(uuid5(NAMESPACE, str(v)), v, e, hash=f"{v:064x}")
        for v, e in enumerate(events, start=1)
    ]


def excursion_exposure() -> LotExposure:
    samples = [
        Observation(hour(h), "TEMP-7", t)
        for h, t in [(9.9, 5.0), (10.5, 9.1), (10.75, 11.4), (11.25, 6.0)]
    ]
    _, (found,) = detect(
        SeriesState(A1, Metric.TEMPERATURE),
        samples,
        lambda _: Limits(Metric.TEMPERATURE, 2.0, 8.0),
    )
    assert found.ended_at is not None
    held = exposure(history(lot_events()), A1, found.started_at, found.ended_at)
    assert held is not None
    return LotExposure(found, held)


def document(zones: dict[str, str] | None = None) -> dict[str, Any]:
    settings = ExportSettings(hour(48), zones or {}, own_party="9506000000046")
    return lot_document(GTIN, LOT, recorded(lot_events()), [excursion_exposure()], settings)


def test_the_validator_checks_formats_and_accepts_the_reference_examples() -> None:
    assert {"uri", "date-time"} <= set(Draft7Validator.FORMAT_CHECKER.checkers)
    for name in ("SensorDataExample1.jsonld", "Example_9.6.1-ObjectEvent.jsonld"):
        assert errors(json.loads((REFERENCE / name).read_text())) == []


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    example = json.loads((REFERENCE / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    example["epcisBody"]["eventList"][0]["readPoint"]["id"] = "not a uri"
    example["epcisBody"]["eventList"][1]["bizStep"] = "teleporting"
    assert len(errors(example)) >= 2


def test_a_full_lot_history_validates_against_the_official_schema() -> None:
    assert errors(document()) == []
    assert errors(document({A1: "Asia/Shanghai"})) == []


def test_every_stock_event_and_the_excursion_become_object_events_in_time_order() -> None:
    events = document()["epcisBody"]["eventList"]
    assert [(e["action"], e["bizStep"], e.get("disposition")) for e in events] == [
        ("OBSERVE", "receiving", "non_sellable_other"),
        ("OBSERVE", "inspecting", "sellable_accessible"),
        ("OBSERVE", "storing", None),
        ("OBSERVE", "shipping", "in_transit"),
        ("OBSERVE", "shipping", "in_transit"),
        ("OBSERVE", "sensor_reporting", None),
        ("OBSERVE", "shipping", "in_transit"),
        ("OBSERVE", "cycle_counting", None),
        ("OBSERVE", "inspecting", "damaged"),
        ("DELETE", "destroying", "destroyed"),
        ("OBSERVE", "holding", "recalled"),
        ("OBSERVE", "receiving", "returned"),
    ]
    assert len({e["eventID"] for e in events}) == len(events)
    assert all(e["eventID"].startswith("urn:uuid:") for e in events)


def test_the_lot_is_the_class_as_a_digital_link_with_its_quantities() -> None:
    events = document()["epcisBody"]["eventList"]
    klass = f"https://id.gs1.org/01/{GTIN}/10/{LOT}"
    assert {q["epcClass"] for e in events for q in e["quantityList"]} == {klass}
    assert [q.get("quantity") for q in events[0]["quantityList"]] == [100]
    assert "quantity" not in events[10]["quantityList"][0]
    assert all("uom" not in q for e in events for q in e["quantityList"])


def test_lots_with_reserved_characters_are_percent_encoded() -> None:
    assert (
        lot_class_uri(GTIN, "A/B&C%1(x)") == f"https://id.gs1.org/01/{GTIN}/10/A%2FB%26C%251%28x%29"
    )
    assert lot_class_uri(GTIN, "L-1.2_3") == f"https://id.gs1.org/01/{GTIN}/10/L-1.2_3"
    odd = [e.model_copy(update={"lot": "A/B&C%1"}) for e in lot_events()]
    assert (
        errors(lot_document(GTIN, "A/B&C%1", recorded(odd), [], ExportSettings(hour(48), {}))) == []
    )


def test_shipments_name_each_consignee_and_leave_no_business_location() -> None:
    shipments = [e for e in document()["epcisBody"]["eventList"] if e["bizStep"] == "shipping"]
    assert [e["destinationList"] for e in shipments] == [
        [
            {"type": kind, "destination": party_uri(c)}
            for kind in ("owning_party", "possessing_party")
        ]
        for c in CONSIGNEES
    ]
    assert [party_uri(c) for c in CONSIGNEES] == [
        "https://id.gs1.org/417/9506000000022",
        "urn:lotledger:party:PHARMACY-017",
        "https://id.gs1.org/417/9506000000039",
    ]
    assert all("bizLocation" not in e for e in shipments)
    assert shipments[0]["readPoint"] == {"id": "urn:lotledger:location:WH1/COLD-A/01"}
    assert shipments[0]["bizTransactionList"] == [{"bizTransaction": "urn:lotledger:order:SO-1"}]
    assert shipments[0]["sourceList"][0]["source"] == "https://id.gs1.org/417/9506000000046"


def test_receipt_move_and_recall_carry_their_sources_places_and_facts() -> None:
    events = document()["epcisBody"]["eventList"]
    receipt, move, recall = events[0], events[2], events[10]
    supplier = "https://id.gs1.org/417/9506000000015"
    assert receipt["sourceList"][0] == {"type": "owning_party", "source": supplier}
    assert receipt["bizLocation"] == {"id": "urn:lotledger:location:WH1/COLD-A/01"}
    assert (receipt["lotledger:streamVersion"], receipt["lotledger:hash"]) == (1, f"{1:064x}")
    assert move["sourceList"] == [
        {"type": "location", "source": "urn:lotledger:location:WH1/COLD-A/01"}
    ]
    assert move["bizLocation"] == {"id": "urn:lotledger:location:WH1/COLD-A/02"}
    assert "readPoint" not in recall
    assert (recall["lotledger:recallId"], recall["lotledger:recallClass"]) == ("RC-9", "II")


def test_the_excursion_is_sensor_data_at_the_location_with_the_exposure() -> None:
    sensor = document()["epcisBody"]["eventList"][5]
    assert sensor["readPoint"] == {"id": "urn:lotledger:location:WH1/COLD-A/01"}
    assert sensor["quantityList"] == [{"epcClass": lot_class_uri(GTIN, LOT), "quantity": 40}]
    assert sensor["lotledger:exposureMinutes"] == 45.0
    (element,) = sensor["sensorElementList"]
    assert element["sensorMetadata"] == {
        "startTime": "2026-11-24T10:30:00.000+00:00",
        "endTime": "2026-11-24T11:15:00.000+00:00",
        "deviceID": "urn:lotledger:sensor:TEMP-7",
    }
    assert element["sensorReport"] == [
        {
            "type": "Temperature",
            "exception": "ALARM_CONDITION",
            "maxValue": 11.4,
            "uom": "CEL",
            "lotledger:limit": 8.0,
            "lotledger:kind": "temperature_high",
        }
    ]


def test_times_are_written_in_the_locations_zone() -> None:
    receipt = document({A1: "Asia/Shanghai"})["epcisBody"]["eventList"][0]
    assert (receipt["eventTime"], receipt["eventTimeZoneOffset"]) == (
        "2026-11-24T16:00:00.000+08:00",
        "+08:00",
    )


def test_the_header_carries_the_lots_expiry_and_the_document_is_reproducible() -> None:
    doc = document()
    (vocabulary,) = doc["epcisHeader"]["epcisMasterData"]["vocabularyList"]
    attributes = vocabulary["vocabularyElementList"][0]["attributes"]
    assert {
        "id": "urn:epcglobal:cbv:mda#itemExpirationDate",
        "attribute": "2027-06-30",
    } in attributes
    assert doc == document()
    assert doc["creationDate"] == "2026-11-26T00:00:00.000+00:00"


def test_a_document_with_no_events_is_still_valid() -> None:
    assert errors(lot_document(GTIN, LOT, [], [], ExportSettings(hour(1), {}))) == []


@pytest.mark.parametrize("mutate", ["quantity", "bizStep"])
def test_a_corrupted_export_is_caught_by_the_schema(mutate: str) -> None:
    doc = document()
    event = doc["epcisBody"]["eventList"][0]
    if mutate == "quantity":
        event["quantityList"][0]["quantity"] = "lots"
    else:
        event["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving"
    assert errors(doc) != []


def test_quarantine_rejection_and_book_adjustments_map_too() -> None:
    k = {"gtin": GTIN, "lot": LOT}
    extra = [
        Quarantined(**k, at=hour(40), reason="temperature excursion", by="qa-1"),
        Rejected(**k, at=hour(41), by="qa-1"),
        Adjusted(**k, at=hour(42), location=A1, delta=3, reason="found"),
    ]
    doc = lot_document(GTIN, LOT, recorded(extra), [], ExportSettings(hour(48), {}))
    assert errors(doc) == []
    assert [(e["bizStep"], e.get("disposition")) for e in doc["epcisBody"]["eventList"]] == [
        ("holding", "non_sellable_other"),
        ("inspecting", "non_sellable_other"),
        ("stock_taking", None),
    ]
    adjusted = doc["epcisBody"]["eventList"][2]
    assert (adjusted["quantityList"][0]["quantity"], adjusted["lotledger:delta"]) == (3, 3)
    assert "epcisHeader" not in doc


def test_an_open_humidity_excursion_reports_its_minimum_and_no_end() -> None:
    low = Excursion(
        excursion_id="0f1e2d3c-4b5a-5968-8776-a5b4c3d2e1f0",
        location=A1,
        sensor="HUM-2",
        kind=ExcursionKind.HUMIDITY_LOW,
        limit=35.0,
        started_at=hour(20),
        peak=28.5,
        readings=4,
    )
    exposed = LotExposure(low, Exposure(minutes=90.0, max_qty=29))
    doc = lot_document(GTIN, LOT, [], [exposed], ExportSettings(hour(48), {}))
    assert errors(doc) == []
    (event,) = doc["epcisBody"]["eventList"]
    (element,) = event["sensorElementList"]
    assert event["eventTime"] == "2026-11-24T20:00:00.000+00:00"
    assert "endTime" not in element["sensorMetadata"]
    (report,) = element["sensorReport"]
    assert (report["type"], report["minValue"], report["uom"]) == ("RelativeHumidity", 28.5, "P1")

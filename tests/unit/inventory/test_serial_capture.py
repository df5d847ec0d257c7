"""Reading a supplier's EPCIS document as advance shipping information (ADR 0016 §5):
identifiers in URN and Digital Link form, and every inconsistency refused by the event and
member that carries it."""

from typing import Any

import pytest

from lotledger.inventory.domain.serial_capture import InvalidCapture, read_capture
from lotledger.inventory.domain.serial_ids import Pack, pack_of, sscc_of
from tests.support.serials import document, pallet, sscc_urn

GTIN = "09506000134352"


def test_gs1_urns_and_digital_links_name_packs_and_ssccs() -> None:
    assert pack_of("urn:epc:id:sgtin:0614141.107346.2017") == Pack("10614141073464", "2017")
    assert pack_of(f"https://id.gs1.org/01/{GTIN}/21/A%2FB") == Pack(GTIN, "A/B")
    assert pack_of(f"https://example.com/01/{GTIN}/10/L1/21/S1") == Pack(GTIN, "S1")
    assert pack_of("urn:epc:id:sgtin:0614141.107346.") is None
    assert pack_of("https://id.gs1.org/01/09506000134353/21/S1") is None  # check digit
    assert sscc_of("urn:epc:id:sscc:0614141.1234567890") == "106141412345678908"
    assert sscc_of("https://id.gs1.org/00/106141412345678908") == "106141412345678908"
    assert sscc_of("https://id.gs1.org/00/106141412345678907") is None


def test_a_pallet_is_read_as_packs_under_cases_under_the_pallet() -> None:
    p = pallet(GTIN, "L1", "2027-06-30", cases=3, per_case=4)
    read = read_capture(document(p)["epcisBody"]["eventList"])
    assert len(read.packs) == 12
    assert {a.lot for a in read.packs.values()} == {"L1"}
    assert {read.container_parents[c] for c in p.cases} == {p.sscc}
    assert read.container_parents[p.sscc] is None
    first_case, serials = next(iter(p.cases.items()))
    assert read.pack_parents[Pack(GTIN, serials[0])] == first_case
    assert read.shipped == {p.sscc}


def _events(p: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = document(p)["epcisBody"]["eventList"]
    return events


def _refused(events: list[dict[str, Any]]) -> InvalidCapture:
    with pytest.raises(InvalidCapture) as info:
        read_capture(events)
    return info.value


def test_an_aggregated_pack_never_commissioned_is_named() -> None:
    events = _events(pallet(GTIN, "L1", "2027-06-30", cases=2, per_case=3))
    events[2]["childEPCs"].append(f"https://id.gs1.org/01/{GTIN}/21/GHOST")
    refusal = _refused(events)
    assert refusal.field == "epcisBody.eventList[2].childEPCs[3]"
    assert refusal.context["epcis_rule"] == "not_commissioned"


def test_a_pack_under_two_cases_is_refused() -> None:
    events = _events(pallet(GTIN, "L1", "2027-06-30", cases=2, per_case=3))
    events[2]["childEPCs"].append(events[1]["childEPCs"][0])
    assert _refused(events).field == "epcisBody.eventList[2].childEPCs[3]"


def test_commissioning_without_a_lot_or_an_expiry_is_refused() -> None:
    events = _events(pallet(GTIN, "L1", "2027-06-30", cases=1, per_case=1))
    del events[0]["ilmd"]["cbvmda:itemExpirationDate"]
    refusal = _refused(events)
    assert refusal.field == "epcisBody.eventList[0].ilmd"
    assert refusal.context["epcis_rule"] == "expiry"


def test_a_shipped_sscc_that_was_not_packed_is_refused() -> None:
    events = _events(pallet(GTIN, "L1", "2027-06-30", cases=1, per_case=1))
    events[-1]["epcList"] = [sscc_urn("106141412345678908")]
    assert _refused(events).field == "epcisBody.eventList[3].epcList[0]"


def test_a_case_inside_itself_is_refused() -> None:
    p = pallet(GTIN, "L1", "2027-06-30", cases=1, per_case=1)
    events = _events(p)
    events.insert(
        3,
        {**events[2], "parentID": sscc_urn(next(iter(p.cases))), "childEPCs": [sscc_urn(p.sscc)]},
    )
    assert _refused(events).context["epcis_rule"] in {"cycle", "two_parents"}

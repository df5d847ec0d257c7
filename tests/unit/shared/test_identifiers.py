from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from lotledger.shared.identifiers import (
    Gtin,
    LocationId,
    Lot,
    PartyId,
    Quantity,
    WarehouseId,
    gs1_check_digit,
    warehouse_of,
)

gtin = TypeAdapter(Gtin)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("09506000134352", "09506000134352"),
        ("9506000134352", "09506000134352"),
        ("96385074", "00000096385074"),
        ("614141000036", "00614141000036"),
    ],
)
def test_gtin_forms_are_left_padded_to_14(raw: str, normalized: str) -> None:
    assert gtin.validate_python(raw) == normalized


@pytest.mark.parametrize(
    "raw", ["09506000134353", "1234567", "0950600013435A", "", "123456789012345"]
)
def test_gtin_with_bad_check_digit_or_length_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        gtin.validate_python(raw)


def test_check_digit_matches_gs1_example() -> None:
    assert gs1_check_digit("629104150021") == 3


@pytest.mark.parametrize("lot", ["A", "LOT-2026/07", "abc_123.x", "!\"%&'()*+,-./:;<=>?"])
def test_lot_accepts_ai82_characters(lot: str) -> None:
    assert TypeAdapter(Lot).validate_python(lot) == lot


@pytest.mark.parametrize("lot", ["", "X" * 21, "LOT 1", "LOT#1", "Lötz"])
def test_lot_refuses_other_characters_and_lengths(lot: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Lot).validate_python(lot)


def test_location_ids_are_warehouse_scoped() -> None:
    assert TypeAdapter(LocationId).validate_python("WH1/COLD-A/03") == "WH1/COLD-A/03"
    assert warehouse_of("WH1/COLD-A/03") == "WH1"
    for bad in ["WH1", "/COLD", "WH1/ COLD", "WH1//A", "WH1/A/audit", "WH1/climate/01"]:
        with pytest.raises(ValidationError):
            TypeAdapter(LocationId).validate_python(bad)


@pytest.mark.parametrize(
    "party",
    [
        "John Smith",
        "12 Main Street",
        "+44 20 7946 0958",
        "9506000000016",
        "442079460958",
        "020-7946-0958",
        "jane@example.com",
    ],
)
def test_parties_refuse_names_addresses_phones_and_bad_glns(party: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(PartyId).validate_python(party)


def test_quantity_is_a_strict_positive_integer_up_to_a_billion() -> None:
    qty = TypeAdapter(Quantity)
    assert qty.validate_python(10**9) == 10**9
    for bad in [0, -1, 10**9 + 1, 1.5, "3", True]:
        with pytest.raises(ValidationError):
            qty.validate_python(bad)


@pytest.mark.parametrize("party", ["9506000000015", "CUST-10042", "10042", "gln:9506000000022"])
def test_parties_accept_glns_and_opaque_ids(party: str) -> None:
    assert TypeAdapter(PartyId).validate_python(party) == party


@pytest.mark.parametrize(
    ("kind", "value"),
    [(Lot, "AMB"), (LocationId, "WH1/COLD-A/03"), (WarehouseId, "WH1"), (PartyId, "CUST-1")],
)
def test_a_trailing_newline_is_not_part_of_any_id(kind: Any, value: str) -> None:
    assert TypeAdapter(kind).validate_python(value) == value
    with pytest.raises(ValidationError):
        TypeAdapter(kind).validate_python(value + "\n")

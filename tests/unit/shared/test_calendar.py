"""Every date the REST contract takes is exactly `YYYY-MM-DD` (DESIGN §6): no time, no
offset, no timestamp, no other ISO 8601 form, in JSON bodies and in query strings."""

from datetime import date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from lotledger.shared.calendar import CalendarDate

DATE = TypeAdapter(CalendarDate)


@pytest.mark.parametrize("mode", ["python", "json"])
def test_a_full_date_is_taken(mode: str) -> None:
    parsed = (
        DATE.validate_python("2027-01-31")
        if mode == "python"
        else (DATE.validate_json('"2027-01-31"'))
    )
    assert parsed == date(2027, 1, 31)
    assert type(parsed) is date


@pytest.mark.parametrize(
    "value",
    [
        "2027-01-31T00:00:00Z",
        "2027-01-31T00:00:00",
        "2027-01-31 00:00",
        "20270131",
        "2027-W05-1",
        "2027-031",
        "2027-1-31",
        " 2027-01-31",
        "2027-01-31\n",
        "+2027-01-31",
        "２０２７-01-31",
        "2027-02-30",
        "0000-01-01",
        "",
        1798675200,
        1798675200.0,
        True,
        None,
        [2027, 1, 31],
        datetime(2027, 1, 31),
    ],
)
def test_anything_else_is_refused_naming_the_rule(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        DATE.validate_python(value)
    assert info.value.errors()[0]["type"] == "date_format"
    if not isinstance(value, datetime):
        with pytest.raises(ValidationError):
            DATE.validate_json(TypeAdapter(object).dump_json(value))


def test_the_schema_says_a_date() -> None:
    assert DATE.json_schema() == {"type": "string", "format": "date"}

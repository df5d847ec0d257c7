from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import orjson
import pytest

from lotledger.shared.contracts.stock import BatchStatus, Picked, Recalled, Received
from lotledger.shared.envelope import TIME_FORMAT, CloudEvent, format_time
from lotledger.verify.chain import GENESIS, canonical_bytes, chain_hash, verify_chain


def _event(version: int, prev: str, data: dict[str, object]) -> dict[str, object]:
    body = CloudEvent(
        id=uuid4(),
        source="/inventory/WH1",
        type="lotledger.stock.picked.v1",
        subject="09506000134352/L1",
        time=datetime(2026, 11, 24, 9, 15, tzinfo=UTC),
        data=data,
        streamversion=version,
        actor="alice",
        prevhash=prev,
    ).to_dict()
    body["hash"] = chain_hash(prev, body)
    return body


def test_cloudevent_round_trips_through_json() -> None:
    event = CloudEvent(
        id=uuid4(),
        source="/inventory/WH1",
        type="lotledger.stock.received.v1",
        subject="09506000134352/L1",
        time=datetime(2026, 11, 24, 10, 0, 0, 5, tzinfo=UTC),
        data={"qty": 3},
        streamversion=1,
        actor="alice",
        device="HH-7",
    )
    raw = event.to_json()
    parsed = orjson.loads(raw)
    assert parsed["specversion"] == "1.0"
    assert parsed["time"] == "2026-11-24T10:00:00.000005Z"
    assert "causationid" not in parsed
    assert CloudEvent.from_json(raw) == event


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        CloudEvent(id=uuid4(), source="/x", type="t", time=datetime(2026, 1, 1), data={})


def test_canonical_form_ignores_key_order_and_hash_members() -> None:
    a = {"b": 1, "a": {"y": 2, "x": 1}, "hash": "h", "prevhash": "p"}
    b = {"a": {"x": 1, "y": 2}, "b": 1}
    assert canonical_bytes(a) == canonical_bytes(b) == b'{"a":{"x":1,"y":2},"b":1}'


def test_chain_verifies_and_names_the_first_tampered_version() -> None:
    first = _event(1, GENESIS, {"qty": 1})
    second = _event(2, str(first["hash"]), {"qty": 2})
    third = _event(3, str(second["hash"]), {"qty": 3})
    assert verify_chain([first, second, third]).ok

    tampered = {**second, "data": {"qty": 20}}
    verdict = verify_chain([first, tampered, third])
    assert not verdict.ok
    assert verdict.broken_version == 2
    assert verdict.checked == 1

    assert verify_chain([first, third]).broken_version == 2


def test_payloads_serialise_with_aliases_and_dates() -> None:
    received = Received(
        gtin="09506000134352",
        lot="L1",
        at=datetime(2026, 11, 24, tzinfo=UTC),
        location="WH1/A/1",
        qty=5,
        expiry=date(2027, 6, 30),
        supplier="9506000000015",
        status=BatchStatus.AVAILABLE,
    ).as_data()
    assert received["expiry"] == "2027-06-30"
    assert "manufactured" not in received
    recalled = Recalled.model_validate(
        {
            "gtin": "g",
            "lot": "l",
            "at": "2026-11-24T00:00:00Z",
            "recall_id": "R1",
            "class": "I",
            "reason": "contamination",
            "by": "qa1",
        }
    )
    assert recalled.as_data()["class"] == "I"


def test_consumers_ignore_members_added_later() -> None:
    picked = Picked.model_validate(
        {
            "gtin": "g",
            "lot": "l",
            "at": "2026-11-24T00:00:00Z",
            "location": "WH1/A/1",
            "qty": 1,
            "order_ref": "SO-1",
            "ship_to": "P1",
            "added_in_a_later_release": True,
        }
    )
    assert picked.qty == 1


def test_content_hashes_expose_content_changes_the_stored_chain_hides() -> None:
    from lotledger.verify.chain import content_hashes

    first = _event(1, GENESIS, {"qty": 1})
    second = _event(2, str(first["hash"]), {"qty": 2})
    assert content_hashes([first, second]) == [first["hash"], second["hash"]]
    altered = content_hashes([first, {**second, "data": {"qty": 9}}])
    assert altered[0] == first["hash"]
    assert altered[1] != second["hash"]
    assert verify_chain([first, {**second, "data": {"qty": 9}}]).broken_version == 2


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2026, 11, 24, 9, 15, tzinfo=UTC), "2026-11-24T09:15:00.000000Z"),
        (datetime(2026, 11, 24, 9, 15, 1, 5, tzinfo=UTC), "2026-11-24T09:15:01.000005Z"),
        (
            datetime(2026, 11, 24, 1, 15, tzinfo=timezone(timedelta(hours=8))),
            "2026-11-23T17:15:00.000000Z",
        ),
        (datetime(999, 1, 2, tzinfo=UTC), datetime(999, 1, 2).strftime(TIME_FORMAT)),
    ],
)
def test_times_are_written_in_utc_with_microseconds(instant: datetime, text: str) -> None:
    assert format_time(instant) == text

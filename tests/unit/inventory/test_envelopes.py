"""A signed event's bytes: the payload Kafka carries parses to the published envelope,
its hash is the chain hash any reader recomputes from it, and the `data` column holds the
same `data`."""

from __future__ import annotations

from datetime import date, timedelta

import orjson

from lotledger.inventory.adapters.envelopes import Metadata, envelope
from lotledger.inventory.domain.workspace import Pending
from lotledger.shared.contracts.stock import BatchStatus, Received
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.identifiers import batch_id
from lotledger.verify.chain import GENESIS, verify_chain
from tests.unit.inventory.fixtures import COLD_GTIN, NOW

BATCH = batch_id(COLD_GTIN, "L1")


def received(qty: int) -> Pending:
    event = Received(
        gtin=COLD_GTIN,
        lot="L1",
        at=NOW - timedelta(minutes=5),
        location="WH1/COLD-A/01",
        qty=qty,
        expiry=date(2027, 6, 30),
        supplier="GLN-SUPPLIER",
        status=BatchStatus.AVAILABLE,
    )
    return Pending(BATCH, 1, event)


def test_the_payload_is_the_envelope_and_its_hash_verifies() -> None:
    meta = Metadata("scanner-1", "device-7", "corr-1", None, NOW)
    first = envelope(received(10), GENESIS, meta)
    second = envelope(Pending(BATCH, 2, received(5).event), first.hash, meta)
    parsed = [orjson.loads(e.to_json()) for e in (first, second)]
    assert verify_chain(parsed).ok
    assert [p["hash"] for p in parsed] == [first.hash, second.hash]
    assert parsed[1]["prevhash"] == first.hash
    assert parsed[0]["data"] == first.data == orjson.loads(first.data_json)
    assert parsed[0]["device"] == "device-7"
    assert "causationid" not in parsed[0]
    event = CloudEvent.model_validate(parsed[0])
    assert (event.subject, event.streamversion, event.time) == (
        BATCH,
        1,
        NOW - timedelta(minutes=5),
    )


def test_a_changed_member_breaks_the_hash() -> None:
    signed = envelope(received(10), GENESIS, Metadata("scanner-1", None, None, None, NOW))
    tampered = orjson.loads(signed.to_json())
    tampered["data"]["qty"] = 11
    assert not verify_chain([tampered]).ok

"""A scanner's day over real HTTP, with the relay publishing to the real broker."""

from tests.support.kafka import of_subject, read_topic
from tests.support.processes import System
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot, fresh_product


async def test_receipt_move_pick_reach_kafka_in_order(system: System) -> None:
    lot = fresh_lot("E2E")
    async with system.client("inventory") as inventory:
        gtin = await fresh_product(inventory, bearer("admin"))
        steps = [
            (
                "/v1/receipts",
                {
                    "gtin": gtin,
                    "lot": lot,
                    "expiry": "2027-09-30",
                    "qty": 12,
                    "location": "WH1/COLD-A/01",
                    "supplier": SUPPLIER,
                },
            ),
            (
                "/v1/moves",
                {
                    "gtin": gtin,
                    "lot": lot,
                    "qty": 5,
                    "from_location": "WH1/COLD-A/01",
                    "to_location": "WH1/COLD-A/02",
                },
            ),
            (
                "/v1/picks",
                {
                    "gtin": gtin,
                    "qty": 7,
                    "warehouse": "WH1",
                    "order_ref": "SO-E2E",
                    "ship_to": PHARMACIES[0],
                },
            ),
        ]
        for path, body in steps:
            response = await inventory.post(path, json=body, headers=SCANNER)
            assert response.status_code == 201, response.text
    topic = f"{system.infra.topic_prefix}lotledger.stock.v1"
    subject = f"{gtin}/{lot}"
    messages = await read_topic(
        system.infra.kafka_bootstrap, topic, until=lambda ms: len(of_subject(ms, subject)) >= 4
    )
    ours = of_subject(messages, subject)
    assert [m["type"].split(".")[2] for m in ours] == ["received", "moved", "picked", "picked"]
    assert [m["streamversion"] for m in ours] == [1, 2, 3, 4]
    assert all(m["actor"] == "tester" and m["device"] == "test-device" for m in ours)

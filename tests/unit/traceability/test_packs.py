"""A serialised pack's state and a lot's pack counts, read from the lot's events
(docs/adr/0016-serials.md)."""

from lotledger.traceability.domain.packs import current, lot_packs, step_of

RECEIVED = "lotledger.stock.received.v1"
PICKED = "lotledger.stock.picked.v1"
RETURNED = "lotledger.stock.returned.v1"
DISPOSED = "lotledger.stock.disposed.v1"
A = "WH1/COLD-A/01"


def test_a_pack_is_in_the_state_its_last_event_left_it() -> None:
    steps = [
        step_of(RECEIVED, "L1", 1, 1, {"location": A, "serials": ["S1"]}, "e1"),
        step_of(PICKED, "L1", 2, 2, {"location": A, "ship_to": "PH1"}, "e2"),
    ]
    shipped = current(steps)
    assert shipped is not None
    assert (shipped.state, shipped.location, shipped.party) == ("shipped", None, "PH1")
    steps.append(step_of(DISPOSED, "L1", 3, 3, {"location": A, "reason": "stolen"}, "e3"))
    gone = current(steps)
    assert gone is not None
    assert (gone.state, gone.reason, gone.party) == ("decommissioned", "stolen", "PH1")
    assert current([]) is None


def test_a_lot_counts_its_packs_and_who_holds_them() -> None:
    counts, holders = lot_packs(
        [
            (RECEIVED, {"serials": ["S1", "S2", "S3", "S4"]}),
            (PICKED, {"serials": ["S1", "S2"], "ship_to": "PH1"}),
            (PICKED, {"serials": ["S3"], "ship_to": "PH2"}),
            (RETURNED, {"serials": ["S1"], "from": "PH1"}),
            (PICKED, {"serials": ["S1"], "ship_to": "PH2"}),
            (DISPOSED, {"serials": ["S4"], "reason": "damaged"}),
            ("lotledger.stock.moved.v1", {"qty": 1}),
        ]
    )
    assert (counts.received, counts.shipped, counts.returned) == (4, 4, 1)
    assert (counts.decommissioned, counts.on_hand) == (1, 0)
    assert holders == {"PH1": ["S2"], "PH2": ["S1", "S3"]}

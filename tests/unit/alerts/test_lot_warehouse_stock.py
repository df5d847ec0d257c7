"""A lot's stock per warehouse, worked out once (`LotFacts.by_warehouse`), is what its
locations say: positive quantities only, the held part of each location capped at what the
location holds."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lotledger.alerts.domain.facts import LotFacts
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.identifiers import warehouse_of

LOCATIONS = ["WH1/AMB-A/01", "WH1/AMB-A/02", "WH1/COLD-A/01", "WH2/AMB-A/01", "WH3/QUA-A/01"]
quantities = st.dictionaries(st.sampled_from(LOCATIONS), st.integers(-5, 60), max_size=5)
held_parts = st.dictionaries(st.sampled_from(LOCATIONS), st.integers(1, 60), max_size=5)
"""The store keeps a held part only where it is positive (`lot_facts`)."""


@given(on_hand=quantities, held=held_parts)
def test_stock_per_warehouse_is_the_sum_of_its_locations(
    on_hand: dict[str, int], held: dict[str, int]
) -> None:
    lot = LotFacts("09506000134352", "L1", date(2027, 1, 1), BatchStatus.AVAILABLE, on_hand, held)
    expected: dict[str, tuple[int, int]] = {}
    for loc, qty in on_hand.items():
        if qty > 0:
            total, free = expected.get(warehouse_of(loc), (0, 0))
            expected[warehouse_of(loc)] = (
                total + qty,
                free + qty - min(held.get(loc, 0), qty),
            )
    assert {w: (s.on_hand, s.available) for w, s in lot.by_warehouse.items()} == expected
    assert lot.warehouses() == sorted(expected)
    for warehouse in ("WH1", "WH2", "WH3", "WH9"):
        assert sum(lot.on_hand_in(warehouse).values()) == expected.get(warehouse, (0, 0))[0]

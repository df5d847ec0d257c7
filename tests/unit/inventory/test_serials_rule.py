"""A serialised product's stock moves by naming its packs, and its quantity is their
number (docs/adr/0016-serials.md); products that are not serialised are untouched."""

from datetime import date

import pytest

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import serials as sn
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.contracts.stock import Picked, Received
from lotledger.shared.errors import DomainError
from tests.unit.inventory.fixtures import AMBIENT_GTIN, COLD_GTIN, LOCATIONS, NOW, PRODUCTS

A = "WH1/COLD-A/01"
EXPIRY = date(2027, 6, 30)
PACKS = ("S1", "S2", "S3")


def serialised_facts() -> Facts:
    products = dict(PRODUCTS)
    products[COLD_GTIN] = products[COLD_GTIN].model_copy(update={"serialised": True})
    return Facts(now=NOW, actor="alice", products=products, locations=LOCATIONS)


def receipt(serials: tuple[str, ...] = PACKS, qty: int = 3) -> c.ReceiveStock:
    return c.ReceiveStock(COLD_GTIN, "L1", EXPIRY, qty, A, "S1", serials=serials)


def test_a_receipt_and_pick_of_named_packs_carry_them_on_their_events() -> None:
    ws, facts = Workspace(), serialised_facts()
    [received] = [p.event for p in ws.execute(receipt(), facts)]
    pick = c.PickStock(COLD_GTIN, 2, "SO", "PH", lot="L1", location=A, serials=("S1", "S3"))
    [picked] = [p.event for p in ws.execute(pick, facts)]
    assert isinstance(received, Received)
    assert received.serials == list(PACKS)
    assert isinstance(picked, Picked)
    assert (picked.qty, picked.serials) == (2, ["S1", "S3"])


@pytest.mark.parametrize(
    ("command", "error", "field"),
    [
        (receipt(serials=()), sn.SerialsRequired, "serials"),
        (receipt(qty=2), sn.SerialCountMismatch, "qty"),
        (receipt(serials=("S1", "S1", "S2")), sn.SerialsNotDistinct, "serials"),
        (
            c.PickStock(COLD_GTIN, 1, "SO", "PH", warehouse="WH1", serials=("S1",)),
            sn.SerialCountMismatch,
            "lot",
        ),
        (
            c.PickStock(COLD_GTIN, 1, "SO", "PH", lot="L1", location=A),
            sn.SerialsRequired,
            "serials",
        ),
    ],
)
def test_a_serialised_command_that_does_not_name_exactly_its_packs_is_refused(
    command: c.Command, error: type[DomainError], field: str
) -> None:
    with pytest.raises(error) as info:
        Workspace().execute(command, serialised_facts())
    assert info.value.field == field


def test_serials_on_a_product_that_is_not_serialised_are_refused() -> None:
    command = c.ReceiveStock(AMBIENT_GTIN, "L1", EXPIRY, 1, "WH1/AMB-A/01", "S1", serials=("S1",))
    with pytest.raises(sn.NotSerialised):
        Workspace().execute(command, serialised_facts())

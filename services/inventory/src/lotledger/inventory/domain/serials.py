"""Serialised products (docs/adr/0016-serials.md): the rule binding a stock command's
quantity to the packs it names.

For a product marked `serialised`, a receipt, pick, move, return or disposal names its packs
(`serials`) and its `qty` is their number; a product that is not serialised names none.
A command carries at most SERIALS_PER_EVENT packs, so its event fits one Kafka message;
larger scans are split into several commands by the service."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.facts import Facts
from lotledger.shared.contracts.stock import SERIALS_PER_EVENT
from lotledger.shared.errors import DomainError

SerialisedCommand = c.ReceiveStock | c.PickStock | c.MoveStock | c.ReturnStock | c.DisposeStock


class SerialsRequired(DomainError):
    """A serialised product's stock moves by naming its packs."""


class NotSerialised(DomainError):
    """Serials were named for a product that is not managed by serial."""


class SerialCountMismatch(DomainError):
    """`qty` is not the number of packs named."""


class SerialsNotDistinct(DomainError):
    """The same pack was named twice."""


def check_serials(cmd: c.Command, facts: Facts) -> None:
    if not isinstance(cmd, SerialisedCommand):
        return
    serialised = bool(facts.product(cmd.gtin).serialised)
    if not cmd.serials:
        if serialised:
            raise SerialsRequired(
                f"{cmd.gtin} is serialised: name the packs (serials or containers)",
                field="serials",
            )
        return
    if not serialised:
        raise NotSerialised(f"{cmd.gtin} is not a serialised product", field="serials")
    if len(cmd.serials) > SERIALS_PER_EVENT:
        raise SerialCountMismatch(f"at most {SERIALS_PER_EVENT} packs per command", field="serials")
    if len(set(cmd.serials)) != len(cmd.serials):
        raise SerialsNotDistinct("a pack is named more than once", field="serials")
    if cmd.qty != len(cmd.serials):
        raise SerialCountMismatch(
            f"qty {cmd.qty} is not the {len(cmd.serials)} packs named",
            field="qty",
            packs=len(cmd.serials),
        )
    if isinstance(cmd, c.PickStock) and (cmd.lot is None or cmd.location is None):
        raise SerialCountMismatch(
            "a pick of serialised packs names their lot and location", field="lot"
        )

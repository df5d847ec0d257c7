"""Verified returns (ADR 0016 §9): each returned pack is answered like a verification
router service would. Verified packs come back (a `returned` event with their serials)
and are released to saleable stock in the same transaction: the verification is the
assessment QA's release stands for. The others move no stock: they are kept as suspect
packs for QA and published in the same transaction (`suspect_records`), which alerts
raises as `suspect_product`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import NotVerified, PackRecord, verify_return
from lotledger.inventory.service import stock
from lotledger.inventory.service.serial_requests import (
    SerialDesk,
    answered,
    chunks,
    remember,
    run_serial_request,
    serials_of,
)
from lotledger.inventory.service.suspect_records import Held, Refused, suspect_events
from lotledger.shared.auth import Role
from lotledger.shared.contracts.stock import HoldingStatus
from lotledger.shared.idempotency import DuplicateKey

VERIFIED_RETURN = "verified_return"


@dataclass(frozen=True)
class Verdict:
    pack: Pack
    lot: str | None
    reason: NotVerified | None

    @property
    def verified(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Returned:
    verdicts: list[Verdict]
    accepted: list[stock.Accepted]
    suspect: list[str]
    """Ids of the suspect-return records holding the refused packs (each the subject of
    its suspect_product alert); empty when every pack was verified."""


async def return_packs(
    desk: SerialDesk,
    packs: Sequence[Pack],
    location: str,
    from_party: str,
    reason: str,
    scanned: Mapping[Pack, tuple[str, date]] | None = None,
    render: Callable[[Returned], bytes] | None = None,
) -> Returned:
    """`scanned`: the lot and expiry each pack's DataMatrix carried, where one was scanned."""
    await answered(desk)
    async with desk.uow(locking=False) as uow:
        found = await uow.serials.records(packs)
    verdicts: list[Verdict] = []
    verified: list[PackRecord] = []
    for pack in packs:
        record = found.get(pack)
        refusal = verify_return(record, from_party, (scanned or {}).get(pack))
        verdicts.append(Verdict(pack, record.lot if record else None, refusal))
        if refusal is None and record is not None:
            verified.append(record)
    commands: list[c.Command] = []
    for gtin, lot, chunk in chunks(verified):
        commands.append(
            c.ReturnStock(
                gtin, lot, len(chunk), location, from_party, reason, serials=serials_of(chunk)
            )
        )
        commands.append(
            c.ReleaseHolding(
                gtin, lot, location, HoldingStatus.RETURNED, len(chunk), VERIFIED_RETURN
            )
        )
    refused = [Refused(v.pack, v.lot, str(v.reason)) for v in verdicts if v.reason is not None]
    published = suspect_events(refused, Held(from_party, location, reason), desk.meta)
    suspect = [str(record.id) for record in published]

    async def hold(uow: UnitOfWork) -> None:
        if refused:
            meta = desk.meta
            await uow.serials.suspect(
                [(r.pack, r.verdict, record.id) for record in published for r in record.refused],
                from_party,
                location,
                reason,
                meta.now,
                meta.actor,
                (desk.sync_topic, [(record.id, record.payload) for record in published]),
            )

    if not commands:
        try:
            async with desk.uow() as uow:
                await hold(uow)
                if render is not None:
                    await remember(uow, desk, render(Returned(verdicts, [], suspect)))
                await uow.commit()
        except DuplicateKey:
            await answered(desk)
            raise
        return Returned(verdicts, [], suspect)
    assessor = replace(desk.principal, roles=desk.principal.roles | {Role.QA})
    respond = (
        None if render is None else (lambda accepted: render(Returned(verdicts, accepted, suspect)))
    )
    accepted = await run_serial_request(desk, commands, hold, assessor, respond)
    return Returned(verdicts, accepted, suspect)

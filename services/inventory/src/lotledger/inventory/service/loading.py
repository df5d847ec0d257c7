"""What a request's commands must read before they are decided: the batches they write
(locked when the unit of work locks), FEFO candidates and the lots that make an explicit
pick a FEFO deviation (probes), the recent events of batches back-dated commands touch,
what returning parties were shipped, and the master data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from lotledger.inventory.adapters.append_statement import CatalogRead
from lotledger.inventory.adapters.catalog_cache import CatalogCache, Known
from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.adapters.pick_probes import PickProbe
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.facts import Facts
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.workspace import Workspace
from lotledger.inventory.service.units import StockUnit
from lotledger.shared.identifiers import batch_id, warehouse_of

PROBE_LIMIT = 20
WIDE_LIMIT = 1_000_000


@dataclass
class Reads:
    """How much the next attempt reads: every FEFO candidate (after a truncated probe
    fell short) and the recent events of these batches (for back-dated commands)."""

    wide: bool = False
    histories: set[str] = field(default_factory=set)


def _earliest(cmd: c.PickStock, meta: Metadata) -> date:
    instant = min(cmd.scanned_at, meta.now) if cmd.scanned_at else meta.now
    return instant.date() - timedelta(days=1) + timedelta(days=cmd.min_remaining_days)


async def load(
    uow: StockUnit,
    commands: Sequence[c.Command],
    meta: Metadata,
    reads: Reads,
    policy: StockPolicy,
) -> tuple[Workspace, set[int]]:
    """Lock what the commands write, FEFO candidates included; read (unlocked) the lots
    that could make an explicit pick a FEFO deviation. Returns the workspace and the
    commands (by identity) whose candidate list was truncated."""
    probes: list[PickProbe] = []
    probed_commands: list[c.PickStock] = []
    named: set[str] = set()
    received: dict[str, date] = {}
    returning: set[tuple[str, str]] = set()
    for cmd in commands:
        if isinstance(cmd, c.ReceiveStock):
            received.setdefault(batch_id(cmd.gtin, cmd.lot), cmd.expiry)
        if isinstance(cmd, c.ReturnStock):
            returning.add((batch_id(cmd.gtin, cmd.lot), cmd.from_party))
        warehouse = None
        if isinstance(cmd, c.PickStock):
            warehouse = warehouse_of(cmd.location) if cmd.location else cmd.warehouse
        if isinstance(cmd, c.PickStock) and warehouse is not None:
            lot_id = batch_id(cmd.gtin, cmd.lot) if cmd.lot else None
            limit = 3 if lot_id else (WIDE_LIMIT if reads.wide else PROBE_LIMIT)
            probes.append(
                PickProbe(
                    cmd.gtin,
                    warehouse,
                    None if lot_id else cmd.location,
                    _earliest(cmd, meta),
                    lot_id,
                    limit,
                    received.get(lot_id) if lot_id else None,
                )
            )
            probed_commands.append(cmd)
        if cmd.lot is not None:
            named.add(batch_id(cmd.gtin, cmd.lot))
    if uow.locking:
        probed = await uow.store.probe(probes)
        for ids in probed.fefo_candidates.values():
            named.update(ids)
        locked = await uow.store.lock(sorted(named))
    else:
        locked, probed = await uow.store.read(sorted(named), probes)
        read_ids = {s.batch_id for s in locked}
        locked += [state for batch, state in probed.candidates.items() if batch not in read_ids]
    taken = {s.batch_id for s in locked}
    earlier = {s.batch_id: s for s in probed.earlier if s.batch_id not in taken}
    truncated = {id(probed_commands[i]) for i in probed.truncated}
    histories = {}
    if reads.histories:
        since = meta.now - policy.scan_horizon - policy.scan_tolerance
        histories = await uow.store.histories(sorted(reads.histories), since)
    parties = await uow.store.shipped(sorted(returning))
    return Workspace([*locked, *earlier.values()], histories, parties), truncated


def _named_locations(cmd: c.Command) -> list[str]:
    match cmd:
        case c.MoveStock():
            return [cmd.from_location, cmd.to_location]
        case c.PickStock():
            return [cmd.location] if cmd.location else []
        case c.ReleaseBatch() | c.QuarantineBatch() | c.RejectBatch() | c.RecallBatch():
            return []
        case _:
            return [cmd.location]


async def facts_for(
    uow: StockUnit,
    cache: CatalogCache,
    commands: Sequence[c.Command],
    workspace: Workspace,
    meta: Metadata,
    policy: StockPolicy,
) -> tuple[Facts, list[CatalogRead]]:
    """The facts the commands are decided on, and the catalog records among them with the
    versions read (which the append checks)."""
    location_ids = {loc for cmd in commands for loc in _named_locations(cmd)}
    location_ids |= {loc for state in workspace.states() for loc in state.on_hand}
    locations = await cache.locations(uow.catalog, sorted(location_ids))
    products = await cache.products(uow.catalog, sorted({cmd.gtin for cmd in commands}))
    receiving = {warehouse_of(cmd.location) for cmd in commands if isinstance(cmd, c.ReceiveStock)}
    warehouses = await cache.warehouses(uow.catalog, sorted(receiving)) if receiving else Known()
    facts = Facts(
        now=meta.now,
        actor=meta.actor,
        products=products.records,
        locations=locations.records,
        policy=policy,
        warehouses=warehouses.records,
    )
    read = [
        (kind, key, version)
        for kind, known in (
            ("product", products),
            ("location", locations),
            ("warehouse", warehouses),
        )
        for key, version in known.versions.items()
    ]
    return facts, read

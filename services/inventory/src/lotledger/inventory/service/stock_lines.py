"""The stock lines (`stock_levels` rows) a request writes: one per (batch, location,
holding) it changed, carrying the request's net change (two picks from one shelf write
one row), and the lines it emptied, to delete.

Lines a request did not change are not written. The table holds what the batches' states
say because only the append writes its quantities, in the statement that moves the
batch's version (checked against the version read), and a location's pickability is set
on all its lines by the catalog's own update (adapters/catalog_store.py). The append
checks the pickability the request assumed of its lines' locations against the catalog
as committed (migration `0018_location_kinds`), so a line is never written with a
location's old kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from lotledger.inventory.adapters.append_statement import Level, LevelKey
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import pickable
from lotledger.inventory.domain.facts import Facts


def levels(states: Iterable[BatchState], facts: Facts) -> dict[LevelKey, Level]:
    """Every stock line (one per holding) of `states`, by key."""
    return {
        (s.batch_id, location, holding.value): Level(
            s.batch_id,
            s.gtin,
            s.lot,
            location,
            holding.value,
            qty,
            s.expiry,
            str(s.status),
            pickable_at(location, facts),
        )
        for s in states
        if s.expiry is not None
        for location, holding, qty in s.holdings()
    }


def pickable_at(location: str, facts: Facts) -> bool:
    """A location the catalog does not have is pickable."""
    return location not in facts.locations or pickable(facts.locations[location])


class Lines(NamedTuple):
    written: list[Level]
    """Lines that differ from the loaded states (to upsert)."""
    gone: list[LevelKey]
    """Lines that are no more (to delete)."""
    pickable_at: dict[str, bool]
    """What the request assumed of the locations of both."""


def changed_lines(
    loaded: Mapping[str, BatchState], touched: Iterable[BatchState], facts: Facts
) -> Lines:
    """The lines of the `touched` batches that differ from their `loaded` states."""
    touched = list(touched)
    before = levels((loaded[s.batch_id] for s in touched if s.batch_id in loaded), facts)
    after = levels(touched, facts)
    written = [line for key, line in after.items() if before.get(key) != line]
    gone = [key for key in before if key not in after]
    locations = {line.location for line in written} | {location for _, location, _ in gone}
    return Lines(written, gone, {loc: pickable_at(loc, facts) for loc in sorted(locations)})

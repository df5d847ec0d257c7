"""The stock lines (`stock_levels` rows) a request writes: one per (batch, location,
holding) it changed, carrying the request's net change (two picks from one shelf write
one row), and the lines it emptied, to delete.

Lines a request did not change are not written. The table holds what the batches' states
say because only the append writes its quantities, in the statement that moves the
batch's version (checked against the version read), and a location's pickability is set
on all its lines by the catalog's own update (adapters/catalog_store.py). The append
checks the versions of the catalog records the request decided on against the committed
ones (migration `0018_catalog_versions`), so a line is never written with a location's
old kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
            location not in facts.locations or pickable(facts.locations[location]),
        )
        for s in states
        if s.expiry is not None
        for location, holding, qty in s.holdings()
    }


def changed_lines(
    loaded: Mapping[str, BatchState], touched: Iterable[BatchState], facts: Facts
) -> tuple[list[Level], list[LevelKey]]:
    """The lines of the `touched` batches that differ from their `loaded` states (to
    upsert) and the keys that are no more (to delete)."""
    touched = list(touched)
    before = levels((loaded[s.batch_id] for s in touched if s.batch_id in loaded), facts)
    after = levels(touched, facts)
    written = [line for key, line in after.items() if before.get(key) != line]
    return written, [key for key in before if key not in after]

"""What changed in a series' excursions between what was stored (`before`) and what the
detector now finds (`after`), and therefore what to write and to publish:

- an excursion not known before is started (and ended, if it is already over);
- a known one whose end moved is ended again at its new end, and one that was over but
  is under way again (a late reading out of range after its end) is started again;
- a known one whose end did not move is written (its peak, count or sensors may have
  changed) and not published, as updates never are;
- a known one that is gone (late readings showed it to be part of an earlier one, which
  then starts earlier and has another id) is deleted and withdrawn, naming the
  excursion of the same kind that now covers its start, if any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lotledger.traceability.domain.excursion import Excursion


class Publish(StrEnum):
    STARTED = "started"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Revision:
    excursion: Excursion
    publish: tuple[Publish, ...] = ()
    previous_end: datetime | None = None
    """A restarted excursion's end before it was found under way again."""
    superseded_by: str | None = None

    @property
    def withdrawn(self) -> bool:
        return Publish.WITHDRAWN in self.publish


def revisions(before: Sequence[Excursion], after: Sequence[Excursion]) -> list[Revision]:
    old = {x.excursion_id: x for x in before}
    new = {x.excursion_id: x for x in after}
    found: list[Revision] = []
    for x in sorted(new.values(), key=lambda e: (e.started_at, e.kind.value)):
        was = old.get(x.excursion_id)
        if was is None:
            found.append(Revision(x, _first(x)))
        elif was.ended_at == x.ended_at:
            found.append(Revision(x))
        elif x.ended_at is not None:
            found.append(Revision(x, (Publish.ENDED,)))
        else:
            found.append(Revision(x, (Publish.STARTED,), previous_end=was.ended_at))
    for x in sorted(old.values(), key=lambda e: (e.started_at, e.kind.value)):
        if x.excursion_id not in new:
            found.append(Revision(x, (Publish.WITHDRAWN,), superseded_by=_cover(x, after)))
    return found


def _first(x: Excursion) -> tuple[Publish, ...]:
    return (Publish.STARTED,) if x.ended_at is None else (Publish.STARTED, Publish.ENDED)


def _cover(gone: Excursion, after: Sequence[Excursion]) -> str | None:
    for x in after:
        if (
            x.kind is gone.kind
            and x.started_at <= gone.started_at
            and (x.ended_at is None or gone.started_at < x.ended_at)
        ):
            return x.excursion_id
    return None

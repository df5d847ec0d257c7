"""What a change in a location's excursions publishes: the exposed lots (issue #4's room:
A in all along, B moved in halfway, C moved out before), and event ids that make a
replay publish the same events and a correction new ones."""

from dataclasses import replace
from datetime import date, timedelta

from lotledger.shared.contracts.excursions import (
    ExcursionEnded,
    ExcursionStarted,
    ExcursionWithdrawn,
)
from lotledger.shared.contracts.stock import BatchStatus, Moved, Received, StockEvent
from lotledger.traceability.domain.excursions import detect
from lotledger.traceability.domain.residence import Interval, history
from lotledger.traceability.service.excursion_diff import Publish, Revision, revisions
from lotledger.traceability.service.excursion_events import (
    excursion_event,
    exposed_lots,
    exposure_window,
)
from tests.unit.traceability.climate_fixtures import (
    COLD_ROOM,
    at,
    cold_room,
    fresh,
    limits_of,
    observations,
)

OTHER = "WH1/COLD-B/01"
NO_GRACE = timedelta(0)


def lot(name: str, moves: list[tuple[float, str, str]]) -> list[Interval]:
    k = {"gtin": "09506000134352", "lot": name}
    first = moves[0][1] if moves else COLD_ROOM
    events: list[StockEvent] = [
        Received(
            **k,
            at=at(-120),
            location=first,
            qty=50,
            expiry=date(2030, 1, 31),
            supplier="S",
            status=BatchStatus.AVAILABLE,
        ),
    ]
    events += [Moved(**k, at=at(m), qty=50, from_location=a, to_location=b) for m, a, b in moves]
    return history(events)


def room(points: list[tuple[float, float]]) -> list[Revision]:
    _, found = detect(fresh(), observations(points), limits_of(cold_room()))
    return revisions([], found)


def test_a_new_excursion_over_already_is_started_and_ended_with_its_exposed_lots() -> None:
    intervals = [
        *lot("A", []),
        *lot("B", [(-120, OTHER, OTHER), (22.5, OTHER, COLD_ROOM)]),
        *lot("C", [(-10, COLD_ROOM, OTHER)]),
    ]
    (revision,) = room([(m, 9.5 if 0 <= m < 45 else 5.0) for m in range(-30, 90, 5)])
    assert revision.publish == (Publish.STARTED, Publish.ENDED)
    x = revision.excursion
    events = []
    for publish in revision.publish:
        _, until = exposure_window(x, publish, NO_GRACE)
        events.append(excursion_event(revision, publish, exposed_lots(intervals, x, until)))
    start = ExcursionStarted.model_validate(events[0].data)
    end = ExcursionEnded.model_validate(events[1].data)
    assert [(e.lot, e.qty, e.exposure_minutes) for e in start.exposed_lots] == [("A", 50, 0.0)]
    assert [(e.lot, e.exposure_minutes) for e in end.exposed_lots] == [("A", 45.0), ("B", 22.5)]
    assert (end.duration_minutes, end.peak, end.readings, end.sensors) == (45.0, 9.5, 9, ["S1"])
    assert events[0].subject == events[1].subject == COLD_ROOM
    assert events[0].id != events[1].id
    assert excursion_event(revision, Publish.ENDED, []).id == events[1].id


def test_a_moved_end_is_published_again_under_a_new_id_and_an_unmoved_one_is_not() -> None:
    (first,) = room([(0, 9.0), (10, 5.0)])
    x = first.excursion
    later = replace(x, ended_at=at(20))
    (moved,) = revisions([x], [later])
    (same,) = revisions([x], [replace(x, peak=9.9)])
    assert (moved.publish, same.publish) == ((Publish.ENDED,), ())
    assert (
        excursion_event(moved, Publish.ENDED, []).id != excursion_event(first, Publish.ENDED, []).id
    )
    (reopened,) = revisions([x], [replace(x, ended_at=None)])
    assert (reopened.publish, reopened.previous_end) == ((Publish.STARTED,), at(10))
    assert (
        excursion_event(reopened, Publish.STARTED, []).id
        != excursion_event(first, Publish.STARTED, []).id
    )


def test_an_excursion_now_covered_by_an_earlier_one_is_withdrawn_naming_it() -> None:
    (late,) = room([(10, 9.0), (20, 5.0)])
    (earlier,) = room([(0, 9.0), (20, 5.0)])
    changes = revisions([late.excursion], [earlier.excursion])
    assert [(c.excursion.excursion_id, c.publish) for c in changes] == [
        (earlier.excursion.excursion_id, (Publish.STARTED, Publish.ENDED)),
        (late.excursion.excursion_id, (Publish.WITHDRAWN,)),
    ]
    gone = changes[1]
    assert gone.withdrawn
    event = excursion_event(gone, Publish.WITHDRAWN, [])
    body = ExcursionWithdrawn.model_validate(event.data)
    assert body.superseded_by == earlier.excursion.excursion_id

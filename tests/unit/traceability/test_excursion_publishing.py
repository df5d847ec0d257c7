"""Detection over a batch of readings, and the started/ended events it publishes with the
lots exposed (issue #4's room: A in all along, B moved in halfway, C moved out before)."""

from datetime import date

from lotledger.shared.contracts.excursions import ExcursionEnded, ExcursionStarted
from lotledger.shared.contracts.stock import BatchStatus, Moved, Received, StockEvent
from lotledger.shared.contracts.telemetry import Reading
from lotledger.traceability.domain.excursions import Phase
from lotledger.traceability.domain.limits import Metric
from lotledger.traceability.domain.residence import Interval, history
from lotledger.traceability.service.climate_batch import ClimateBatch, state_keys
from lotledger.traceability.service.excursion_events import excursion_event, exposed_lots
from tests.unit.traceability.climate_fixtures import COLD_ROOM, at, cold_room

OTHER = "WH1/COLD-B/01"


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


def readings(sensor: str = "S1", location: str = COLD_ROOM) -> list[Reading]:
    return [
        Reading(
            sensor=sensor,
            location=location,
            at=at(m),
            temperature_c=9.5 if 0 <= m < 45 else 5.0,
            humidity_pct=50.0,
        )
        for m in range(-30, 90, 5)
    ]


def test_detection_emits_one_start_and_one_end_per_excursion_and_skips_unknown_places() -> None:
    batch = ClimateBatch({}, grace_minutes=0)
    unknown = readings(location="WH1/NOWHERE/01")
    batch.feed([*readings(), *unknown], {COLD_ROOM: cold_room()})
    assert [(e.change.phase, e.at) for e in batch.emitted] == [
        (Phase.STARTED, at(0)),
        (Phase.ENDED, at(45)),
    ]
    assert len(batch.excursions) == 1
    assert batch.touched == {(COLD_ROOM, "S1", m) for m in Metric}
    assert state_keys(unknown, [COLD_ROOM]) == set()


def test_a_grace_period_delays_the_start_and_a_replayed_reading_changes_nothing() -> None:
    batch = ClimateBatch({}, grace_minutes=20)
    batch.feed(readings(), {COLD_ROOM: cold_room()})
    assert [(e.change.phase, e.at) for e in batch.emitted] == [
        (Phase.STARTED, at(20)),
        (Phase.ENDED, at(45)),
    ]
    again = ClimateBatch(batch.states, grace_minutes=20)
    again.feed(readings(), {COLD_ROOM: cold_room()})
    assert (again.emitted, again.excursions) == ([], {})


def test_published_events_name_the_exposed_lots_and_their_minutes() -> None:
    intervals = [
        *lot("A", []),
        *lot("B", [(-120, OTHER, OTHER), (22.5, OTHER, COLD_ROOM)]),
        *lot("C", [(-10, COLD_ROOM, OTHER)]),
    ]
    batch = ClimateBatch({}, grace_minutes=0)
    batch.feed(readings(), {COLD_ROOM: cold_room()})
    started, ended = batch.emitted
    start_event = excursion_event(started, exposed_lots(intervals, started))
    end_event = excursion_event(ended, exposed_lots(intervals, ended))
    start = ExcursionStarted.model_validate(start_event.data)
    end = ExcursionEnded.model_validate(end_event.data)
    assert [(e.lot, e.qty, e.exposure_minutes) for e in start.exposed_lots] == [("A", 50, 0.0)]
    assert [(e.lot, e.exposure_minutes) for e in end.exposed_lots] == [("A", 45.0), ("B", 22.5)]
    assert (end.duration_minutes, end.peak, end.readings) == (45.0, 9.5, 9)
    assert start_event.subject == end_event.subject == COLD_ROOM
    assert start_event.id != end_event.id
    assert excursion_event(ended, []).id == end_event.id

"""Issue #4's excursion scenario in the pure domain: readings above 8 °C for 45 minutes in
a cold room holding lot A, lot B moved in halfway through, lot C moved out before."""

from datetime import date

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.contracts.stock import BatchStatus, Moved, Received, StockEvent
from lotledger.traceability.domain.excursions import detect
from lotledger.traceability.domain.residence import Exposure, exposure, history
from tests.unit.traceability.climate_fixtures import (
    COLD_ROOM,
    at,
    cold_room,
    fresh,
    limits_of,
    observations,
)

OTHER = "WH1/COLD-B/01"


def lot(name: str, moves: list[tuple[float, str, str]]) -> list[StockEvent]:
    k = {"gtin": "09506000134352", "lot": name}
    events: list[StockEvent] = [
        Received(
            **k,
            at=at(-120),
            location=moves[0][1] if moves else COLD_ROOM,
            qty=50,
            expiry=date(2030, 1, 31),
            supplier="S",
            status=BatchStatus.AVAILABLE,
        ),
    ]
    for minute, source, target in moves:
        events.append(Moved(**k, at=at(minute), qty=50, from_location=source, to_location=target))
    return events


def test_exposure_minutes_follow_who_was_in_the_room_during_the_excursion() -> None:
    readings = observations((m, 5.0 if m < 0 or m >= 45 else 9.5) for m in range(-30, 90, 5))
    _, (excursion,) = detect(fresh(), readings, limits_of(cold_room()))
    assert (excursion.kind, excursion.duration_minutes) == (ExcursionKind.TEMPERATURE_HIGH, 45.0)
    assert excursion.ended_at is not None
    window = (excursion.started_at, excursion.ended_at)

    lot_a = history(lot("A", []))
    lot_b = history(lot("B", [(22.5, OTHER, COLD_ROOM)]))
    lot_c = history(lot("C", [(-10, COLD_ROOM, OTHER)]))
    assert exposure(lot_a, COLD_ROOM, *window) == Exposure(45.0, 50)
    assert exposure(lot_b, COLD_ROOM, *window) == Exposure(22.5, 50)
    assert exposure(lot_c, COLD_ROOM, *window) is None

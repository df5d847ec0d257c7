from datetime import UTC, datetime, timedelta

from lotledger.shared.contracts.catalog import Location, LocationKind, StorageClass

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
COLD_ROOM = "WH1/COLD-A/03"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def cold_room(humidity_min: float | None = 35.0, humidity_max: float | None = 75.0) -> Location:
    return Location(
        location_id=COLD_ROOM,
        warehouse="WH1",
        name="cold room A3",
        kind=LocationKind.STORAGE,
        storage_class=StorageClass.COLD,
        temp_min_c=2.0,
        temp_max_c=8.0,
        humidity_min_pct=humidity_min,
        humidity_max_pct=humidity_max,
    )

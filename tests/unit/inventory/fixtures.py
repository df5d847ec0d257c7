from datetime import UTC, date, datetime

from lotledger.inventory.domain.facts import Facts
from lotledger.shared.contracts.catalog import Location, LocationKind, Product, StorageClass

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
COLD_GTIN = "09506000134352"
AMBIENT_GTIN = "00614141000036"


def _location(
    loc: str, kind: LocationKind, cls: StorageClass, low: float, high: float, tz: str = "UTC"
) -> Location:
    return Location(
        location_id=loc,
        warehouse=loc.split("/")[0],
        name=loc,
        kind=kind,
        storage_class=cls,
        temp_min_c=low,
        temp_max_c=high,
        timezone=tz,
    )


PRODUCTS = {
    COLD_GTIN: Product(gtin=COLD_GTIN, name="Insulin", storage_class=StorageClass.COLD, rx=True),
    AMBIENT_GTIN: Product(
        gtin=AMBIENT_GTIN, name="Paracetamol", storage_class=StorageClass.AMBIENT, rx=False
    ),
}
LOCATIONS = {
    loc.location_id: loc
    for loc in [
        _location("WH1/COLD-A/01", LocationKind.STORAGE, StorageClass.COLD, 2, 8),
        _location("WH1/COLD-A/02", LocationKind.STORAGE, StorageClass.COLD, 2, 8),
        _location("WH1/COLD-Q/01", LocationKind.QUARANTINE, StorageClass.COLD, 2, 8),
        _location("WH1/AMB-A/01", LocationKind.STORAGE, StorageClass.AMBIENT, 15, 25),
        _location("WH1/AMB-Q/01", LocationKind.QUARANTINE, StorageClass.AMBIENT, 15, 25),
        _location("WH2/COLD-A/01", LocationKind.STORAGE, StorageClass.COLD, 2, 8),
    ]
}


def facts(now: datetime = NOW, actor: str = "alice") -> Facts:
    return Facts(now=now, actor=actor, products=PRODUCTS, locations=LOCATIONS)

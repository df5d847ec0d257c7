"""Master data as the domain sees it, and the storage-condition rules (DESIGN §7)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lotledger.inventory.domain.errors import StorageClassMismatch
from lotledger.shared.clock import local_date
from lotledger.shared.contracts.catalog import Location, LocationKind, Product, StorageClass

TempRange = tuple[float | None, float | None]


@dataclass(frozen=True)
class ClassRanges:
    """Each storage class's temperature range (DESIGN §7, China GSP): `cold` 2–8 °C, or
    2–10 °C where configured; `cool` up to 20 °C; `ambient` 10–30 °C. None: unbounded.
    The one source of these ranges for location registration and for every command."""

    cold: TempRange = (2.0, 8.0)
    cool: TempRange = (None, 20.0)
    ambient: TempRange = (10.0, 30.0)

    def range_of(self, storage_class: StorageClass) -> TempRange:
        match storage_class:
            case StorageClass.COLD:
                return self.cold
            case StorageClass.COOL:
                return self.cool
        return self.ambient

    def _within(self, storage_class: StorageClass, location: Location) -> bool:
        low, high = self.range_of(storage_class)
        return (low is None or location.temp_min_c >= low) and (
            high is None or location.temp_max_c <= high
        )

    def location_within_class(self, location: Location) -> bool:
        return self._within(location.storage_class, location)

    def fits(self, product: Product, location: Location) -> bool:
        """A product fits where the location's whole range lies within the product's class."""
        return self._within(product.storage_class, location)


def check_storage_class_change(
    before: Product | None, after: Product, stocked: Iterable[Location], ranges: ClassRanges
) -> None:
    """A product's storage class changes only while all its stock (in `stocked`, the
    locations holding it) fits the new class; otherwise refused, naming the locations."""
    if before is None or before.storage_class is after.storage_class:
        return
    misfits = sorted(loc.location_id for loc in stocked if not ranges.fits(after, loc))
    if misfits:
        raise StorageClassMismatch(
            f"{after.storage_class.value} does not fit the stock of {after.gtin} held at "
            f"{', '.join(misfits)}; move or dispose of it first",
            field="storage_class",
            product_class=after.storage_class.value,
            locations=misfits,
        )


def pickable(location: Location) -> bool:
    return location.kind is not LocationKind.QUARANTINE


def today_at(location: Location, instant: datetime) -> date:
    """The calendar date in the location's warehouse time zone, where expiry is judged."""
    return local_date(instant, ZoneInfo(location.timezone))

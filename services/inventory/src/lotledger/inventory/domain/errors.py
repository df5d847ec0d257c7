"""Every rule of DESIGN §7 as a named refusal. The HTTP mapping lives at the edge
(entrypoints/api/problem_map.py)."""

from __future__ import annotations

from lotledger.shared.errors import DomainError, NotFound


class UnknownProduct(NotFound):
    pass


class UnknownLocation(NotFound):
    pass


class UnknownBatch(NotFound):
    pass


class UnknownWarehouse(NotFound):
    pass


class InsufficientStock(DomainError):
    """The stock-out would make a location negative."""


class BatchNotAvailable(DomainError):
    """The batch's status forbids shipping it."""


class BatchQuarantined(BatchNotAvailable):
    pass


class BatchRejected(BatchNotAvailable):
    pass


class BatchRecalled(BatchNotAvailable):
    pass


class BatchExpired(DomainError):
    """The batch's expiry is before today in the warehouse's time zone."""


class ShelfLifeTooShort(DomainError):
    """Fewer days remain before expiry than the pick's `min_remaining_days`."""


class ExpiredOnReceipt(DomainError):
    """Goods already expired are never received."""


class ManufacturedAfterExpiry(DomainError):
    """A batch cannot be made after it expires."""


class ManufacturedInFuture(DomainError):
    """A manufacturing date later than today in the receiving warehouse's time zone."""


class ExpiryMismatch(DomainError):
    """A batch's expiry is fixed by its first receipt."""


class StorageClassMismatch(DomainError):
    """The location's storage conditions do not fit the product."""


class LocationNotPickable(DomainError):
    """Stock in quarantine locations is never shipped."""


class InvalidStatusChange(DomainError):
    """The QA status change is not allowed from the batch's current status."""


class SameLocation(DomainError):
    """A move needs two different locations."""


class WarehouseMismatch(DomainError):
    """The location belongs to another warehouse than the one named."""


class ConcurrentModification(DomainError):
    """The batch changed under the command more often than the retry budget allows."""


class LocationOutsideClassRange(DomainError):
    """A location's temperature range must lie within its storage class's range."""


class LocationIdMismatch(DomainError):
    """A location id starts with its warehouse id (`WH1/...`)."""


class ScannedInFuture(DomainError):
    """A device's scanned_at lies further ahead of the server's clock than tolerated."""


class ScannedTooLongAgo(DomainError):
    """A device's scanned_at lies further back than the scan horizon."""


class ReturnExceedsShipped(DomainError):
    """A return from a party of more than the party was shipped, net of its returns."""


class HoldingNotAllowed(DomainError):
    """The command cannot take stock from, or move it into, that holding status."""

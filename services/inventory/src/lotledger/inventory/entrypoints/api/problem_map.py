"""The one mapping from inventory's named refusals to RFC 9457 problems.

| status | meaning |
|---|---|
| 400 | malformed JSON |
| 401 | no valid bearer token |
| 403 | token lacks the role or the warehouse |
| 404 | unknown product, location, batch or sensor |
| 409 | the batch's state refuses the command (stock, status, expiry, storage, |
|     | concurrency) or an idempotency key is reused with another body |
| 413 | body too large |
| 422 | invalid input (field and rule named) |
| 429 | rate limited |
"""

from __future__ import annotations

from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain import sensors as s
from lotledger.inventory.domain import serial_capture as capture
from lotledger.inventory.domain import serial_state as st
from lotledger.inventory.domain import serials as sn
from lotledger.inventory.entrypoints.api.barcode import InvalidBarcode
from lotledger.inventory.entrypoints.api.routers.serial_states import UnknownSerial
from lotledger.inventory.service import serial_scans as scans
from lotledger.inventory.service import sync_conflicts as sync
from lotledger.shared.errors import DomainError
from lotledger.shared.web.problems import ProblemSpec

PROBLEMS: dict[type[DomainError], ProblemSpec] = {
    e.UnknownProduct: ProblemSpec(404, "unknown-product", "Unknown product"),
    e.UnknownLocation: ProblemSpec(404, "unknown-location", "Unknown location"),
    e.UnknownBatch: ProblemSpec(404, "unknown-batch", "Unknown batch"),
    e.UnknownWarehouse: ProblemSpec(404, "unknown-warehouse", "Unknown warehouse"),
    sync.UnknownConflict: ProblemSpec(404, "unknown-sync-conflict", "Unknown sync conflict"),
    sync.ConflictResolved: ProblemSpec(
        409, "sync-conflict-resolved", "Sync conflict already resolved"
    ),
    sync.NotDerivable: ProblemSpec(
        422, "sync-conflict-not-derivable", "Adjustment not derivable from the operation"
    ),
    e.ScannedInFuture: ProblemSpec(
        422, "scanned-at-in-future", "Scanned further ahead than tolerated"
    ),
    e.ScannedTooLongAgo: ProblemSpec(
        422, "scanned-at-beyond-horizon", "Scanned longer ago than the horizon"
    ),
    e.ReturnExceedsShipped: ProblemSpec(
        409, "return-exceeds-shipped", "Return exceeds what was shipped to the party"
    ),
    e.HoldingNotAllowed: ProblemSpec(
        409, "holding-not-allowed", "Not allowed for stock in that holding"
    ),
    sn.SerialsRequired: ProblemSpec(422, "serials-required", "Serialised product: name the packs"),
    sn.NotSerialised: ProblemSpec(422, "not-serialised", "Product is not serialised"),
    sn.SerialCountMismatch: ProblemSpec(
        422, "serial-count-mismatch", "Quantity is not the packs named"
    ),
    sn.SerialsNotDistinct: ProblemSpec(422, "serials-not-distinct", "A pack is named twice"),
    capture.InvalidCapture: ProblemSpec(
        422, "invalid-epcis-capture", "Inconsistent EPCIS document"
    ),
    st.PackNotAvailable: ProblemSpec(409, "pack-not-available", "Pack not available here"),
    st.ContainerSealed: ProblemSpec(409, "container-sealed", "Pack is in a sealed case"),
    scans.UnknownContainer: ProblemSpec(404, "unknown-container", "Unknown container"),
    scans.ContainerReceived: ProblemSpec(409, "container-received", "Container already received"),
    UnknownSerial: ProblemSpec(404, "unknown-serial", "Unknown serial"),
    e.InsufficientStock: ProblemSpec(409, "insufficient-stock", "Insufficient stock"),
    e.BatchQuarantined: ProblemSpec(409, "batch-quarantined", "Batch is quarantined"),
    e.BatchRejected: ProblemSpec(409, "batch-rejected", "Batch is rejected"),
    e.BatchRecalled: ProblemSpec(409, "batch-recalled", "Batch is recalled"),
    e.BatchExpired: ProblemSpec(409, "batch-expired", "Batch is expired"),
    e.ShelfLifeTooShort: ProblemSpec(409, "shelf-life-too-short", "Remaining shelf life too short"),
    e.ExpiredOnReceipt: ProblemSpec(422, "expired-on-receipt", "Goods are already expired"),
    e.ManufacturedAfterExpiry: ProblemSpec(
        422, "manufactured-after-expiry", "Manufactured after its expiry"
    ),
    e.ManufacturedInFuture: ProblemSpec(
        422, "manufactured-in-future", "Manufactured in the future"
    ),
    e.ExpiryMismatch: ProblemSpec(409, "expiry-mismatch", "Expiry differs from the batch's"),
    e.StorageClassMismatch: ProblemSpec(
        409, "storage-class-mismatch", "Location does not fit the product"
    ),
    e.LocationNotPickable: ProblemSpec(409, "location-not-pickable", "Location is not pickable"),
    e.InvalidStatusChange: ProblemSpec(409, "invalid-status-change", "Status change not allowed"),
    e.SameLocation: ProblemSpec(422, "same-location", "Source and destination are the same"),
    e.WarehouseMismatch: ProblemSpec(422, "warehouse-mismatch", "Location is in another warehouse"),
    e.ConcurrentModification: ProblemSpec(
        409, "concurrent-modification", "Batch changed concurrently"
    ),
    e.LocationOutsideClassRange: ProblemSpec(
        422, "location-outside-class-range", "Location range outside its storage class"
    ),
    e.LocationIdMismatch: ProblemSpec(
        422, "location-id-mismatch", "Location id does not match its warehouse"
    ),
    InvalidBarcode: ProblemSpec(422, "invalid-barcode", "Invalid GS1 barcode"),
    s.UnknownSensor: ProblemSpec(404, "unknown-sensor", "Unknown sensor"),
    s.SensorLocationFixed: ProblemSpec(409, "sensor-location-fixed", "A sensor cannot move"),
    s.SensorRetired: ProblemSpec(409, "sensor-retired", "Sensor is retired"),
}
READING_PROBLEMS: dict[type[DomainError], ProblemSpec] = {
    s.UnknownSensor: ProblemSpec(422, "unknown-sensor", "Reading from an unregistered sensor"),
    s.SensorRetired: ProblemSpec(422, "sensor-retired", "Reading from a retired sensor"),
    s.SensorElsewhere: ProblemSpec(
        422, "sensor-elsewhere", "Reading names another location than its sensor's"
    ),
    s.MeasureNotRegistered: ProblemSpec(
        422, "measure-not-registered", "Sensor not registered for this measure"
    ),
    s.ReadingInFuture: ProblemSpec(422, "reading-in-future", "Reading later than the clock"),
    s.ReadingTooOld: ProblemSpec(422, "reading-too-old", "Reading beyond the late horizon"),
}
"""A refused reading of a telemetry batch, answered per reading inside a 202."""

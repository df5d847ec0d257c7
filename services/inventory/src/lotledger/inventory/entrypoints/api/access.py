"""Inventory's access table: every endpoint, the roles it admits, and its scoping."""

from __future__ import annotations

from lotledger.shared.auth import Role
from lotledger.shared.web.access import Access, AccessTable, Scoping, allow

R = Role
OWN = Scoping.OWN_WAREHOUSES
READERS = (R.SCANNER, R.QA, R.ERP, R.REGULATOR, R.ADMIN)
AUDITORS = (R.REGULATOR, R.QA, R.ERP, R.ADMIN)
BATCH = "/v1/batches/{gtin}/{lot}"


def _writes(paths: list[str], *roles: Role) -> dict[tuple[str, str], Access]:
    return {("POST", path): allow(*roles, scoping=OWN) for path in paths}


ACCESS: AccessTable = {
    ("PUT", "/v1/products/{gtin}"): allow(R.ADMIN),
    ("GET", "/v1/products/{gtin}"): allow(*READERS),
    ("GET", "/v1/products/{gtin}/audit"): allow(R.ADMIN, R.REGULATOR),
    ("PUT", "/v1/locations/{location_id}"): allow(R.ADMIN, scoping=OWN),
    ("GET", "/v1/locations/{location_id}"): allow(*READERS, R.SENSOR, scoping=OWN),
    ("GET", "/v1/locations/{location_id}/audit"): allow(R.ADMIN, R.REGULATOR, scoping=OWN),
    ("PUT", "/v1/sensors/{sensor_id}"): allow(R.ADMIN, scoping=OWN),
    ("GET", "/v1/sensors"): allow(*READERS, R.SENSOR, scoping=Scoping.FILTERED),
    ("GET", "/v1/sensors/{sensor_id}"): allow(*READERS, R.SENSOR, scoping=OWN),
    ("GET", "/v1/sensors/{sensor_id}/audit"): allow(R.ADMIN, R.REGULATOR, scoping=OWN),
    ("PUT", "/v1/warehouses/{warehouse_id}"): allow(R.ADMIN, scoping=OWN),
    ("GET", "/v1/warehouses/{warehouse_id}"): allow(*READERS, scoping=OWN),
    ("GET", "/v1/warehouses/{warehouse_id}/audit"): allow(R.ADMIN, R.REGULATOR, scoping=OWN),
    **_writes(
        [
            "/v1/receipts",
            "/v1/picks",
            "/v1/moves",
            "/v1/adjustments",
            "/v1/counts",
            "/v1/disposals",
        ],
        R.SCANNER,
    ),
    **_writes(["/v1/returns", "/v1/holdings/hold"], R.SCANNER, R.QA),
    **_writes(["/v1/holdings/release", "/v1/holdings/reject", "/v1/recalls"], R.QA),
    **_writes(
        ["/v1/sync-conflicts/{conflict_id}/apply", "/v1/sync-conflicts/{conflict_id}/discard"],
        R.QA,
    ),
    ("GET", "/v1/sync-conflicts"): allow(R.SCANNER, R.QA, R.ADMIN, scoping=Scoping.FILTERED),
    ("GET", "/v1/sync-conflicts/{conflict_id}"): allow(R.SCANNER, R.QA, R.ADMIN, scoping=OWN),
    **_writes(
        [f"{BATCH}/{action}" for action in ("release", "quarantine", "reject", "recall")], R.QA
    ),
    **_writes(["/v1/operations"], R.SCANNER, R.QA),
    ("POST", "/v1/epcis/capture"): allow(R.ADMIN, R.SCANNER),
    **_writes(
        [
            "/v1/receipts/containers",
            "/v1/picks/serials",
            "/v1/moves/serials",
            "/v1/serials/decommission",
        ],
        R.SCANNER,
    ),
    **_writes(["/v1/returns/verified", "/v1/containers/{sscc}/open"], R.SCANNER, R.QA),
    ("GET", "/v1/serials/{gtin}/{serial}"): allow(*READERS, scoping=OWN),
    **_writes(["/v1/stocktakes"], R.ERP, R.SCANNER),
    **_writes(["/v1/telemetry/readings"], R.SENSOR),
    ("GET", BATCH): allow(*READERS, scoping=OWN),
    ("GET", f"{BATCH}/events"): allow(*READERS, scoping=OWN),
    ("GET", "/v1/stock"): allow(*READERS, scoping=Scoping.FILTERED),
    ("GET", "/v1/fefo"): allow(R.SCANNER, R.QA, R.ERP, R.ADMIN, scoping=Scoping.FILTERED),
    ("GET", f"{BATCH}/proof"): allow(*AUDITORS, scoping=OWN),
    ("GET", "/v1/checkpoints"): allow(*AUDITORS),
    ("GET", "/v1/checkpoints/keys"): allow(*AUDITORS),
    ("GET", "/v1/checkpoints/{checkpoint_id}/consistency"): allow(*AUDITORS),
    ("GET", "/v1/checkpoints/latest"): allow(*AUDITORS),
    ("GET", "/v1/checkpoints/public-key"): allow(*AUDITORS),
    ("GET", "/v1/checkpoints/{checkpoint_id}"): allow(*AUDITORS),
    ("GET", "/v1/checkpoints/{checkpoint_id}/verify"): allow(*AUDITORS),
}

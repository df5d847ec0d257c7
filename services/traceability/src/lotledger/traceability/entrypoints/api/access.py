"""The traceability service's access table: every endpoint, the roles it admits, its
scoping (enforced by the app-level dependency in `lotledger.shared.web.access`).

Read-only for regulators, ERP systems, QA and admins; scanners and sensors write through
inventory. A token scoped to warehouses sees lots that were ever in one of them and only
those warehouses' steps, balances, climate and excursions.
"""

from __future__ import annotations

from lotledger.shared.web.access import AccessTable, Scoping, allow
from lotledger.traceability.entrypoints.api.dependencies import READER_ROLES

LOT = "/v1/lots/{gtin}/{lot}"
OWN = Scoping.OWN_WAREHOUSES
FILTERED = Scoping.FILTERED

ACCESS: AccessTable = {
    ("GET", "/v1/lots"): allow(*READER_ROLES, scoping=FILTERED),
    ("GET", LOT): allow(*READER_ROLES, scoping=OWN),
    **{
        ("GET", f"{LOT}/{part}"): allow(*READER_ROLES, scoping=OWN)
        for part in ("trace", "recall-report", "verify", "epcis", "excursions")
    },
    ("GET", "/v1/consignees/{party}/lots"): allow(*READER_ROLES, scoping=FILTERED),
    ("GET", "/v1/stock/as-of"): allow(*READER_ROLES, scoping=FILTERED),
    ("GET", "/v1/excursions"): allow(*READER_ROLES, scoping=FILTERED),
    ("GET", "/v1/excursions/{excursion_id}"): allow(*READER_ROLES, scoping=OWN),
    ("GET", "/v1/locations/{location_id}/climate"): allow(*READER_ROLES, scoping=OWN),
    ("GET", "/v1/serials/{gtin}/{serial}"): allow(*READER_ROLES, scoping=OWN),
}

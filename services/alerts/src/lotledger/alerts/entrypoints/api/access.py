"""The alerts service's access table: every endpoint, the roles it admits, its scoping
(enforced by the app-level dependency in `lotledger.shared.web.access`).

Reading alerts is for qa, erp and admin; acting on them for qa and admin (a warehouse
manager holds a `qa` token for their warehouses). Rules and webhooks are system-wide:
changing them needs admin for every warehouse (`SystemAdmin` checks the `*`).
"""

from __future__ import annotations

from lotledger.shared.auth import Role
from lotledger.shared.web.access import AccessTable, Scoping, allow

R = Role
READERS = (R.QA, R.ERP, R.ADMIN)
HANDLERS = (R.QA, R.ADMIN)
STOCK_READERS = (R.SCANNER, R.QA, R.ERP, R.REGULATOR, R.ADMIN)
"""Who reads stock in inventory reads the forecasts built from it."""
ALERT = "/v1/alerts/{alert_id}"
WEBHOOK = "/v1/webhooks/{webhook_id}"

ACCESS: AccessTable = {
    ("GET", "/v1/alerts"): allow(*READERS, scoping=Scoping.FILTERED),
    ("GET", ALERT): allow(*READERS, scoping=Scoping.OWN_WAREHOUSES),
    ("POST", f"{ALERT}/ack"): allow(*HANDLERS, scoping=Scoping.OWN_WAREHOUSES),
    ("POST", f"{ALERT}/resolve"): allow(*HANDLERS, scoping=Scoping.OWN_WAREHOUSES),
    ("GET", "/v1/forecast/expiry-risk"): allow(*STOCK_READERS, scoping=Scoping.FILTERED),
    ("GET", "/v1/forecast/replenishment"): allow(*STOCK_READERS, scoping=Scoping.FILTERED),
    ("GET", "/v1/reports/expiry-loss"): allow(*STOCK_READERS, scoping=Scoping.FILTERED),
    ("GET", "/v1/rules"): allow(*READERS),
    ("PUT", "/v1/rules"): allow(R.ADMIN),
    ("GET", "/v1/rules/history"): allow(R.ADMIN),
    ("POST", "/v1/webhooks"): allow(R.ADMIN),
    ("GET", "/v1/webhooks"): allow(R.ADMIN),
    ("GET", WEBHOOK): allow(R.ADMIN),
    ("DELETE", WEBHOOK): allow(R.ADMIN),
    ("GET", f"{WEBHOOK}/deliveries"): allow(R.ADMIN),
}

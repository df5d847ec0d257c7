"""Property against the real store: random operation sequences never make a location
negative, and every batch's stored state equals the fold of its stored events."""

import itertools
from typing import Any

import asyncpg
import httpx
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotledger.inventory.domain.batch import fold
from lotledger.shared.contracts.stock import EVENT_TYPES
from tests.support.infra import Infra
from tests.support.stock import SCANNER
from tests.support.world import COLD, PHARMACIES, SUPPLIER

LOCS = ["WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-Q/01"]
EXPIRY = {"a": "2027-01-31", "b": "2027-06-30", "c": "2026-12-15"}
_runs = itertools.count()

loc = st.sampled_from(LOCS)
lot_key = st.sampled_from(sorted(EXPIRY))
qty = st.integers(1, 20)
operation = st.one_of(
    st.fixed_dictionaries({"op": st.just("receipt"), "lot": lot_key, "qty": qty, "location": loc}),
    st.fixed_dictionaries(
        {"op": st.just("pick"), "lot": st.one_of(st.none(), lot_key), "qty": qty, "location": loc}
    ),
    st.fixed_dictionaries(
        {
            "op": st.just("move"),
            "lot": lot_key,
            "qty": qty,
            "from_location": loc,
            "to_location": loc,
        }
    ),
    st.fixed_dictionaries(
        {
            "op": st.just("adjustment"),
            "lot": lot_key,
            "location": loc,
            "delta": st.integers(-20, 20).filter(bool),
        }
    ),
    st.fixed_dictionaries(
        {"op": st.just("count"), "lot": lot_key, "location": loc, "counted_qty": st.integers(0, 25)}
    ),
    st.fixed_dictionaries({"op": st.just("disposal"), "lot": lot_key, "qty": qty, "location": loc}),
    st.fixed_dictionaries({"op": st.just("return"), "lot": lot_key, "qty": qty, "location": loc}),
    st.fixed_dictionaries({"op": st.sampled_from(["release", "quarantine"]), "lot": lot_key}),
)


def _request(run: int, i: int, op: dict[str, Any]) -> dict[str, Any]:
    body = {**op, "client_op_id": f"prop-{run}-{i}", "gtin": COLD}
    if op["lot"] is not None:
        body["lot"] = f"P{run:04d}{op['lot']}"
    else:
        body.pop("lot")
    extras: dict[str, dict[str, Any]] = {
        "receipt": {"expiry": EXPIRY.get(op["lot"] or ""), "supplier": SUPPLIER},
        "pick": {"order_ref": "SO-P", "ship_to": PHARMACIES[0], "warehouse": "WH1"},
        "adjustment": {"reason": "found"},
        "disposal": {"reason": "damaged"},
        "return": {"from_party": PHARMACIES[1], "reason": "damaged"},
    }
    return {**body, **extras.get(op["op"], {})}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(operation, min_size=1, max_size=40))
async def test_stored_state_is_the_fold_of_stored_events(
    inventory: httpx.AsyncClient, migrated: Infra, ops: list[dict[str, Any]]
) -> None:
    run = next(_runs)
    requests = [_request(run, i, op) for i, op in enumerate(ops)]
    response = await inventory.post(
        "/v1/operations", headers=SCANNER, json={"operations": requests}
    )
    assert response.status_code == 200, response.text
    conn = await asyncpg.connect(migrated.url("inventory", driver="postgresql"))
    try:
        batches = await conn.fetch(
            "SELECT batch_id, lot, on_hand::text, version, status FROM inventory.batches "
            "WHERE lot LIKE $1",
            f"P{run:04d}%",
        )
        for batch in batches:
            rows = await conn.fetch(
                "SELECT type, data::text FROM inventory.events WHERE stream_id = $1 "
                "ORDER BY version",
                batch["batch_id"],
            )
            events = [EVENT_TYPES[r["type"]].model_validate_json(r["data"]) for r in rows]
            state = fold(COLD, batch["lot"], events)
            assert state.on_hand == orjson.loads(batch["on_hand"])
            assert state.version == batch["version"] == len(rows)
            assert str(state.status) == batch["status"]
            assert all(q > 0 for q in state.on_hand.values())
            levels = await conn.fetch(
                "SELECT location, qty FROM inventory.stock_levels WHERE batch_id = $1",
                batch["batch_id"],
            )
            assert {r["location"]: r["qty"] for r in levels} == state.on_hand
    finally:
        await conn.close()

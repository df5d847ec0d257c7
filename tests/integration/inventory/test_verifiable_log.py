"""Tamper evidence (DESIGN §4.6, §10): checkpoints commit to what the stock topic
published; every attack on the event store by someone holding the database is named —
batch and first altered version — by the API and by the standalone `lotledger-verify`
reading the Kafka topics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from lotledger.inventory.adapters.stored_events import ENVELOPE_COLUMNS, stored_envelope
from lotledger.shared.db import Driver
from lotledger.shared.urls import lot_segment
from lotledger.verify.chain import GENESIS, chain_hash
from lotledger.verify.merkle import verify_consistency, verify_inclusion
from lotledger.verify.statement import Statement, event_leaf, signature_valid
from tests.support.log_world import (
    DEV_SIGNER,
    REGULATOR,
    LogWorld,
    as_event_owner,
    export,
    log_world,
    lotledger_verify,
)
from tests.support.stock import SCANNER, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, fresh_lot

Attack = Callable[[Driver, str], Awaitable[None]]


async def _edit(conn: Driver, stream: str, version: int) -> None:
    await conn.execute(
        "UPDATE events SET data = jsonb_set(data, '{qty}', '999') "
        "WHERE stream_id = $1 AND version = $2",
        stream,
        version,
    )


async def _rechain(conn: Driver, stream: str) -> None:
    rows = await conn.fetch(
        f"SELECT {ENVELOPE_COLUMNS} FROM events e WHERE e.stream_id = $1 "  # noqa: S608
        "ORDER BY e.version",
        stream,
    )
    prev = GENESIS
    for row in rows:
        envelope = stored_envelope(row)
        envelope["prevhash"] = prev
        prev = chain_hash(prev, envelope)
        await conn.execute(
            "UPDATE events SET prev_hash = $3, hash = $4 WHERE stream_id = $1 AND version = $2",
            stream,
            row["version"],
            envelope["prevhash"],
            prev,
        )


async def edit_payload(conn: Driver, stream: str) -> None:
    await _edit(conn, stream, 2)


async def edit_and_rechain(conn: Driver, stream: str) -> None:
    await _edit(conn, stream, 2)
    await _rechain(conn, stream)


async def delete_the_last_two(conn: Driver, stream: str) -> None:
    await conn.execute("DELETE FROM events WHERE stream_id = $1 AND version > 3", stream)


async def reorder(conn: Driver, stream: str) -> None:
    for old, new in ((2, 1_000_000), (3, 2), (1_000_000, 3)):
        await conn.execute(
            "UPDATE events SET version = $3 WHERE stream_id = $1 AND version = $2",
            stream,
            old,
            new,
        )
    await _rechain(conn, stream)


ATTACKS: dict[str, tuple[Attack, int, bool]] = {
    "edit the payload": (edit_payload, 2, False),
    "edit and recompute the chain": (edit_and_rechain, 2, True),
    "delete the last events": (delete_the_last_two, 4, True),
    "reorder and recompute": (reorder, 2, True),
}
"""attack → (first altered version, whether the stored chain still looks valid)."""


@pytest.mark.parametrize("name", sorted(ATTACKS))
async def test_each_attack_on_the_store_is_named_by_the_api_and_the_verifier(
    name: str, tmp_path: Path
) -> None:
    attack, version, chain_looks_valid = ATTACKS[name]
    async with log_world() as world:
        stream = await world.lot(fresh_lot("TMP"), 5)
        checkpoint = await world.checkpoint()
        assert (await world.events(stream))["log"] == {
            "checkpoint_id": checkpoint.id,
            "logged_version": 5,
            "matches": True,
            "first_mismatch_version": None,
            "reason": None,
        }
        async with as_event_owner(world.infra) as conn:
            await attack(conn, stream)
        await _named(world, stream, version, chain_looks_valid, checkpoint.id, tmp_path)


async def test_a_rewrite_after_the_latest_checkpoint_is_named_once_the_next_one_is_taken(
    tmp_path: Path,
) -> None:
    async with log_world() as world:
        stream = await world.lot(fresh_lot("TMP"), 3)
        await world.checkpoint()
        gtin, lot = stream.split("/", 1)
        for i in range(2):
            picked = await world.api.post(
                "/v1/picks",
                headers=SCANNER,
                json={
                    "gtin": gtin,
                    "lot": lot,
                    "qty": 1,
                    "location": "WH1/COLD-A/01",
                    "order_ref": f"SO-late-{i}",
                    "ship_to": "9506000000022",
                },
            )
            assert picked.status_code == 201, picked.text
        await world.drained()
        async with as_event_owner(world.infra) as conn:
            await _edit(conn, stream, 4)
            await _rechain(conn, stream)
        unproven = (await world.events(stream))["log"]
        assert (unproven["logged_version"], unproven["matches"]) == (3, True)
        later = await world.checkpoint()
        await _named(world, stream, 4, True, later.id, tmp_path)


async def _named(
    world: LogWorld,
    stream: str,
    version: int,
    chain_looks_valid: bool,
    checkpoint_id: int,
    tmp_path: Path,
) -> None:
    body = await world.events(stream)
    assert body["chain_valid"] is chain_looks_valid
    log = body["log"]
    assert (log["matches"], log["first_mismatch_version"]) == (False, version), log
    audit = (
        await world.api.get(f"/v1/checkpoints/{checkpoint_id}/verify", headers=REGULATOR)
    ).json()
    assert not audit["ok"]
    assert audit["signature_valid"]
    assert audit["root_matches"]
    assert [(b["batch_id"], b["version"]) for b in audit["broken"]] == [(stream, version)]

    clean = await lotledger_verify(world)
    assert clean.code == 0, clean.report
    verdict = await lotledger_verify(world, "--export", export(tmp_path / "events.json", body))
    assert verdict.code == 1
    assert [(f["batch"], f["version"]) for f in verdict.report["findings"]] == [(stream, version)]


async def test_proofs_verify_with_the_public_key_alone() -> None:
    async with log_world() as world:
        first_stream = await world.lot(fresh_lot("PRF"), 3)
        first = await world.checkpoint()
        await world.lot(fresh_lot("PRF"), 4)
        second = await world.checkpoint()
        assert (first.tree_size, second.tree_size) == (3, 7)

        gtin, lot = first_stream.split("/", 1)
        for checkpoint, size in ((first.id, 3), (second.id, 7)):
            proof = (
                await world.api.get(
                    f"/v1/batches/{gtin}/{lot_segment(lot)}/proof",
                    params={"checkpoint": checkpoint, "version": 2},
                    headers=REGULATOR,
                )
            ).json()
            signed = proof["checkpoint"]
            statement = Statement.from_dict(orjson.loads(signed["payload"]))
            assert signature_valid(
                DEV_SIGNER.public_raw, signed["payload"].encode(), signed["signature"]
            )
            assert statement.tree_size == proof["tree_size"] == size
            leaf = event_leaf(first_stream, 2, proof["hash"])
            assert verify_inclusion(
                proof["leaf_index"],
                size,
                leaf,
                [bytes.fromhex(p) for p in proof["inclusion"]],
                bytes.fromhex(statement.root),
            )
            events = (await world.events(first_stream))["events"]
            assert proof["hash"] == events[1]["hash"]

        consistency = (
            await world.api.get(
                f"/v1/checkpoints/{second.id}/consistency",
                params={"from": first.id},
                headers=REGULATOR,
            )
        ).json()
        assert verify_consistency(
            3,
            7,
            bytes.fromhex(first.root),
            bytes.fromhex(second.root),
            [bytes.fromhex(p) for p in consistency["proof"]],
        )
        assert not verify_consistency(
            3,
            7,
            bytes.fromhex(second.root),
            bytes.fromhex(second.root),
            [bytes.fromhex(p) for p in consistency["proof"]],
        )
        assert (await lotledger_verify(world)).report["checkpoints"] == 2


async def test_an_offline_bundle_names_the_altered_version(tmp_path: Path) -> None:
    async with log_world() as world:
        stream = await world.lot(fresh_lot("BND"), 4)
        await world.checkpoint()
        gtin, lot = stream.split("/", 1)
        proofs = [
            (
                await world.api.get(
                    f"/v1/batches/{gtin}/{lot_segment(lot)}/proof",
                    params={"version": v},
                    headers=REGULATOR,
                )
            ).json()
            for v in range(1, 5)
        ]
        intact = await world.events(stream)
        async with as_event_owner(world.infra) as conn:
            await _edit(conn, stream, 3)
            await _rechain(conn, stream)
        altered = await world.events(stream)

        async def offline(body: dict[str, Any]) -> Any:
            return await _run_offline(export(tmp_path / "bundle.json", {**body, "proofs": proofs}))

        assert (await offline(intact))["ok"] is True
        report = await offline(altered)
        assert [(f["batch"], f["version"]) for f in report["findings"]] == [(stream, 3)]


async def _run_offline(path: str) -> Any:
    import asyncio
    import sys

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.verify.cli",
        "--key",
        DEV_SIGNER.public_base64,
        "--bundle",
        path,
        "--json",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    return orjson.loads(out)


async def test_the_audit_names_only_batches_in_the_callers_warehouses() -> None:
    async with log_world() as world:
        lot = fresh_lot("WH2")
        await receive(
            world.api,
            COLD,
            lot,
            5,
            location="WH2/COLD-A/01",
            headers=bearer("scanner", warehouses=["WH2"]),
        )
        stream = f"{COLD}/{lot}"
        checkpoint = await world.checkpoint()
        async with as_event_owner(world.infra) as conn:
            await edit_payload_v1(conn, stream)
        url = f"/v1/checkpoints/{checkpoint.id}/verify"
        wh1 = (await world.api.get(url, headers=bearer("qa", warehouses=["WH1"]))).json()
        assert (wh1["ok"], wh1["broken"], wh1["broken_elsewhere"]) == (False, [], 1)
        wh2 = (await world.api.get(url, headers=bearer("qa", warehouses=["WH2"]))).json()
        assert [(b["batch_id"], b["version"]) for b in wh2["broken"]] == [(stream, 1)]
        proof = await world.api.get(
            f"/v1/batches/{COLD}/{lot_segment(lot)}/proof", headers=bearer("qa", warehouses=["WH1"])
        )
        assert proof.status_code == 403


async def edit_payload_v1(conn: Driver, stream: str) -> None:
    await _edit(conn, stream, 1)

"""The checkpointer as a process signs what the relay published, traceability receives
the statements, and a regulator's `lotledger-verify` with only the public key finds the
whole log sound."""

from __future__ import annotations

import asyncio
import sys

import orjson

from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.settings import DEV_CHECKPOINT_KEY
from lotledger.shared.urls import lot_segment
from tests.support.processes import System
from tests.support.stock import SCANNER, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, fresh_lot

REGULATOR = bearer("regulator")


async def test_a_regulator_verifies_the_published_log_with_the_public_key(system: System) -> None:
    lot = fresh_lot("E2EV")
    async with system.client("inventory") as inventory:
        await receive(inventory, COLD, lot, 10)
        picked = await inventory.post(
            "/v1/picks",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "qty": 3,
                "location": "WH1/COLD-A/01",
                "order_ref": "SO-E2EV",
                "ship_to": PHARMACIES[0],
            },
        )
        assert picked.status_code == 201, picked.text
        for _ in range(200):
            proof = await inventory.get(
                f"/v1/batches/{COLD}/{lot_segment(lot)}/proof", headers=REGULATOR
            )
            if proof.status_code == 200 and proof.json()["version"] == 2:
                break
            await asyncio.sleep(0.1)
        assert proof.status_code == 200, proof.text
        events = (
            await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=REGULATOR)
        ).json()
    assert events["log"]["matches"] is True

    async with system.client("traceability") as traceability:
        for _ in range(200):
            verified = (
                await traceability.get(
                    f"/v1/lots/{COLD}/{lot_segment(lot)}/verify", headers=REGULATOR
                )
            ).json()
            if verified.get("checkpoint"):
                break
            await asyncio.sleep(0.1)
    assert verified["ok"] is True
    assert verified["checkpoint"]["matches"] is True

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.verify.cli",
        "--key",
        Signer.from_seed(DEV_CHECKPOINT_KEY).public_base64,
        "--bootstrap",
        system.infra.kafka_bootstrap,
        "--topic-prefix",
        system.infra.topic_prefix,
        "--json",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    report = orjson.loads(out)
    assert process.returncode == 0, report
    assert report["checkpoints"] >= 1
    assert report["events"] >= 2

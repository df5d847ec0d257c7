"""The checkpointer process: a checkpoint within seconds of starting, another as soon as
enough published events wait (not only on the clock), statements on the checkpoints
topic, key rotation, and forgeries on the topics."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime

from pydantic import SecretStr

from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.entrypoints.checkpointer import Checkpointer
from lotledger.inventory.settings import CheckpointerSettings
from lotledger.shared.contracts.checkpoints import SIGNED
from lotledger.shared.contracts.topics import CHECKPOINTS, STOCK
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.kafka import STRUCTURED, create_producer
from lotledger.verify.chain import chain_hash
from lotledger.verify.statement import Statement, heads_digest
from tests.support.log_world import DEV_SIGNER, REGULATOR, LogWorld, log_world, lotledger_verify
from tests.support.tokens import TEST_SECRET
from tests.support.world import fresh_lot

ROTATED = Signer.from_seed(base64.b64encode(bytes(range(32))).decode())


def checkpointer_settings(world: LogWorld, **overrides: object) -> CheckpointerSettings:
    return CheckpointerSettings(
        inventory_database_url=world.settings.inventory_database_url,
        kafka_bootstrap=world.settings.kafka_bootstrap,
        topic_prefix=world.settings.topic_prefix,
        topic_partitions=3,
        auth_secret=SecretStr(TEST_SECRET),
        **overrides,  # type: ignore[arg-type]
    )


async def _latest_size(world: LogWorld) -> int:
    latest = await world.api.get("/v1/checkpoints/latest", headers=REGULATOR)
    return int(latest.json()["tree_size"]) if latest.status_code == 200 else 0


async def _until(world: LogWorld, size: int, within_s: float) -> None:
    for _ in range(int(within_s * 10)):
        if await _latest_size(world) >= size:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no checkpoint of {size} leaves within {within_s} s")


async def test_first_within_seconds_then_whenever_enough_events_wait() -> None:
    async with log_world() as world:
        settings = checkpointer_settings(
            world, checkpoint_interval_s=3600, checkpoint_startup_s=0.5, checkpoint_max_leaves=6
        )
        await world.lot(fresh_lot("CKW"), 2)
        stop = asyncio.Event()
        worker = asyncio.create_task(Checkpointer(settings, poll_s=0.1).run(stop))
        try:
            await _until(world, 2, within_s=10)
            await world.lot(fresh_lot("CKW"), 7)
            await world.lot(fresh_lot("CKW"), 7)
            await _until(world, 16, within_s=20)
        finally:
            stop.set()
            await asyncio.wait_for(worker, 30)
        await world.drained()
        verified = await lotledger_verify(world)
        assert verified.code == 0, verified.report
        assert verified.report["checkpoints"] >= 3
        assert verified.report["uncovered"] == 0


async def test_a_rotated_key_leaves_earlier_checkpoints_verifiable() -> None:
    async with log_world() as world:
        await world.lot(fresh_lot("ROT"), 2)
        await world.checkpoint(DEV_SIGNER)
        await world.lot(fresh_lot("ROT"), 2)
        await world.checkpoint(ROTATED)
        keys = (await world.api.get("/v1/checkpoints/keys", headers=REGULATOR)).json()
        assert [k["key_id"] for k in keys] == [DEV_SIGNER.key_id, ROTATED.key_id]
        assert [k["trusted"] for k in keys] == [True, False]

        both = await lotledger_verify(world, keys=(DEV_SIGNER.public_base64, ROTATED.public_base64))
        assert both.code == 0, both.report
        only_new = await lotledger_verify(world, keys=(ROTATED.public_base64,))
        assert only_new.code == 1
        assert [(f["where"], f["reason"]) for f in only_new.report["findings"]] == [
            (
                "checkpoint 1",
                f"signed by key {DEV_SIGNER.key_id}, which is not among the trusted keys",
            )
        ]


async def test_forgeries_on_the_topics_are_named() -> None:
    async with log_world() as world:
        stream = await world.lot(fresh_lot("FRG"), 3)
        first = await world.checkpoint()
        producer = create_producer(world.settings, "forger")
        await producer.start()
        try:
            events = (await world.events(stream))["events"]
            forged_event = CloudEvent.model_validate(
                {
                    **events[-1],
                    "id": "00000000-0000-4000-8000-00000000f0f0",
                    "streamversion": 4,
                    "prevhash": events[-1]["hash"],
                    "time": datetime.now(UTC),
                }
            ).to_dict()
            forged_event["hash"] = chain_hash(events[-1]["hash"], forged_event)
            await producer.send_and_wait(
                world.settings.topic(STOCK),
                CloudEvent.model_validate(forged_event).to_json(),
                key=stream.encode(),
                headers=STRUCTURED,
            )
            second = await world.checkpoint()
            audit = (
                await world.api.get(f"/v1/checkpoints/{second.id}/verify", headers=REGULATOR)
            ).json()
            assert [(b["batch_id"], b["version"], b["reason"]) for b in audit["broken"]] == [
                (stream, 4, "this version is missing from the store")
            ]

            statement = Statement(
                log=world.settings.topic(STOCK),
                checkpoint=second.id + 1,
                tree_size=second.tree_size,
                root=second.root,
                streams=second.streams,
                offsets=second.offsets,
                heads_digest=heads_digest([]),
                created_at="2026-12-03T00:00:00.000000Z",
                key_id=ROTATED.key_id,
                previous={
                    "checkpoint": second.id,
                    "tree_size": second.tree_size,
                    "root": second.root,
                },
            )
            await producer.send_and_wait(
                world.settings.topic(CHECKPOINTS),
                CloudEvent(
                    id="00000000-0000-4000-8000-00000000f0f1",
                    source="/forger",
                    type=SIGNED,
                    subject=statement.log,
                    time=datetime.now(UTC),
                    data={
                        "statement": statement.as_dict(),
                        "signature": ROTATED.sign(statement.payload()),
                        "heads": [],
                    },
                ).to_json(),
                key=statement.log.encode(),
            )
        finally:
            await producer.stop()
        verified = await lotledger_verify(world)
        assert verified.code == 1
        assert [f["where"] for f in verified.report["findings"]] == [f"checkpoint {second.id + 1}"]
        assert first.id == 1

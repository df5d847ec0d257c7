"""The deliver worker as a real process, killed with SIGKILL between an alert's raise and
its delivery: once it is back, every webhook is delivered (the receiver accepts each
delivery id once) and every alert event is on Kafka once per event id."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.integration.alerts.steps import product, receive
from tests.integration.alerts.world import (
    ADMIN,
    AlertsWorld,
    alerts_environment,
    alerts_world,
    fresh_gtin,
)
from tests.support.kafka import read_topic
from tests.support.receiver import Receiver, new_secret, receiving
from tests.support.world import fresh_lot

SECRET = new_secret()


@pytest.fixture(scope="module")
async def bare() -> AsyncIterator[AlertsWorld]:
    """A world whose publishing and webhooks are left to the worker process under test."""
    async with alerts_world(deliver=False) as world:
        yield world


async def _spawn(world: AlertsWorld) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.alerts.cli",
        "deliver",
        env={**os.environ, **alerts_environment(world.infra)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _overstock(world: AlertsWorld) -> str:
    gtin = fresh_gtin()
    await product(world, gtin, max_stock=5)
    await receive(world, gtin, fresh_lot("KD"), 9, "2027-09-30")

    async def raised() -> str | None:
        found = await world.alerts(gtin=gtin, type="overstock")
        return found[0]["alert_id"] if found else None

    return await world.until(raised)


def _accepted_once_each(receiver: Receiver, alert_ids: list[str]) -> bool:
    accepted = Counter(h.delivery_id for h in receiver.accepted())
    return all(
        receiver.of_alert(a) and accepted[receiver.of_alert(a)[0].delivery_id] == 1
        for a in alert_ids
    )


async def test_a_deliverer_killed_between_raise_and_delivery_delivers_once_back(
    bare: AlertsWorld,
) -> None:
    async with receiving(SECRET) as receiver:
        created = await bare.api.post(
            "/v1/webhooks",
            json={"url": receiver.url, "types": ["overstock"], "secret": SECRET},
            headers=ADMIN,
        )
        assert created.status_code == 201, created.text
        receiver.hold()
        worker = await _spawn(bare)
        try:
            in_flight = await _overstock(bare)
            await receiver.wait_for(lambda r: bool(r.of_alert(in_flight)))
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            receiver.release()
            queued = await _overstock(bare)
            (pending,) = await bare.sql(
                "SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND attempts = 0"
            )
            assert pending["n"] == 2
            assert not receiver.accepted()

            worker = await _spawn(bare)
            await receiver.wait_for(lambda r: _accepted_once_each(r, [in_flight, queued]))
            await asyncio.sleep(1.0)
            assert _accepted_once_each(receiver, [in_flight, queued])
            assert all(h.signed for h in receiver.hits)
            assert len(receiver.of_alert(in_flight)) == 2
            assert (
                receiver.of_alert(in_flight)[0].delivery_id
                == receiver.of_alert(in_flight)[1].delivery_id
            )

            published = await read_topic(
                bare.settings.kafka_bootstrap,
                bare.settings.topic("lotledger.alerts.v1"),
                until=lambda ms: {in_flight, queued} <= {m["subject"] for m in ms},
            )
            ids = Counter(m["id"] for m in published)
            assert max(ids.values()) == 1
        finally:
            if worker.returncode is None:
                worker.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(worker.wait(), 30) == 0

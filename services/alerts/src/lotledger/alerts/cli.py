"""`lotledger-alerts`: serve the API, migrate the schema, run the workers."""

from __future__ import annotations

import argparse
import asyncio

from lotledger.alerts import SERVICE
from lotledger.alerts.bootstrap import migration
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.clock import SystemClock
from lotledger.shared.runner import run_cli, run_until_signalled


async def project(_: argparse.Namespace) -> int:
    from lotledger.alerts.bootstrap import (
        build_forecast_catch_up,
        build_pacing,
        build_projector,
        build_repartitioner,
        build_runtime,
    )
    from lotledger.alerts.entrypoints.workers import supervise

    rt = build_runtime(AlertsSettings(), SystemClock(), pool_size=2)
    pacing = build_pacing(rt)

    async def projecting(stop: asyncio.Event) -> None:
        await build_projector(rt, pacing).run(stop)

    async def all_three(stop: asyncio.Event) -> None:
        await asyncio.gather(
            supervise("repartition", build_repartitioner(rt).run, stop),
            supervise("project", projecting, stop),
            supervise("forecast", build_forecast_catch_up(rt, pacing).run, stop),
        )

    try:
        await run_until_signalled(all_three)
    finally:
        await rt.engine.dispose()
    return 0


async def sweep(_: argparse.Namespace) -> int:
    from lotledger.alerts.bootstrap import build_runtime, build_sweeper
    from lotledger.alerts.entrypoints.workers import supervise

    rt = build_runtime(AlertsSettings(), SystemClock(), pool_size=2)
    try:
        await run_until_signalled(lambda stop: supervise("sweep", build_sweeper(rt).run, stop))
    finally:
        await rt.engine.dispose()
    return 0


async def deliver(_: argparse.Namespace) -> int:
    from lotledger.alerts.bootstrap import build_deliverer, build_publisher, build_runtime
    from lotledger.alerts.entrypoints.workers import supervise

    rt = build_runtime(AlertsSettings(), SystemClock(), pool_size=4)
    publisher, deliverer = build_publisher(rt), build_deliverer(rt)

    async def both(stop: asyncio.Event) -> None:
        await asyncio.gather(
            supervise("publish", publisher.run, stop), supervise("deliver", deliverer.run, stop)
        )

    try:
        await run_until_signalled(both)
    finally:
        await deliverer.client.close()
        await rt.engine.dispose()
    return 0


async def reseal(_: argparse.Namespace) -> int:
    import sys

    from lotledger.alerts.bootstrap import build_runtime
    from lotledger.alerts.service.webhooks import reseal_all

    rt = build_runtime(AlertsSettings(), SystemClock(), pool_size=1)
    try:
        async with rt.uow() as uow:
            count = await reseal_all(uow.stores, rt.box)
            await uow.commit()
    finally:
        await rt.engine.dispose()
    sys.stdout.write(f"webhook secrets re-sealed with the first key: {count}\n")
    return 0


async def rebuild(args: argparse.Namespace) -> int:
    from lotledger.alerts.bootstrap import run_rebuild

    return await run_rebuild(AlertsSettings(), compare=args.compare, wait_s=args.wait)


def _rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare", action="store_true", help="compare with the live schema; 1 if different"
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=60.0,
        help="seconds to wait for the live schema to reach a comparable cut",
    )


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        service=SERVICE,
        app_factory="lotledger.alerts.bootstrap:create_app",
        default_port=AlertsSettings().alerts_port,
        migration=lambda: migration(AlertsSettings()),
        workers={
            "project": (
                "re-key stock by product, consume the topics, keep the facts, evaluate the rules",
                project,
            ),
            "sweep": ("re-evaluate time-driven rules on a clock (one active instance)", sweep),
            "deliver": (
                "publish alert events to Kafka and deliver webhooks (one active instance each)",
                deliver,
            ),
            "reseal": ("re-seal every webhook secret with the first key (key rotation)", reseal),
            "rebuild": ("restore facts and alerts from Kafka into the rebuild schema", rebuild),
        },
        worker_arguments={"rebuild": _rebuild_arguments},
        argv=argv,
        log_level=lambda: AlertsSettings().log_level,
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""`lotledger-traceability`: serve the API, migrate the schema, run the workers."""

from __future__ import annotations

import argparse

from lotledger.shared.runner import run_cli, run_until_signalled
from lotledger.traceability import SERVICE
from lotledger.traceability.bootstrap import migration
from lotledger.traceability.settings import TraceabilitySettings


async def project(_: argparse.Namespace) -> int:
    from lotledger.shared.gc_tuning import tune_gc
    from lotledger.traceability.bootstrap import run_projector

    tune_gc()
    settings = TraceabilitySettings()
    await run_until_signalled(lambda stop: run_projector(settings, stop))
    return 0


async def rebuild(args: argparse.Namespace) -> int:
    from lotledger.shared.gc_tuning import tune_gc
    from lotledger.traceability.bootstrap import run_rebuild

    tune_gc()
    settings = TraceabilitySettings()
    return await run_rebuild(settings, compare=args.compare, wait_s=args.wait, jobs=args.jobs)


def _rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare", action="store_true", help="compare with the live read models; 1 if different"
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=60.0,
        help="seconds to wait for the live projector to catch up",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes replaying stock and telemetry, each a share of the partitions",
    )


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        service=SERVICE,
        app_factory="lotledger.traceability.bootstrap:create_app",
        default_port=TraceabilitySettings().traceability_port,
        migration=lambda: migration(TraceabilitySettings()),
        workers={
            "project": ("project the topics into the read models and publish excursions", project),
            "rebuild": ("replay the topics from offset zero into the rebuild schema", rebuild),
        },
        worker_arguments={"rebuild": _rebuild_arguments},
        argv=argv,
        log_level=lambda: TraceabilitySettings().log_level,
    )


if __name__ == "__main__":
    raise SystemExit(main())

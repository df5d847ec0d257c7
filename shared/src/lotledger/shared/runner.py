"""Command-line skeleton shared by the service CLIs: `serve`, `migrate`, plus the
service's own worker commands."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

import uvicorn
from prometheus_client import start_http_server

from lotledger.shared.gc_tuning import tune_gc
from lotledger.shared.logging import configure_logging
from lotledger.shared.migrations import Migration, migrate
from lotledger.shared.settings import ObservabilitySettings
from lotledger.shared.tracing import configure_tracing, shutdown_tracing

Worker = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]
WORKER_HEALTHCHECK_S = 60
"""How long uvicorn's supervisor waits for a worker to answer its ping before killing and
respawning it (uvicorn's default, 5 s, is shorter than a worker's start on two busy cores:
two workers were killed and respawned in a loop and never became ready)."""
KEEP_ALIVE_S = 75
"""How long an API keeps an idle keep-alive connection open. uvicorn's default, 5 s, is
shorter than clients keep idle connections pooled (Go 90 s, httpx 5 s, load balancers
60 s), so a client could send a POST on a connection the server was just closing: the
request was lost with "connection reset by peer" (one to three of ~17,500 POSTs in each
bench run of `end_to_end`). Longer than the usual load-balancer idle timeout, so the
client side closes first."""


def run_cli(
    *,
    service: str,
    app_factory: str,
    default_port: int,
    migration: Callable[[], Migration],
    workers: dict[str, tuple[str, Worker]],
    argv: list[str] | None = None,
    log_level: Callable[[], str] = lambda: "INFO",
    worker_arguments: dict[str, Callable[[argparse.ArgumentParser], None]] | None = None,
    api_workers: Callable[[], int] = lambda: 1,
) -> int:
    """`worker_arguments` adds a worker's own options to its subcommand's parser;
    `api_workers` is how many processes `serve` runs when `--workers` is not given."""
    parser = argparse.ArgumentParser(prog=f"lotledger-{service}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    serve.add_argument("--workers", type=int, default=None)
    commands.add_parser(
        "migrate",
        help="as the schema's owner, apply the migrations and the runtime role's privileges",
    )
    for name, (help_text, _) in workers.items():
        worker_parser = commands.add_parser(name, help=help_text)
        if worker_arguments and name in worker_arguments:
            worker_arguments[name](worker_parser)
    args = parser.parse_args(argv)

    configure_logging(service, log_level())
    tune_gc()
    if args.command == "serve":
        uvicorn.run(
            app_factory,
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers or api_workers(),
            loop="uvloop",
            http="httptools",
            access_log=False,
            log_config=None,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            timeout_keep_alive=KEEP_ALIVE_S,
        )
        return 0
    if args.command == "migrate":
        asyncio.run(migrate(migration()))
        return 0
    _, worker = workers[args.command]
    observe_worker(service, ObservabilitySettings())
    try:
        return asyncio.run(worker(args))
    finally:
        shutdown_tracing()


def observe_worker(service: str, settings: ObservabilitySettings) -> None:
    """A worker's tracing and, given a port, its /metrics (the API's are on its own port)."""
    configure_tracing(service, settings)
    if settings.metrics_port is not None:
        start_http_server(settings.metrics_port, addr="0.0.0.0")  # noqa: S104


async def run_until_signalled(worker: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
    """Run a worker until SIGTERM or SIGINT sets its stop event."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await worker(stop)


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, waking early when `stop` is set."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(seconds, 0.0)):
            await stop.wait()


async def wait_any(first: asyncio.Event, second: asyncio.Event, timeout_s: float) -> None:
    """Wait until either event is set, or the timeout passes."""
    tasks = [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())]
    try:
        await asyncio.wait(tasks, timeout=max(timeout_s, 0.0), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()

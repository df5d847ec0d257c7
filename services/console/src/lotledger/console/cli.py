"""`lotledger-console serve`: the console has no schema to migrate and no workers."""

from __future__ import annotations

import argparse

import uvicorn

from lotledger.console import SERVICE
from lotledger.console.settings import ConsoleSettings
from lotledger.shared.logging import configure_logging
from lotledger.shared.runner import KEEP_ALIVE_S


def main(argv: list[str] | None = None) -> int:
    settings = ConsoleSettings()
    parser = argparse.ArgumentParser(prog=f"lotledger-{SERVICE}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the console's pages")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=settings.console_port)
    serve.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    configure_logging(SERVICE, settings.log_level)
    uvicorn.run(
        "lotledger.console.bootstrap:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_config=None,
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

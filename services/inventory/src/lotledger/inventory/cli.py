"""`lotledger-inventory`: serve the API, migrate the schema, run the workers."""

from __future__ import annotations

import argparse

from lotledger.inventory import SERVICE
from lotledger.inventory.bootstrap import migration
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.runner import run_cli, run_until_signalled


async def relay(_: argparse.Namespace) -> int:
    from lotledger.inventory.entrypoints.relay import Relay

    await run_until_signalled(Relay(InventorySettings()).run)
    return 0


async def checkpointer(_: argparse.Namespace) -> int:
    from lotledger.inventory.entrypoints.checkpointer import Checkpointer
    from lotledger.inventory.settings import CheckpointerSettings

    await run_until_signalled(Checkpointer(CheckpointerSettings()).run)
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        service=SERVICE,
        app_factory="lotledger.inventory.bootstrap:create_app",
        default_port=InventorySettings().inventory_port,
        migration=lambda: migration(InventorySettings()),
        workers={
            "relay": ("publish the outbox to Kafka (its share of the slots)", relay),
            "checkpointer": (
                "sign Merkle checkpoints of the published stock log (holds the signing key)",
                checkpointer,
            ),
        },
        argv=argv,
        log_level=lambda: InventorySettings().log_level,
        api_workers=lambda: InventorySettings().api_workers,
    )


if __name__ == "__main__":
    raise SystemExit(main())

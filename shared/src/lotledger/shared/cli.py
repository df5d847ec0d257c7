"""`lotledger`: local utilities. `token` mints a bearer token (HS256 with the configured
secret); `topics` creates the Kafka topics with their partitions and retention."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from lotledger.shared.auth import Role, mint_token
from lotledger.shared.contracts.catalogue import CONTRACTS_DIR, write_contracts
from lotledger.shared.kafka import ensure_topics
from lotledger.shared.settings import CommonSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lotledger", description="lotledger utilities")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="mint a JWT signed with LOTLEDGER_AUTH_SECRET")
    token.add_argument("--sub", required=True, help="subject: the user or device account")
    token.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role],
        help="role (repeatable)",
    )
    token.add_argument(
        "--warehouse",
        action="append",
        required=True,
        help="warehouse id, or '*' for all (repeatable)",
    )
    token.add_argument("--device", help="device id recorded on every event")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    commands.add_parser("topics", help="create missing Kafka topics (LOTLEDGER_TOPIC_*)")
    contracts = commands.add_parser("contracts", help="write JSON Schemas and AsyncAPI document")
    contracts.add_argument("--out", type=Path, default=CONTRACTS_DIR)
    args = parser.parse_args(argv)

    if args.command == "contracts":
        written = write_contracts(args.out)
        sys.stdout.write(f"wrote {written} files under {args.out}\n")
        return 0

    settings = CommonSettings()
    if args.command == "topics":
        created = asyncio.run(ensure_topics(settings))
        sys.stdout.write(f"topics created: {', '.join(created) or 'none (all exist)'}\n")
        return 0
    sys.stdout.write(
        mint_token(
            settings.auth_secret.get_secret_value(),
            sub=args.sub,
            roles=args.role,
            warehouses=args.warehouse,
            ttl=timedelta(seconds=args.ttl),
            audience=settings.auth_audience,
            device=args.device,
            issuer=settings.auth_issuer,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

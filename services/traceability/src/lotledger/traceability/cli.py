"""`lotledger-traceability`: serve the API, migrate the schema, run the workers."""

from __future__ import annotations

from lotledger.shared.runner import run_cli
from lotledger.traceability import SERVICE
from lotledger.traceability.bootstrap import MIGRATIONS
from lotledger.traceability.settings import TraceabilitySettings


def main(argv: list[str] | None = None) -> int:
    def database() -> tuple[str, str]:
        settings = TraceabilitySettings()
        return settings.traceability_database_url, settings.traceability_db_schema

    return run_cli(
        service=SERVICE,
        app_factory="lotledger.traceability.bootstrap:create_app",
        default_port=TraceabilitySettings().traceability_port,
        database_url=database,
        migrations=MIGRATIONS,
        workers={},
        argv=argv,
        log_level=lambda: TraceabilitySettings().log_level,
    )


if __name__ == "__main__":
    raise SystemExit(main())

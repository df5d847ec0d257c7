"""`lotledger-alerts`: serve the API, migrate the schema, run the workers."""

from __future__ import annotations

from lotledger.alerts import SERVICE
from lotledger.alerts.bootstrap import MIGRATIONS
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.runner import run_cli


def main(argv: list[str] | None = None) -> int:
    def database() -> tuple[str, str]:
        settings = AlertsSettings()
        return settings.alerts_database_url, settings.alerts_db_schema

    return run_cli(
        service=SERVICE,
        app_factory="lotledger.alerts.bootstrap:create_app",
        default_port=AlertsSettings().alerts_port,
        database_url=database,
        migrations=MIGRATIONS,
        workers={},
        argv=argv,
        log_level=lambda: AlertsSettings().log_level,
    )


if __name__ == "__main__":
    raise SystemExit(main())

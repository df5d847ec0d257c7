from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from lotledger.shared.auth import Authenticator, Role
from lotledger.shared.cli import main as lotledger_cli
from lotledger.shared.clock import ManualClock, local_date
from lotledger.shared.settings import CommonSettings


def test_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(datetime(2026, 11, 24, 12, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(days=90))
    assert clock.now() == datetime(2027, 2, 22, 12, tzinfo=UTC)


def test_local_date_uses_the_warehouse_zone() -> None:
    instant = datetime(2026, 11, 24, 20, tzinfo=UTC)
    assert local_date(instant, ZoneInfo("Asia/Shanghai")) == date(2026, 11, 25)
    assert local_date(instant, ZoneInfo("America/New_York")) == date(2026, 11, 24)


def test_token_cli_mints_a_token_the_services_accept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "cli-test-secret-0123456789-0123456789"
    monkeypatch.setenv("LOTLEDGER_AUTH_SECRET", secret)
    assert (
        lotledger_cli(
            [
                "token",
                "--sub",
                "hh-7",
                "--role",
                "scanner",
                "--role",
                "qa",
                "--warehouse",
                "WH1",
                "--device",
                "HH-7",
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip()
    principal = Authenticator(CommonSettings(auth_secret=SecretStr(secret))).authenticate(token)
    assert principal.roles == {Role.SCANNER, Role.QA}
    assert principal.warehouses == {"WH1"}
    assert principal.device == "HH-7"

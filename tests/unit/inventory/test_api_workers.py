"""How many API processes `lotledger-inventory serve` runs: `--workers` when given, else
LOTLEDGER_API_WORKERS, else half the usable cores, at least one (deploy/local and the
bench start it without `--workers`, or with the same setting)."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn

from lotledger.inventory import cli, settings
from lotledger.inventory.settings import InventorySettings, usable_cores
from lotledger.shared import runner


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kw: calls.append(kw))
    monkeypatch.setattr(runner, "configure_logging", lambda *_: None)
    monkeypatch.setattr(runner, "tune_gc", lambda: None)
    monkeypatch.delenv("LOTLEDGER_API_WORKERS", raising=False)
    return calls


def test_by_default_half_the_usable_cores(served: list[dict[str, Any]]) -> None:
    assert InventorySettings().api_workers == max(1, usable_cores() // 2)
    assert cli.main(["serve"]) == 0
    assert served[-1]["workers"] == max(1, usable_cores() // 2)


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 1), (3, 1), (16, 8)])
def test_the_default_follows_the_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    monkeypatch.delenv("LOTLEDGER_API_WORKERS", raising=False)
    monkeypatch.setattr(settings, "usable_cores", lambda: cores)
    assert InventorySettings().api_workers == workers


def test_the_setting_sizes_the_workers(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTLEDGER_API_WORKERS", "3")
    assert cli.main(["serve"]) == 0
    assert served[-1]["workers"] == 3


def test_the_command_line_wins(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTLEDGER_API_WORKERS", "3")
    assert cli.main(["serve", "--workers", "1"]) == 0
    assert served[-1]["workers"] == 1


def test_a_worker_count_below_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTLEDGER_API_WORKERS", "0")
    with pytest.raises(ValueError, match="api_workers"):
        InventorySettings()

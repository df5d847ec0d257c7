"""A bench process that ended by itself has died; one the bench stopped has not (a
scenario that stopped its own extra worker must not fail the next one)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from lotledger_bench.processes import Process


def _process(tmp_path: Path, *argv: str) -> Process:
    return Process("p", list(argv), dict(os.environ), tmp_path / "p.log")


def test_a_process_that_exits_by_itself_has_died(tmp_path: Path) -> None:
    process = _process(tmp_path, "true")
    process.start()
    deadline = time.monotonic() + 10
    while process.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.died


def test_a_process_the_bench_stopped_has_not_died(tmp_path: Path) -> None:
    process = _process(tmp_path, "sleep", "30")
    process.start()
    assert process.running
    assert not process.died
    process.stop()
    assert not process.running
    assert not process.died

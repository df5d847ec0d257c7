"""A bench process that ended by itself has died; one the bench stopped has not (a
scenario that stopped its own extra worker must not fail the next one). One worker per
name: asked for with other arguments, it is replaced (the forecast scenario was handed the
console scenario's alerts API, on another port)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from lotledger_bench.config import ADMIN_URL, KAFKA_BOOTSTRAP, BenchConfig
from lotledger_bench.context import Context
from lotledger_bench.infra import BenchEnv
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


def _context(tmp_path: Path) -> Context:
    env = BenchEnv("bench_test", "bench.test.", ADMIN_URL, KAFKA_BOOTSTRAP)
    return Context(BenchConfig(), env, tmp_path, tmp_path / "loadgen")


def test_a_worker_asked_for_with_other_arguments_is_a_new_process(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    first = ctx.worker("alerts-api", "serve", "--port", "1111")
    assert ctx.worker("alerts-api", "serve", "--port", "1111") is first
    second = ctx.worker("alerts-api", "serve", "--port", "2222")
    assert second is not first
    assert second.argv[-1] == "2222"
    assert ctx.workers["alerts-api"] is second


def test_a_running_worker_replaced_is_stopped_first(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    running = _process(tmp_path, "sleep", "30")
    running.start()
    ctx.workers["alerts-api"] = running
    replaced = ctx.worker("alerts-api", "serve", "--port", "2222")
    assert not running.running
    assert not replaced.running

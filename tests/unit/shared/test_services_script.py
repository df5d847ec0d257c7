"""`deploy/local/services.sh` sees a worker as running only while its process is alive and
is the command it started: a SIGKILLed worker its parent has not reaped yet (a zombie), or
a pid file naming some other process, is stopped, so `up` restarts it and `down` leaves
the other process alone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[3] / "deploy" / "local" / "services.sh"


@pytest.fixture
def local(tmp_path: Path) -> Path:
    """A copy of deploy/local whose only process is `worker` (`sleep 300`)."""
    deploy = tmp_path / "deploy" / "local"
    deploy.mkdir(parents=True)
    shutil.copy(SCRIPT, deploy / "services.sh")
    shutil.copy(SCRIPT.parent / "env.sh", deploy / "env.sh")
    (deploy / "processes").write_text("worker sleep 300\n")
    return tmp_path


def services(root: Path, command: str = "status") -> str:
    result = subprocess.run(
        ["bash", str(root / "deploy" / "local" / "services.sh"), command],
        env={**os.environ, "LOTLEDGER_HOME": str(root / "home")},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_killed_unreaped_worker_is_stopped(local: Path) -> None:
    worker = subprocess.Popen(["sleep", "300"])
    try:
        run = local / "home" / "run"
        run.mkdir(parents=True)
        (run / "worker.pid").write_text(f"{worker.pid}\n")
        assert services(local) == f"worker: running (pid {worker.pid})"
        os.kill(worker.pid, signal.SIGKILL)
        for _ in range(100):
            if _state(worker.pid) == "Z":
                break
            time.sleep(0.01)
        assert _state(worker.pid) == "Z"
        assert services(local) == "worker: stopped"
    finally:
        worker.kill()
        worker.wait()


def test_a_pid_file_naming_another_process_is_stopped(local: Path) -> None:
    other = subprocess.Popen(["sleep", "301"])
    try:
        run = local / "home" / "run"
        run.mkdir(parents=True)
        (run / "worker.pid").write_text(f"{other.pid}\n")
        assert services(local) == "worker: stopped"
        services(local, "down")
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()

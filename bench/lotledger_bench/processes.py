"""The processes the bench starts: its own inventory API (on a free port, never 8001-8003),
its own outbox relay, projectors and traceability API, and commands run to completion
(a rebuild). Each is stopped by its own pid, and only by it."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from lotledger_bench.config import REPO, RESERVED_PORTS


def free_port() -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        if self.running:
            return
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603
                self.argv, env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def died(self) -> bool:
        """Started and ended without `stop` (which forgets the process it stopped)."""
        return self.popen is not None and self.popen.poll() is not None

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM to our pid, SIGKILL to it if it does not exit in time."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.popen = None


def _argv(name: str, *args: str) -> list[str]:
    return [str(REPO / ".venv/bin" / f"lotledger-{name.split('-')[0]}"), *args]


def service(name: str, env: dict[str, str], logs: Path, *args: str) -> Process:
    """`lotledger-<service> args…`, `<service>` being `name` up to its first `-`."""
    return Process(name, _argv(name, *args), env, logs / f"{name}.log")


async def run_once(name: str, env: dict[str, str], logs: Path, *args: str, timeout_s: float) -> str:
    """Run `lotledger-<service> args…` to completion and return its output (also appended
    to its log). Killed by its pid if it outlives `timeout_s`; an error if it fails."""
    proc = await asyncio.create_subprocess_exec(
        *_argv(name, *args),
        env=env,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        raw = (await asyncio.wait_for(proc.communicate(), timeout_s))[0]
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise RuntimeError(f"{name} still running after {timeout_s:.0f} s; killed") from None
    output = raw.decode(errors="replace")
    with (logs / f"{name}.log").open("a") as log:
        log.write(output)
    if proc.returncode != 0:
        raise RuntimeError(f"{name} exited with {proc.returncode}: {output[-2000:]}")
    return output


async def wait_healthy(url: str, process: Process, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=url, timeout=2) as client:
        while time.monotonic() < deadline:
            if not process.running:
                raise RuntimeError(f"{process.name} exited; see {process.log}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{process.name} not ready at {url} after {timeout_s:.0f} s")

"""A private, throwaway Kafka broker or cluster started by the project's own script, for
tests that must stop or kill brokers without disturbing the shared one (and for the bench's
3-broker producer run)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "local" / "kafka.sh"


@dataclass(frozen=True)
class KafkaInstance:
    """`brokers` nodes, node n listening on port + 2(n-1) (deploy/local/env.sh)."""

    name: str
    port: int
    controller_port: int
    brokers: int = 1

    @classmethod
    def private(cls, name: str, brokers: int = 1) -> KafkaInstance:
        """An instance of this process alone: its name carries the pid and its ports are a
        free block, so concurrent test sessions on one machine never share a broker."""
        rng = random.Random()
        for _ in range(200):
            base = rng.randrange(20000, 30000, 2)
            if all(_free(base + k) for k in range(2 * brokers)):
                return cls(f"{name}-{os.getpid()}", base, base + 1, brokers)
        raise RuntimeError("no free block of ports for a private Kafka")

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.port + 2 * n}" for n in range(self.brokers))

    async def _run(self, action: str) -> str:
        env = {
            **os.environ,
            "KAFKA_INSTANCE": self.name,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "KAFKA_BROKERS": str(self.brokers),
        }
        proc = await asyncio.create_subprocess_exec(
            "bash",
            str(SCRIPT),
            action,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"kafka.sh {action} failed:\n{output.decode(errors='replace')}")
        return output.decode()

    async def start(self) -> None:
        """Start every broker that is not running and wait until all of them answer."""
        forget_dead_logs(self.name)
        await self._run("up")

    async def stop(self) -> None:
        await self._run("down")

    async def reset(self) -> None:
        await self._run("reset")

    async def pids(self) -> dict[int, int]:
        """Node id → pid of each live broker."""
        lines = (await self._run("pids")).split("\n")
        return {int(n): int(p) for n, p in (line.split() for line in lines if line.strip())}

    async def kill(self, node: int) -> int:
        """SIGKILL one broker (no controlled shutdown); returns its pid once it is gone."""
        pid = (await self.pids())[node]
        os.kill(pid, signal.SIGKILL)
        while node in await self.pids():
            await asyncio.sleep(0.1)
        return pid


def forget_dead_logs(name: str, log_dir: Path | None = None) -> list[Path]:
    """Remove the broker logs of earlier instances of `name`'s kind (`{kind}-{pid}`) whose
    process is gone; returns them. `reset` removes an instance's data, not its logs (a
    failed session's logs are worth reading), so they are forgotten when the next session
    of the kind starts one."""
    kind, _, _ = name.rpartition("-")
    home = Path(os.environ.get("LOTLEDGER_HOME", Path.home() / ".lotledger"))
    removed = []
    for log in (log_dir or home / "log").glob(f"kafka-{kind}-*.log"):
        pid = log.name.removeprefix(f"kafka-{kind}-").split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            log.unlink(missing_ok=True)
            removed.append(log)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True

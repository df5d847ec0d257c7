"""A private, throwaway Kafka broker started by the project's own script, for tests that
must stop the broker without disturbing the shared one."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "local" / "kafka.sh"


@dataclass(frozen=True)
class KafkaInstance:
    name: str
    port: int
    controller_port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _run(self, action: str) -> None:
        env = {
            **os.environ,
            "KAFKA_INSTANCE": self.name,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(self.controller_port),
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

    async def start(self) -> None:
        await self._run("up")

    async def stop(self) -> None:
        await self._run("down")

    async def reset(self) -> None:
        await self._run("reset")

"""The services and workers as real processes: uvicorn on loopback ports, workers as
`lotledger-<service> <worker>`, each logging to a file of its own under LOGS."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.infra import Infra
from tests.support.tokens import TEST_SECRET

APIS = ("inventory", "traceability", "alerts")
"""Served first: the console (served last) calls them."""

LOGS = Path(os.environ.get("LOTLEDGER_TEST_LOGS", "/tmp/lotledger-e2e-logs"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class System:
    infra: Infra
    urls: dict[str, str] = field(default_factory=dict)
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    projector_metrics_port: int = field(default_factory=free_port)

    def client(self, service: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.urls[service], timeout=30)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "LOTLEDGER_ENV": "dev",
            "PYTHONUNBUFFERED": "1",
            "LOTLEDGER_AUTH_SECRET": TEST_SECRET,
            "LOTLEDGER_KAFKA_BOOTSTRAP": self.infra.kafka_bootstrap,
            "LOTLEDGER_TOPIC_PREFIX": self.infra.topic_prefix,
            "LOTLEDGER_INVENTORY_DATABASE_URL": self.infra.url("inventory"),
            "LOTLEDGER_TRACEABILITY_DATABASE_URL": self.infra.url("traceability"),
            "LOTLEDGER_ALERTS_DATABASE_URL": self.infra.url("alerts"),
            "LOTLEDGER_LOG_LEVEL": "INFO",
            "LOTLEDGER_ALERTS_WEBHOOK_RETRY_BASE_S": "0.5",
            "LOTLEDGER_ALERTS_WEBHOOK_RETRY_MAX_DELAY_S": "5",
            "LOTLEDGER_TRACEABILITY_METRICS_PORT": str(self.projector_metrics_port),
            "LOTLEDGER_CHECKPOINT_INTERVAL_S": "2",
            **{
                f"LOTLEDGER_CONSOLE_{service.upper()}_URL": url
                for service, url in self.urls.items()
                if service in APIS
            },
            "LOTLEDGER_CONSOLE_ALERTS_POLL_S": "1",
        }

    async def start(
        self, name: str, service: str, *args: str, env: dict[str, str] | None = None
    ) -> None:
        """`lotledger-<service> <args>` as process `name`, with `env` over the system's."""
        await asyncio.to_thread(LOGS.mkdir, parents=True, exist_ok=True)
        log = (LOGS / f"{self.infra.run_id}-{name}.log").open("ab")
        self.processes[name] = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            f"lotledger.{service}.cli",
            *args,
            env={**self.env(), **(env or {})},
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    async def serve(self, service: str, name: str | None = None) -> None:
        """`service`'s API as process `name` (the service's name by default), once healthy."""
        name = name or service
        port = free_port()
        await self.start(name, service, "serve", "--port", str(port))
        self.urls[name] = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                try:
                    if (await client.get(f"{self.urls[name]}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.processes[name].returncode is not None:
                    break
                await asyncio.sleep(0.1)
        raise AssertionError(f"{name} did not start; see {LOGS}")

    async def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name)
        if process.returncode is None:
            process.send_signal(sig)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def stop_all(self) -> None:
        for name in list(self.processes):
            await self.stop(name)


async def spawn_cli(service: str, command: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`lotledger-<service> <command>` as a process of its own, with `env` over this
    process's environment, unbuffered, its output discarded."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"lotledger.{service}.cli",
        command,
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )

"""What a scenario gets: the configuration, the bench database and topics, the bench's
own inventory API and relay (started and stopped on demand), its other processes
(projectors, the traceability API), the load generator, and the outcomes of the
scenarios that ran before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
from lotledger_bench.config import AUTH_SECRET, BenchConfig
from lotledger_bench.generator import CATALOG
from lotledger_bench.infra import BenchEnv
from lotledger_bench.loadgen import Loadgen
from lotledger_bench.processes import Process, free_port, service, wait_healthy
from lotledger_bench.registry import Outcome

from lotledger.inventory.adapters.event_source import UNPUBLISHED
from lotledger.shared.auth import mint_token


def token(*roles: str, sub: str = "bench") -> str:
    return mint_token(
        AUTH_SECRET,
        sub=sub,
        roles=roles,
        warehouses=["*"],
        device="bench-loadgen",
        ttl=timedelta(hours=2),
    )


API_READY_S = 60.0
"""How long one API worker may take to answer /readyz: each imports the app and opens its
pool, and several start at once on the same cores."""


@dataclass
class Context:
    cfg: BenchConfig
    env: BenchEnv
    out_dir: Path
    loadgen_binary: Path
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    api: Process | None = None
    relay: Process | None = None
    workers: dict[str, Process] = field(default_factory=dict)
    seeded: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __post_init__(self) -> None:
        logs = self.out_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = self.env.service_env()
        self.api = service(
            "inventory",
            env,
            logs,
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.cfg.api_workers),
        )
        self.relay = service("inventory-relay", env, logs, "relay")

    @property
    def logs(self) -> Path:
        return self.out_dir / "logs"

    def worker(self, name: str, *args: str) -> Process:
        """A process of the bench's own, `lotledger-<service> args…` (see `service`) with the
        bench's environment, logging to `logs/<name>.log`; `stop_all` stops it. One process
        per name: asked again with other arguments (an API on another port), the one of
        that name is stopped and replaced, never handed out with the old ones."""
        wanted = service(name, self.env.service_env(), self.logs, *args)
        current = self.workers.get(name)
        if current is not None and current.argv == wanted.argv:
            return current
        if current is not None:
            current.stop()
        self.workers[name] = wanted
        return wanted

    def loadgen(self) -> Loadgen:
        pairs = CATALOG.stocking_pairs()
        return Loadgen(
            self.loadgen_binary,
            self.url,
            token("scanner", "qa", sub="bench-scanner"),
            ",".join(f"{g}@{loc}" for g, loc in pairs),
            ",".join(CATALOG.suppliers),
            ",".join(CATALOG.pharmacies),
        )

    async def services(self, relay: bool) -> None:
        """Bring the API up (seeding the catalog once) and the relay up or down."""
        assert self.api is not None
        assert self.relay is not None
        if not self.api.running:
            self.api.start()
            await wait_healthy(self.url, self.api, API_READY_S * self.cfg.api_workers)
        if not self.seeded:
            await self.seed_catalog()
            self.seeded = True
        if relay and not self.relay.running:
            self.relay.start()
        elif not relay and self.relay.running:
            self.relay.stop()

    def stop_all(self) -> None:
        for process in (*self.workers.values(), self.relay, self.api):
            if process is not None:
                process.stop()

    async def seed_catalog(self) -> None:
        headers = {"authorization": f"Bearer {token('admin', sub='bench-admin')}"}
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=10) as c:
            for p in CATALOG.products:
                (await c.put(f"/v1/products/{p.gtin}", json=p.body())).raise_for_status()
            for loc in CATALOG.locations:
                response = await c.put(f"/v1/locations/{loc.location_id}", json=loc.body())
                response.raise_for_status()

    async def scalar(self, sql: str) -> int:
        conn = await asyncpg.connect(self.env.database_admin_url())
        try:
            return int(await conn.fetchval(sql) or 0)
        finally:
            await conn.close()

    async def events(self) -> int:
        return await self.scalar("SELECT count(*) FROM inventory.events")

    async def unpublished(self) -> int:
        """Stock events the relay has not published yet (docs/adr/0014)."""
        conn = await asyncpg.connect(
            self.env.database_admin_url(), server_settings={"search_path": "inventory"}
        )
        try:
            return int(await conn.fetchval(f"SELECT n FROM ({UNPUBLISHED}) AS u"))  # noqa: S608
        finally:
            await conn.close()

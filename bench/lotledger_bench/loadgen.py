"""Builds the Go load generator (bench/loadgen) into a cache directory outside git and
runs it; each run prints one JSON document, returned here as a dict."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lotledger_bench.config import BENCH

SOURCES = BENCH / "loadgen"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lotledger-bench"


def build() -> Path:
    """`go build` once per version of the sources (the binary is named by their hash)."""
    go = shutil.which("go") or "/usr/local/go/bin/go"
    digest = hashlib.sha256()
    for path in sorted(SOURCES.glob("*")):
        if path.suffix in {".go", ".mod", ".sum"}:
            digest.update(path.name.encode() + path.read_bytes())
    binary = cache_dir() / f"loadgen-{digest.hexdigest()[:16]}"
    if not binary.exists():
        binary.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [go, "build", "-trimpath", "-o", str(binary), "."], cwd=SOURCES, check=True
        )
    return binary


@dataclass(frozen=True)
class Loadgen:
    binary: Path
    url: str
    token: str
    items: str
    suppliers: str
    ship_to: str

    async def run(self, **flags: Any) -> dict[str, Any]:
        """Run with `flag=value` pairs (`lot_prefix` becomes `-lot-prefix`; seconds as
        floats become Go durations)."""
        argv = [str(self.binary), "-url", self.url, "-items", self.items]
        argv += ["-suppliers", self.suppliers, "-ship-to", self.ship_to]
        for name, value in flags.items():
            flag = "-" + name.replace("_", "-")
            if isinstance(value, bool):
                argv.append(f"{flag}={str(value).lower()}")
            elif name in {"duration", "warmup", "drain", "timeout"}:
                argv += [flag, f"{float(value)}s"]
            else:
                argv += [flag, str(value)]
        env = {**os.environ, "LOTLEDGER_BENCH_TOKEN": self.token, "GOMAXPROCS": "1"}
        proc = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"loadgen failed ({proc.returncode}): {err.decode()[-2000:]}")
        result: dict[str, Any] = json.loads(out)
        return result

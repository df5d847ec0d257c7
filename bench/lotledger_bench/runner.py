"""One bench run: provision, play the scenarios in order, write the results, tear down
what the run started (its processes, topics and database), whatever happened."""

from __future__ import annotations

import asyncio
import fcntl
import platform
import subprocess
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lotledger_bench import infra, loadgen, report
from lotledger_bench.config import REPO, BenchConfig
from lotledger_bench.context import Context
from lotledger_bench.registry import REGISTRY, Scenario
from lotledger_bench.scenarios import ORDER


def ordered(only: tuple[str, ...]) -> list[Scenario]:
    names = [n for n in ORDER if n in REGISTRY] + [n for n in REGISTRY if n not in ORDER]
    unknown = set(only) - set(names)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}; known: {names}")
    return [REGISTRY[n] for n in names if not only or n in only]


def machine() -> dict[str, Any]:
    def sh(*argv: str) -> str:
        try:
            return subprocess.run(  # noqa: S603 (fixed argv: lscpu, git)
                argv, capture_output=True, text=True, check=False
            ).stdout
        except OSError:
            return ""

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in sh("lscpu").splitlines()
            if line.startswith("Model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpu": cpu,
        "cores": len(__import__("os").sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_start": list(__import__("os").getloadavg()),
        "commit": sh("git", "-C", str(REPO), "rev-parse", "--short", "HEAD").strip(),
    }


async def run(cfg: BenchConfig) -> Path:
    started = datetime.now(UTC)
    run_id = started.strftime("%Y%m%dT%H%M%SZ")
    out_dir = cfg.out_dir / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    scenarios = ordered(cfg.only)
    print(f"bench {run_id}: results in {out_dir}", flush=True)
    binary = loadgen.build()
    env = await infra.provision(cfg, run_id.lower())
    ctx = Context(cfg, env, out_dir, binary)
    results: dict[str, Any] = {
        "run": run_id,
        "machine": machine(),
        "config": report.config_dict(cfg),
        "scenarios": {},
    }
    t0 = time.monotonic()
    try:
        for sc in scenarios:
            entry: dict[str, Any] = {"title": sc.title, "measures": sc.measures}
            results["scenarios"][sc.name] = entry
            print(f"  {sc.name}: {sc.measures}", flush=True)
            began = time.monotonic()
            try:
                if sc.services:
                    await ctx.services(relay=sc.relay)
                else:
                    ctx.stop_all()
                outcome = await sc.run(ctx)
            except Exception as exc:
                entry.update(
                    status="failed",
                    error=f"{type(exc).__name__}: {exc}",
                    traceback=traceback.format_exc(),
                )
                print(f"  {sc.name}: FAILED {exc}", flush=True)
                continue
            ctx.outcomes[sc.name] = outcome
            entry.update(
                status="ok",
                seconds=round(time.monotonic() - began, 1),
                figures=[f.__dict__ for f in outcome.figures],
                runs=outcome.runs,
                notes=outcome.notes,
            )
            for f in outcome.figures:
                print(f"    {f.label}: {report.number(f.value)} {f.unit}", flush=True)
    finally:
        ctx.stop_all()
        results["seconds"] = round(time.monotonic() - t0, 1)
        report.write(out_dir, results)
        try:
            await infra.teardown(env, keep_database=cfg.keep)
        except Exception as exc:
            print(f"bench {run_id}: teardown incomplete: {exc}", flush=True)
            results["teardown_error"] = str(exc)
            report.write(out_dir, results)
    print(f"bench {run_id}: {results['seconds']:.0f} s; {out_dir / 'results.md'}", flush=True)
    return out_dir


def lock_path(database: str) -> Path:
    """Held for a whole run: two runs on one database would drop each other's, so a second
    run waits for the first. Runs on different databases do not wait (they share the cores)."""
    return Path(tempfile.gettempdir()) / f"lotledger-bench-{database}.lock"


def main(cfg: BenchConfig) -> int:
    lock = lock_path(cfg.database)
    with lock.open("w") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"bench: another run holds {lock}; waiting for it to end", flush=True)
            fcntl.flock(held, fcntl.LOCK_EX)
        out = asyncio.run(run(cfg))
    results = report.load(out)
    failed = [n for n, s in results["scenarios"].items() if s.get("status") == "failed"]
    return 1 if failed or "teardown_error" in results else 0

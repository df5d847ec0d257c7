"""The scenario registry: each scenario is an async function registered with its name,
what it measures and what it needs; the runner plays them in `scenarios.ORDER`.

To add one: write `async def run(ctx: Context) -> Outcome` in a module under
`scenarios/`, decorate it with `@scenario(...)`, and import the module in
`scenarios/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lotledger_bench.context import Context


@dataclass(frozen=True)
class Figure:
    """One headline number. `key` is stable across runs (`scenario.metric`)."""

    key: str
    label: str
    value: float
    unit: str
    target: str | None = None


@dataclass
class Outcome:
    figures: list[Figure] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


Runner = Callable[["Context"], Awaitable[Outcome]]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    measures: str
    run: Runner
    services: bool = False
    relay: bool = True


REGISTRY: dict[str, Scenario] = {}


def scenario(
    name: str, title: str, measures: str, *, services: bool = False, relay: bool = True
) -> Callable[[Runner], Runner]:
    """Register a runnable scenario. `services`: it needs the bench's inventory API;
    `relay`: the relay must be running while it runs (when `services`)."""

    def register(run: Runner) -> Runner:
        REGISTRY[name] = Scenario(name, title, measures, run, services, relay)
        return run

    return register

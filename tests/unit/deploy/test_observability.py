"""The alerting rules and the Grafana dashboard under deploy/observability/ name only
metrics the services really export (no promtool needed): every `lotledger_*` name in an
expression must be a sample name of a metric registered by the services' code."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import REGISTRY

HERE = Path(__file__).resolve().parents[3] / "deploy" / "observability"
EXPORTERS = (
    "lotledger.shared.projection",
    "lotledger.shared.outbox_metrics",
    "lotledger.shared.web.observe",
    "lotledger.inventory.bootstrap",
    "lotledger.inventory.entrypoints.relay",
    "lotledger.traceability.entrypoints.projector",
    "lotledger.alerts.bootstrap",
    "lotledger.alerts.entrypoints.deliverer",
    "lotledger.alerts.entrypoints.publisher",
)
METRIC = re.compile(r"\blotledger_[a-z0-9_]+\b")
SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_count", "_sum"),
    "summary": ("_count", "_sum"),
    "gauge": ("",),
}


def exported_names() -> set[str]:
    """Sample names of every metric the services' modules register (a labelled metric
    with no child yet has no samples, so names come from the family and its type)."""
    for module in EXPORTERS:
        importlib.import_module(module)
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.update(family.name + s for s in SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def rule_expressions() -> dict[str, str]:
    document: dict[str, Any] = yaml.safe_load((HERE / "alerts.rules.yml").read_text())
    return {rule["alert"]: rule["expr"] for group in document["groups"] for rule in group["rules"]}


def dashboard_expressions() -> dict[str, str]:
    dashboard: dict[str, Any] = json.loads((HERE / "grafana-dashboard.json").read_text())
    return {
        f"{panel['title']} {target['refId']}": target["expr"]
        for panel in dashboard["panels"]
        for target in panel["targets"]
    }


def test_every_rule_names_exported_metrics_and_the_four_conditions_are_covered() -> None:
    exported = exported_names()
    rules = rule_expressions()
    unknown = {name: sorted(set(METRIC.findall(expr)) - exported) for name, expr in rules.items()}
    assert not {k: v for k, v in unknown.items() if v}, unknown
    assert all(METRIC.search(expr) for expr in rules.values())
    used = {m for expr in rules.values() for m in METRIC.findall(expr)}
    assert {
        "lotledger_projection_lag_messages",
        "lotledger_outbox_oldest_seconds",
        "lotledger_relay_published_total",
        "lotledger_alerts_webhook_attempts_total",
    } <= used


def test_every_dashboard_query_names_exported_metrics() -> None:
    exported = exported_names()
    queries = dashboard_expressions()
    assert queries
    unknown = {name: sorted(set(METRIC.findall(expr)) - exported) for name, expr in queries.items()}
    assert not {k: v for k, v in unknown.items() if v}, unknown


def test_a_misspelt_metric_would_be_caught() -> None:
    assert "lotledger_projection_lag_message" not in exported_names()
    assert "lotledger_outbox_backlog" in exported_names()

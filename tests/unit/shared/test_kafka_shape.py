"""How many replicas a topic gets and how many must hold a write, on one broker and on a
cluster: the topic contract (`min_insync_replicas`, `topic_configs`) and what
deploy/local/env.sh gives the services and `lotledger topics` for KAFKA_BROKERS."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lotledger.shared.contracts.topics import STOCK, TOPICS, min_insync_replicas, topic_configs

ENV_SH = Path(__file__).parents[3] / "deploy" / "local" / "env.sh"


@pytest.mark.parametrize(("replication", "needed"), [(1, 1), (2, 1), (3, 2), (5, 2)])
def test_an_acknowledged_write_survives_one_lost_broker_from_three_replicas_up(
    replication: int, needed: int
) -> None:
    assert min_insync_replicas(replication) == needed


def test_topic_configs_keep_the_topics_own_and_set_min_insync_replicas_on_it() -> None:
    [stock] = [t for t in TOPICS if t.name == STOCK]
    configs = topic_configs(stock, 3, 1825)
    assert configs == {**stock.configs, "min.insync.replicas": "2"}
    assert "min.insync.replicas" not in stock.configs


def local_env(home: Path, **overrides: str) -> dict[str, str]:
    names = (
        "KAFKA_BROKERS",
        "KAFKA_BOOTSTRAP",
        "LOTLEDGER_KAFKA_BOOTSTRAP",
        "LOTLEDGER_TOPIC_REPLICATION",
    )
    script = f"source {ENV_SH}; " + "; ".join(f'echo "{n}=${n}"' for n in names)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "LOTLEDGER_"))}
    result = subprocess.run(
        ["bash", "-c", script],
        env={**environ, "LOTLEDGER_HOME": str(home), **overrides},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split("=", 1) for line in result.stdout.splitlines())


def test_one_broker_is_the_default(tmp_path: Path) -> None:
    assert local_env(tmp_path) == {
        "KAFKA_BROKERS": "1",
        "KAFKA_BOOTSTRAP": "127.0.0.1:9092",
        "LOTLEDGER_KAFKA_BOOTSTRAP": "127.0.0.1:9092",
        "LOTLEDGER_TOPIC_REPLICATION": "1",
    }


def test_a_cluster_of_three_is_bootstrapped_from_every_broker_and_replicates_three_times(
    tmp_path: Path,
) -> None:
    brokers = "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096"
    assert local_env(tmp_path, KAFKA_BROKERS="3") == {
        "KAFKA_BROKERS": "3",
        "KAFKA_BOOTSTRAP": brokers,
        "LOTLEDGER_KAFKA_BOOTSTRAP": brokers,
        "LOTLEDGER_TOPIC_REPLICATION": "3",
    }


def test_a_running_cluster_is_what_later_commands_see(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "kafka-main.brokers").write_text("3\n")
    assert local_env(tmp_path)["LOTLEDGER_TOPIC_REPLICATION"] == "3"
    assert local_env(tmp_path, KAFKA_BROKERS="1")["KAFKA_BOOTSTRAP"] == "127.0.0.1:9092"

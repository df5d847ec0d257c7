"""Private Kafka instances leave their broker logs behind (`reset` removes their data
only); the next instance of the same kind removes those of processes that are gone."""

import os
import subprocess
from pathlib import Path

from tests.support.kafka_instance import forget_dead_logs


def test_logs_of_gone_instances_of_the_kind_are_removed_and_the_others_kept(
    tmp_path: Path,
) -> None:
    gone = _finished_pid()
    mine = os.getpid()
    names = [
        f"kafka-cluster-{gone}.node1.log",
        f"kafka-cluster-{gone}.node2.log",
        f"kafka-cluster-{mine}.node1.log",
        f"kafka-bench3-{gone}.node1.log",
        "kafka-main.log",
    ]
    for name in names:
        (tmp_path / name).write_text("broker log\n")

    removed = forget_dead_logs(f"cluster-{mine}", tmp_path)

    assert sorted(p.name for p in removed) == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])


def _finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid

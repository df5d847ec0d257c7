"""Checkpoints fall on multiples of the interval, so a restart never delays the next."""

from lotledger.inventory.entrypoints.checkpointer import next_tick


def test_the_checkpoint_schedule_survives_restarts() -> None:
    assert next_tick(1_000.0, 60) == 1_020.0
    assert next_tick(1_019.9, 60) == 1_020.0
    assert next_tick(1_020.0, 60) == 1_080.0

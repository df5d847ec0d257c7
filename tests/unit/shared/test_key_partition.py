"""A record's partition worked out once per key is the one aiokafka's default
partitioner picks for it."""

from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from lotledger.shared.publishing import key_partition


@given(key=st.binary(min_size=0, max_size=64), partitions=st.integers(1, 512))
def test_the_default_partitioners_choice(key: bytes, partitions: int) -> None:
    every = list(range(partitions))
    assert key_partition(key, partitions) == DefaultPartitioner()(key, every, every[:1])

"""A record's partition worked out once per key is the one aiokafka's default
partitioner picks for it, and our murmur2 is Kafka's."""

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as reference_murmur2
from hypothesis import given
from hypothesis import strategies as st

from lotledger.shared.publishing import key_partition, murmur2


@given(key=st.binary(min_size=0, max_size=64), partitions=st.integers(1, 512))
def test_the_default_partitioners_choice(key: bytes, partitions: int) -> None:
    every = list(range(partitions))
    assert key_partition(key, partitions) == DefaultPartitioner()(key, every, every[:1])


@given(data=st.binary(min_size=0, max_size=300))
def test_murmur2_is_the_java_clients_hash_as_aiokafka_computes_it(data: bytes) -> None:
    assert murmur2(data) == reference_murmur2(data)


def test_murmur2_of_known_keys() -> None:
    """Values the Java client's Utils.murmur2 gives (its unit test, as signed ints)."""
    known = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536}
    for key, signed in known.items():
        assert murmur2(key) == signed & 0xFFFFFFFF

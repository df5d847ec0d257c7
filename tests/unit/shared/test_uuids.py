"""Version 4 UUIDs drawn from a buffer of the OS's random bytes."""

from __future__ import annotations

import os
import threading
import uuid

from lotledger.shared import uuids


def test_ids_are_version_4_and_distinct_across_many_refills() -> None:
    ids = [uuids.uuid4() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {4}
    assert {i.variant for i in ids} == {uuid.RFC_4122}


def test_threads_never_share_an_id() -> None:
    found: list[list[uuid.UUID]] = [[] for _ in range(8)]

    def draw(into: list[uuid.UUID]) -> None:
        into.extend(uuids.uuid4() for _ in range(2_000))

    threads = [threading.Thread(target=draw, args=(f,)) for f in found]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drawn = [i for f in found for i in f]
    assert len(set(drawn)) == len(drawn) == 16_000


def test_a_forked_child_draws_its_own_ids() -> None:
    uuids.uuid4()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, uuids.uuid4().bytes)
        os._exit(0)
    os.waitpid(pid, 0)
    child = uuid.UUID(bytes=os.read(read, 16))
    assert child != uuids.uuid4()

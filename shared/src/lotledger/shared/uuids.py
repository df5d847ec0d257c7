"""Random (version 4) UUIDs from the operating system's random source, read 4 KiB at a
time. `uuid.uuid4()` makes one `getrandom` call per id; on the bench's VM those calls were
3 % of the inventory API's CPU for a single pick (an event id and a correlation id per
request; docs/adr/0014, eighth amendment). The bytes are the same kind, only fetched in
bulk. A forked child starts with an empty buffer, so no two processes hand out the
same ids."""

from __future__ import annotations

import os
import threading
from uuid import UUID

_CHUNK = 4096
_lock = threading.Lock()
_pool = b""
_used = _CHUNK


def uuid4() -> UUID:
    global _pool, _used
    with _lock:
        if _used + 16 > len(_pool):
            _pool, _used = os.urandom(_CHUNK), 0
        chunk = _pool[_used : _used + 16]
        _used += 16
    return UUID(bytes=chunk, version=4)


def _forget() -> None:
    global _pool, _used, _lock
    _lock = threading.Lock()
    _pool, _used = b"", _CHUNK


os.register_at_fork(after_in_child=_forget)

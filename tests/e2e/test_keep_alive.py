"""Every API keeps an idle keep-alive connection open longer than uvicorn's default 5 s,
so a client reusing a pooled connection does not race the server closing it (a POST lost
with "connection reset by peer")."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from lotledger.shared.runner import KEEP_ALIVE_S
from tests.support.processes import APIS, System

IDLE_S = 6.0
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


async def _status(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(REQUEST)
    await writer.drain()
    status = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _used_twice(url: str) -> tuple[bytes, bytes]:
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        first = await _status(reader, writer)
        await asyncio.sleep(IDLE_S)
        return first, await _status(reader, writer)
    finally:
        writer.close()


async def test_an_idle_connection_outlives_uvicorns_default(system: System) -> None:
    assert KEEP_ALIVE_S > IDLE_S
    answers = await asyncio.gather(
        *(_used_twice(system.urls[service]) for service in (*APIS, "console"))
    )
    assert [a for pair in answers for a in pair] == [b"HTTP/1.1 200 OK\r\n"] * 8

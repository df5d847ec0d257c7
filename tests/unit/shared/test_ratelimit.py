import httpx
from fastapi import FastAPI

from lotledger.shared.web.ratelimit import RateLimit, TokenBuckets


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_the_rate() -> None:
    clock = FakeTime()
    buckets = TokenBuckets(rate_per_s=2, burst=3, clock=clock)
    assert [buckets.take(b"t") for _ in range(3)] == [0, 0, 0]
    assert buckets.take(b"t") == 0.5
    clock.now += 0.5
    assert buckets.take(b"t") == 0
    assert buckets.take(b"other") == 0


async def test_flooding_writes_get_429_with_retry_after_and_reads_pass() -> None:
    app = FastAPI()

    @app.post("/w")
    async def write() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/r")
    async def read() -> dict[str, bool]:
        return {"ok": True}

    limited = RateLimit(app, service="unit", rate_per_s=1, burst=5)
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        headers = {"authorization": "Bearer a"}
        statuses = [(await client.post("/w", headers=headers)).status_code for _ in range(8)]
        assert statuses == [200] * 5 + [429] * 3
        refused = await client.post("/w", headers=headers)
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["type"] == "urn:lotledger:problem:too-many-requests"
        assert (await client.post("/w", headers={"authorization": "Bearer b"})).status_code == 200
        reads = [(await client.get("/r", headers=headers)).status_code for _ in range(20)]
        assert set(reads) == {200}

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from lotledger.shared.db import create_engine, database_ready
from tests.support.infra import Infra


async def test_a_row_round_trips_through_the_service_schema(infra: Infra) -> None:
    """As the owner (the runtime role cannot create tables), in a transaction rolled back."""
    engine = create_engine(infra.owner_url("inventory"), "inventory", pool_size=1)
    try:
        assert await database_ready(engine)
        stamp = datetime(2026, 11, 24, 9, 30, 0, 123456, tzinfo=UTC)
        async with engine.connect() as conn, conn.begin() as transaction:
            await conn.execute(
                text("CREATE TABLE roundtrip (id int PRIMARY KEY, at timestamptz, body jsonb)")
            )
            await conn.execute(
                text("INSERT INTO roundtrip VALUES (1, :at, CAST(:body AS jsonb))"),
                {"at": stamp, "body": '{"qty": 7, "lot": "L\\u00e9"}'},
            )
            row = (await conn.execute(text("SELECT id, at, body FROM inventory.roundtrip"))).one()
            await transaction.rollback()
        assert row.id == 1
        assert row.at == stamp
        assert row.body == {"qty": 7, "lot": "Lé"}
    finally:
        await engine.dispose()


async def test_a_service_cannot_read_another_services_schema(infra: Infra) -> None:
    engine = create_engine(infra.url("traceability"), "traceability", pool_size=1)
    try:
        async with engine.connect() as conn:
            with pytest.raises(ProgrammingError, match="permission denied"):
                await conn.execute(text("CREATE TABLE inventory.intruder (x int)"))
    finally:
        await engine.dispose()

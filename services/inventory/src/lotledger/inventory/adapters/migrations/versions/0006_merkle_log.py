"""The verifiable log: RFC 6962 leaves and perfect nodes over the stock topic, signed
checkpoints, the public keys that signed them, and where the event store and the
published log were found to differ (docs/adr/0008-verifiable-log.md).

The previous checkpoints (one root over stream heads, no proofs) are dropped, with the
function that cut them at a consistent event position: the first checkpoint of the new
log covers every event already on the stock topic.

Revision ID: 0006_merkle_log
Revises: 0005_append_only
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import guard, quote

revision: str = "0006_merkle_log"
down_revision: str | None = "0005_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("log_leaves", "log_nodes", "checkpoints", "checkpoint_keys", "log_divergences")


def upgrade(schema: str) -> None:
    run_script("""
    DROP TABLE checkpoints;
    DROP FUNCTION events_safe_position();

    CREATE TABLE log_leaves (
        leaf_index      bigint PRIMARY KEY,
        stream_id       text NOT NULL,
        version         integer NOT NULL,
        hash            char(64) NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset    bigint NOT NULL,
        checkpoint      bigint NOT NULL
    );
    CREATE INDEX log_leaves_stream ON log_leaves (stream_id, version, leaf_index);

    CREATE TABLE log_nodes (
        level smallint NOT NULL CHECK (level > 0),
        idx   bigint NOT NULL,
        hash  bytea NOT NULL,
        PRIMARY KEY (level, idx)
    );

    CREATE TABLE checkpoints (
        id           bigint PRIMARY KEY CHECK (id > 0),
        tree_size    bigint NOT NULL,
        root         char(64) NOT NULL,
        streams      bigint NOT NULL,
        offsets      jsonb NOT NULL,
        heads_digest char(64) NOT NULL,
        created_at   timestamptz NOT NULL,
        key_id       text NOT NULL,
        payload      text NOT NULL,
        signature    text NOT NULL
    );

    CREATE TABLE checkpoint_keys (
        key_id        text PRIMARY KEY,
        public_key    text NOT NULL,
        first_used_at timestamptz NOT NULL
    );

    CREATE TABLE log_divergences (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        checkpoint     bigint NOT NULL,
        stream_id      text NOT NULL,
        version        integer NOT NULL,
        published_hash char(64) NOT NULL,
        stored_hash    char(64),
        found_at       timestamptz NOT NULL
    );
    """)
    run_script("".join(guard(t) for t in APPEND_ONLY))


def downgrade(schema: str) -> None:
    run_script(f"DROP TABLE {', '.join(APPEND_ONLY)};")
    run_script(f"""
    CREATE TABLE checkpoints (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        position    bigint NOT NULL,
        streams     integer NOT NULL,
        root        char(64) NOT NULL,
        created_at  timestamptz NOT NULL,
        key_id      text NOT NULL,
        payload     text NOT NULL,
        signature   text NOT NULL
    );
    CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON checkpoints
        FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
    CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();
    CREATE FUNCTION events_safe_position() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = {quote(schema)}, pg_temp AS $$
    BEGIN
        LOCK TABLE events IN SHARE MODE;
        RETURN (SELECT coalesce(max(position), 0) FROM events);
    END $$;
    """)  # noqa: S608 (the schema is a quoted identifier)

"""The SQL text of the event store's reads: the optimistic read of named batches and
probes in one round trip (a function, migration `0014_read_plan`), and the locking read.
(The append is a function, `append_request`, called by append_statement.py; the probes'
text is pick_probes.py's.)"""

from __future__ import annotations

from lotledger.inventory.adapters.batch_rows import BATCH_COLUMNS

BATCH_LOCK_SEED = 0x6261746368  # "batch"

READ_NAMED = f"""
SELECT 0::bigint AS i, {BATCH_COLUMNS}
FROM batches b WHERE b.batch_id = ANY($1::text[])"""  # noqa: S608 (constants only)
"""The named batches, unlocked (i = 0), for a request without picks to probe."""
READ = "SELECT * FROM read_batches($1, $2, $3, $4, $5, $6, $7, $8)"
"""The named batches (i = 0) and every probe's rows, unlocked, in one round trip: the
function of migration `0014_read_plan`, the union of `READ_NAMED` and `PROBE`, whose
plan each session makes once. Planned at every execution as a statement, it took 0.38 ms
to plan and 0.24 ms to run (docs/adr/0014, ninth amendment). $1–$7 are the probes'
arguments (`probe_arguments`), $8 the named batch ids. A request without probes reads
`READ_NAMED`."""
LOCK = f"""
WITH serialised AS MATERIALIZED (
    SELECT pg_advisory_xact_lock(hashtextextended(id, {BATCH_LOCK_SEED}))
    FROM (SELECT DISTINCT unnest($1::text[]) AS id ORDER BY 1) AS ids)
SELECT {BATCH_COLUMNS},
    CASE WHEN b.tx > pg_current_xact_id()
    THEN append_conflict('a batch was last written by a younger transaction') END AS stale
FROM batches b
WHERE b.batch_id = ANY($1::text[]) AND (SELECT count(*) FROM serialised) >= 0
ORDER BY b.batch_id FOR UPDATE OF b
"""  # noqa: S608 (constants only)
"""The named batches locked for the transaction in batch-id order: first by advisory
locks, which assign the transaction no id, then by row locks, which do. So the id is
taken once the other locking writers of these batches have ended, and each head read was
written by an older transaction; if one was not (an optimistic append that committed
meanwhile), the statement fails as a conflict and the request is tried again. The stock
relay publishes a batch's events in the order of their transactions' ids
(adapters/event_source.py). `batches.tx` is the id of the transaction that wrote the head
(set by the append; 64 bits, so neither wraparound nor freezing blurs it as they would a
row's `xmin`)."""

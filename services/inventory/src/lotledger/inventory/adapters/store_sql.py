"""The SQL text of the event store's reads: the optimistic read of named batches and
probes in one round trip, and the locking read. (The append's text is
append_statement.py's, the probes' pick_probes.py's.)"""

from __future__ import annotations

from lotledger.inventory.adapters.batch_rows import BATCH_COLUMNS
from lotledger.inventory.adapters.pick_probes import PROBE

READ_NAMED = f"""
SELECT 0::bigint AS i, {BATCH_COLUMNS}
FROM batches b WHERE b.batch_id = ANY($1::text[])"""  # noqa: S608 (constants only)
"""The named batches, unlocked (i = 0), for a request without picks to probe."""
READ = f"""
SELECT 0::bigint AS i, {BATCH_COLUMNS}
FROM batches b WHERE b.batch_id = ANY($8::text[])
UNION ALL
{PROBE}"""  # noqa: S608 (constants only)
"""The named batches (i = 0) and every probe's rows, unlocked, in one round trip. Planning
the probes' part costs ~0.4 ms at each execution even when it has no rows to read, ten
times the named read's (docs/adr/0014): a request without probes reads `READ_NAMED`."""
LOCK = f"""
SELECT {BATCH_COLUMNS}
FROM batches b WHERE b.batch_id = ANY($1::text[]) ORDER BY b.batch_id FOR UPDATE
"""  # noqa: S608 (constants only)

"""The console's view of the world: records read from the APIs and the pure functions that
turn them into screens (timelines, the custody graph, expiry buckets, CSV rows). No I/O,
no framework."""

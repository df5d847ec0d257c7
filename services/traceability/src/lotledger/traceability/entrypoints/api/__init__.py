"""The read-only HTTP API (DESIGN §6 traceability)."""

"""Event contracts: topic names, event types and `data` payload models (DESIGN §5)."""

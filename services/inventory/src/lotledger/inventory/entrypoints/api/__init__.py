"""HTTP API of the inventory service (DESIGN §6)."""

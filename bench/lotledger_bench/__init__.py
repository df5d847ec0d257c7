"""lotledger's benchmark harness (`make bench`): scenarios with fixed seeds against a
bench database, topics and processes of its own, beside the raw limits of the machine."""

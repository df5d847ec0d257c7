"""Adapters: Postgres, Kafka and HTTP clients."""

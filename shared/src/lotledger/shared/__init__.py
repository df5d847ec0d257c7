"""Contracts and cross-cutting plumbing shared by the lotledger services."""

"""Entrypoints: HTTP routers and background workers."""

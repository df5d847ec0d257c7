"""Measurements run by hand (never timed in tests): `uv run python -m bench.<script>`."""

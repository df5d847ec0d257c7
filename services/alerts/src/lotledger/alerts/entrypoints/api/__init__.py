"""The alerts REST API (DESIGN §6)."""

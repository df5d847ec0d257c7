"""Pure domain: no framework, database or broker imports."""

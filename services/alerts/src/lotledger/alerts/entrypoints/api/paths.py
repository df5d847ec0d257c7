"""Path parameter shapes shared by the routers."""

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
"""A canonical uuid: anything matching it is a valid uuid for Postgres too."""

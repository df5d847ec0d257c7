"""The console's web edge: routers rendering templates, the session, error pages."""

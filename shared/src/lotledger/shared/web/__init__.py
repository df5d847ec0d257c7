"""FastAPI plumbing shared by the three services: app factory, problems, auth, metrics."""

"""Read queries over the traceability schema, on a request's read-only snapshot."""

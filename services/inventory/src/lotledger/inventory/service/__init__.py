"""Service layer: use cases orchestrating the domain and the adapters."""

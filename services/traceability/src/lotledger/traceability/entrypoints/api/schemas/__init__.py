"""Response bodies: built from query rows and domain values, never from table models."""

"""Package-data shim: the released corpus versions (see README.md here)."""

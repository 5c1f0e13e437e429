"""reports package (see docs/architecture.md)."""

"""costmodels package (see docs/architecture.md)."""

"""hwprofiles package (see docs/architecture.md)."""

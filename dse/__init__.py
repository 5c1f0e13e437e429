"""Design-space exploration: space, engines, evaluation pipeline, result store and CLI."""

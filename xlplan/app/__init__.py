"""Use cases: each one wires the pure core to the file adapters (check, template …)."""

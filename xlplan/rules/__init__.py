"""Grade rules as data (TOML). `akita.toml` is the default; copy and edit it for another city."""

"""JSON Schemas of what xlplan prints (package data)."""

"""Adapters between files and the core: reading (the guarded `xlsx` reader), writing (openpyxl), atomic output."""

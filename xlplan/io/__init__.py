"""Adapters between files and the core: reading (calamine), writing (openpyxl), atomic output."""

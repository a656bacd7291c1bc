"""A1 cell addresses, without openpyxl (the core does no I/O)."""

from __future__ import annotations

import re

__all__ = ["cell_address", "column_index", "column_letter", "split_cell"]

_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def cell_address(row: int, column: int) -> str:
    """(12, 6) → F12 (both 1-based)."""
    return f"{column_letter(column)}{row}"


def split_cell(cell: str) -> tuple[int, int]:
    """F12 → (12, 6); (0, 0) when it is not a cell address."""
    match = _CELL.match(cell)
    if not match:
        return (0, 0)
    return int(match.group(2)), column_index(match.group(1))

"""What the HQ actions need from a workbook open in Excel, as a small protocol.

The business functions in `actions` and `markup` take a `BookLike`, never an xlwings object,
so they run on Linux: `xw_adapter.XwBook` wraps a live xlwings Book on the HQ PC, and the
tests use an openpyxl-backed fake over real files. Cells are A1 addresses on one sheet;
colours are six-digit RGB hex strings ("FFC7CE"), None for no fill.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["BookLike", "SheetLike", "unprotected"]


@runtime_checkable
class SheetLike(Protocol):
    """One worksheet: values, fills, notes (classic comments), hyperlinks and protection."""

    @property
    def name(self) -> str:
        """The sheet's tab name."""
        ...

    def value(self, cell: str) -> object:
        """The value of one cell (None when empty; a formula gives its result)."""
        ...

    def values(self, cells: str) -> list[list[object]]:
        """The values of a range such as A2:N2, row by row (formulas give their results)."""
        ...

    def set_value(self, cell: str, value: object) -> None:
        """Write one value."""
        ...

    def write_rows(self, top_left: str, rows: Sequence[Sequence[object]]) -> None:
        """Write a block of rows starting at `top_left` (one call, not one per cell)."""
        ...

    def clear(self, cells: str) -> None:
        """Clear contents, fills and hyperlinks of a range such as A2:G40."""
        ...

    def last_row(self) -> int:
        """The last used row (0 for an empty sheet)."""
        ...

    def fill(self, cell: str) -> str | None:
        """The background colour of a cell as RGB hex, or None."""
        ...

    def set_fill(self, cell: str, rgb: str | None) -> None:
        """Set (or, with None, remove) the background colour of a cell."""
        ...

    def notes(self) -> dict[str, str]:
        """Every note on the sheet: A1 address → text."""
        ...

    def set_note(self, cell: str, text: str | None) -> None:
        """Attach a note to a cell, replacing any note there; None removes it."""
        ...

    def add_hyperlink(self, cell: str, target: str, text: str) -> None:
        """Make a cell a hyperlink to a file or `file#'Sheet'!A1`, showing `text`."""
        ...

    def unprotect(self) -> object | None:
        """Lift sheet protection; return what `protect` needs to restore it (None: was not protected)."""
        ...

    def protect(self, state: object) -> None:
        """Restore the protection returned by `unprotect`."""
        ...


@runtime_checkable
class BookLike(Protocol):
    """A workbook open in Excel (or a fake of one)."""

    @property
    def name(self) -> str:
        """The file name shown in Excel's title bar, e.g. 情報統計課.xlsx."""
        ...

    @property
    def fullname(self) -> str:
        """The full path of the workbook ('' when never saved)."""
        ...

    def sheet_names(self) -> list[str]:
        """All sheet names in tab order, hidden ones included."""
        ...

    def sheet(self, name: str) -> SheetLike:
        """A sheet by name; KeyError when there is none."""
        ...

    def add_sheet(self, name: str) -> SheetLike:
        """Add an empty sheet after the last one."""
        ...

    def save_copy(self, path: Path) -> None:
        """Save the current state (unsaved edits included) to `path`; the book keeps its own name."""
        ...

    def other_books(self) -> list[BookLike]:
        """The other workbooks open in the same Excel."""
        ...

    def open_book(self, path: Path) -> BookLike:
        """Open a workbook in the same Excel, or return it when it is already open."""
        ...


@contextlib.contextmanager
def unprotected(sheet: SheetLike) -> Iterator[SheetLike]:
    """Lift a sheet's protection for the duration of a block, then restore it exactly."""
    state = sheet.unprotect()
    try:
        yield sheet
    finally:
        if state is not None:
            sheet.protect(state)

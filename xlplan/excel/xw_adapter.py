"""`BookLike` over a live xlwings Book (Excel on the HQ PC, Windows).

This module never imports xlwings: it wraps the objects `xlplan_hq.main()` hands it, so it
imports on any OS. A few operations go through the COM `api` (hyperlinks with a sub-address,
sheet protection, SaveCopyAs) because xlwings has no portable call for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import XlplanError

__all__ = ["XwBook", "XwSheet"]

# The protection options Excel reports and `Worksheet.Protect` accepts under the same names.
_PROTECTION_FLAGS = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


def _hex(rgb: tuple[int, int, int] | None) -> str | None:
    return None if rgb is None else "{:02X}{:02X}{:02X}".format(*rgb)


class XwSheet:
    """One xlwings Sheet as a `SheetLike`."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet

    @property
    def name(self) -> str:
        """The tab name."""
        return str(self._sheet.name)

    def value(self, cell: str) -> object:
        """The value of one cell."""
        return self._sheet.range(cell).value

    def values(self, cells: str) -> list[list[object]]:
        """The values of a range, always as a list of rows."""
        return self._sheet.range(cells).options(ndim=2).value

    def set_value(self, cell: str, value: object) -> None:
        """Write one value."""
        self._sheet.range(cell).value = value

    def write_rows(self, top_left: str, rows: Sequence[Sequence[object]]) -> None:
        """Write a block in one COM call."""
        self._sheet.range(top_left).value = [list(row) for row in rows]

    def clear(self, cells: str) -> None:
        """Clear contents, fills and hyperlinks; borders and number formats stay."""
        target = self._sheet.range(cells)
        target.api.Hyperlinks.Delete()
        target.clear_contents()
        target.color = None

    def last_row(self) -> int:
        """The last used row, 0 when the sheet is empty."""
        used = self._sheet.used_range
        if used.shape == (1, 1) and used.value is None:
            return 0
        return int(used.last_cell.row)

    def fill(self, cell: str) -> str | None:
        """The background colour as RGB hex."""
        return _hex(self._sheet.range(cell).color)

    def set_fill(self, cell: str, rgb: str | None) -> None:
        """Set or remove the background colour."""
        self._sheet.range(cell).color = f"#{rgb}" if rgb else None

    def notes(self) -> dict[str, str]:
        """Every note on the sheet by A1 address."""
        return {note.location.address.replace("$", ""): note.text for note in self._sheet.notes}

    def set_note(self, cell: str, text: str | None) -> None:
        """Replace the note of a cell (None removes it)."""
        target = self._sheet.range(cell)
        if target.note is not None:
            target.note.delete()
        if text:
            target.add_note(text)

    def add_hyperlink(self, cell: str, target: str, text: str) -> None:
        """Link to a file, or to `file#'Sheet'!A1` (split into Address and SubAddress)."""
        address, _, sub_address = target.partition("#")
        anchor = self._sheet.range(cell).api
        self._sheet.api.Hyperlinks.Add(Anchor=anchor, Address=address, SubAddress=sub_address, TextToDisplay=text)

    def unprotect(self) -> object | None:
        """Lift protection and return its options; an error when a password is set."""
        api = self._sheet.api
        if not api.ProtectContents:
            return None
        state = {flag: bool(getattr(api.Protection, flag)) for flag in _PROTECTION_FLAGS}
        state["DrawingObjects"] = bool(api.ProtectDrawingObjects)
        state["Scenarios"] = bool(api.ProtectScenarios)
        try:
            api.Unprotect()
        except Exception as error:  # pywintypes.com_error: a password is set
            raise XlplanError(
                f"シート「{self.name}」はパスワードで保護されているため書き込めません。保護を解除してから実行してください。",
                english=f"The sheet {self.name} is protected by a password and cannot be written. "
                "Unprotect it and run again.",
            ) from error
        return state

    def protect(self, state: object) -> None:
        """Protect again with the options `unprotect` returned."""
        options = dict(state) if isinstance(state, dict) else {}
        self._sheet.api.Protect(Contents=True, **options)


class XwBook:
    """One xlwings Book as a `BookLike`."""

    def __init__(self, book: Any) -> None:
        self._book = book

    @property
    def name(self) -> str:
        """The file name."""
        return str(self._book.name)

    @property
    def fullname(self) -> str:
        """The full path ('' for a book never saved)."""
        fullname = str(self._book.fullname)
        return fullname if Path(fullname).is_absolute() else ""

    def sheet_names(self) -> list[str]:
        """All sheet names, hidden ones included."""
        return [sheet.name for sheet in self._book.sheets]

    def sheet(self, name: str) -> XwSheet:
        """A sheet by name."""
        if name not in self.sheet_names():
            raise KeyError(name)
        return XwSheet(self._book.sheets[name])

    def add_sheet(self, name: str) -> XwSheet:
        """Add a sheet at the end."""
        return XwSheet(self._book.sheets.add(name, after=self._book.sheets[-1]))

    def save_copy(self, path: Path) -> None:
        """Save the workbook as it is now to `path` (Excel's SaveCopyAs; the book keeps its name)."""
        self._book.api.SaveCopyAs(str(path))

    def other_books(self) -> list[XwBook]:
        """The other workbooks open in the same Excel."""
        return [XwBook(book) for book in self._book.app.books if book.name != self._book.name]

    def open_book(self, path: Path) -> XwBook:
        """Open a workbook in the same Excel (or return it when already open)."""
        return XwBook(self._book.app.books.open(str(path)))

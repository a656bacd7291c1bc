"""A fake of Excel for the HQ actions: `BookLike` over real workbook files, through openpyxl.

It behaves like Excel where the actions could go wrong: a protected sheet refuses writes to
locked cells, fills, notes and hyperlinks (unless its protection allows them); a formula
cell reads as its cached result, not as its formula; numbers read back as floats (as
xlwings returns them); `save_copy` writes the current state, unsaved edits included.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet


class ProtectedSheetError(RuntimeError):
    """What Excel says when a protected sheet is changed: 'The cell ... is on a protected sheet'."""


class FakeApp:
    """One Excel instance: the workbooks open in it."""

    def __init__(self) -> None:
        self.books: list[FakeBook] = []

    def open(self, path: Path) -> FakeBook:
        """Open a workbook, or return it when it is already open."""
        path = Path(path).resolve()
        for book in self.books:
            if book.path == path:
                return book
        book = FakeBook(path, self)
        self.books.append(book)
        return book


class FakeBook:
    """A workbook open in the fake Excel."""

    def __init__(self, path: Path, app: FakeApp) -> None:
        self.path = Path(path)
        self.app = app
        self.workbook = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm")
        self._results = openpyxl.load_workbook(self.path, data_only=True)  # cached formula results

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name

    @property
    def fullname(self) -> str:
        """The full path."""
        return str(self.path)

    def sheet_names(self) -> list[str]:
        """All sheet names, hidden ones included."""
        return list(self.workbook.sheetnames)

    def sheet(self, name: str) -> FakeSheet:
        """A sheet by name (KeyError when missing)."""
        results = self._results[name] if name in self._results.sheetnames else None
        return FakeSheet(self.workbook[name], results)

    def add_sheet(self, name: str) -> FakeSheet:
        """Add a sheet at the end."""
        if self.workbook.security is not None and self.workbook.security.lockStructure:
            raise ProtectedSheetError("the workbook structure is protected")
        return FakeSheet(self.workbook.create_sheet(name), None)

    def save_copy(self, path: Path) -> None:
        """Write the current state to `path`; the book keeps its name."""
        self.workbook.save(path)

    def save(self) -> None:
        """Save over the file (what HQ does after reviewing the marks)."""
        self.workbook.save(self.path)

    def other_books(self) -> list[FakeBook]:
        """The other workbooks open in the same fake Excel."""
        return [book for book in self.app.books if book is not self]

    def open_book(self, path: Path) -> FakeBook:
        """Open a workbook in the same fake Excel."""
        return self.app.open(path)


class FakeSheet:
    """One worksheet of a fake workbook."""

    def __init__(self, sheet: Worksheet, results: Worksheet | None) -> None:
        self._sheet = sheet
        self._results = results

    @property
    def name(self) -> str:
        """The tab name."""
        return self._sheet.title

    def value(self, cell: str) -> object:
        """The value as xlwings returns it: numbers as float, formulas as their cached result."""
        value = self._sheet[cell].value
        if isinstance(value, str) and value.startswith("="):
            value = self._results[cell].value if self._results is not None else None
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def values(self, cells: str) -> list[list[object]]:
        """The values of a range, row by row."""
        return [[self.value(c.coordinate) for c in row] for row in self._cells(cells)]

    def set_value(self, cell: str, value: object) -> None:
        """Write one value (refused on a locked cell of a protected sheet)."""
        target = self._sheet[cell]
        if self._protected() and target.protection.locked:
            raise ProtectedSheetError(f"{self.name}!{cell} is locked on a protected sheet")
        target.value = value

    def write_rows(self, top_left: str, rows: Sequence[Sequence[object]]) -> None:
        """Write a block of rows."""
        first = self._sheet[top_left]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.set_value(self._sheet.cell(row=first.row + r, column=first.column + c).coordinate, value)

    def clear(self, cells: str) -> None:
        """Clear values, fills and hyperlinks."""
        for row in self._cells(cells):
            for cell in row:
                self.set_value(cell.coordinate, None)
                self.set_fill(cell.coordinate, None)
                cell.hyperlink = None

    def last_row(self) -> int:
        """The last row holding a value, a fill or a note (0 when none)."""
        last = 0
        for row in self._sheet.iter_rows():
            for cell in row:
                if cell.value is not None or cell.comment is not None or cell.fill.fill_type:
                    last = max(last, cell.row)
        return last

    def fill(self, cell: str) -> str | None:
        """The solid fill colour as RGB hex."""
        fill = self._sheet[cell].fill
        if fill.fill_type != "solid" or fill.fgColor.type != "rgb":
            return None
        return str(fill.fgColor.rgb)[-6:].upper()

    def set_fill(self, cell: str, rgb: str | None) -> None:
        """Set or remove the solid fill (refused on a protected sheet that locks formatting)."""
        if self._protected() and self._sheet.protection.formatCells:
            raise ProtectedSheetError(f"cannot format {self.name}!{cell} on a protected sheet")
        self._sheet[cell].fill = PatternFill("solid", fgColor=rgb) if rgb else PatternFill(fill_type=None)

    def notes(self) -> dict[str, str]:
        """Every note by A1 address."""
        return {c.coordinate: c.comment.text for row in self._sheet.iter_rows() for c in row if c.comment}

    def note(self, cell: str) -> str | None:
        """The note of one cell (for assertions)."""
        comment = self._sheet[cell].comment
        return comment.text if comment else None

    def set_note(self, cell: str, text: str | None) -> None:
        """Replace or remove a note (refused on a protected sheet that locks objects)."""
        if self._protected() and self._sheet.protection.objects:
            raise ProtectedSheetError(f"cannot edit the note of {self.name}!{cell} on a protected sheet")
        if self._protected() and self._sheet[cell].protection.locked:
            raise ProtectedSheetError(f"{self.name}!{cell} is locked on a protected sheet")
        self._sheet[cell].comment = Comment(text, "xlplan", width=360, height=160) if text else None

    def add_hyperlink(self, cell: str, target: str, text: str) -> None:
        """Link a cell to a file or `file#'Sheet'!A1`."""
        if self._protected() and self._sheet.protection.insertHyperlinks:
            raise ProtectedSheetError(f"cannot add a hyperlink to {self.name}!{cell} on a protected sheet")
        self._sheet[cell].value = text
        self._sheet[cell].hyperlink = target

    def hyperlink(self, cell: str) -> str | None:
        """The hyperlink target of one cell (for assertions)."""
        link = self._sheet[cell].hyperlink
        return link.target if link else None

    def unprotect(self) -> object | None:
        """Lift protection; a password-protected sheet refuses, as in Excel."""
        if not self._protected():
            return None
        if self._sheet.protection.password:
            raise ProtectedSheetError(f"{self.name} is protected with a password")
        state = copy.copy(self._sheet.protection)
        self._sheet.protection.sheet = False
        return state

    def protect(self, state: object) -> None:
        """Restore a protection returned by `unprotect`."""
        self._sheet.protection = copy.copy(state)

    @property
    def protected(self) -> bool:
        """True while the sheet is protected (for assertions)."""
        return self._protected()

    def _protected(self) -> bool:
        return bool(self._sheet.protection.sheet)

    def _cells(self, cells: str) -> Iterator[tuple[Cell, ...]]:
        min_col, min_row, max_col, max_row = range_boundaries(cells)
        yield from self._sheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)

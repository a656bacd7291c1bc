"""Stream one worksheet's XML before calamine reads it: place cells as calamine will, check limits.

`SheetScanner` mirrors calamine's cell placement (a cell's own `r`, else the row and column
counters) so that the rectangle calamine will allocate, the rows, the filled cells and their
text are known, and refused past `ReadLimits`, before calamine allocates anything. On the way
it notes what values cannot show: formulas without a saved result, percent formats, hidden
rows and columns. `SheetParts` is what it found.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.cells import cell_address
from ..core.enums import Severity
from ..core.findings import Code
from .limits import EXCEL_MAX_CELL_CHARS, InputRefused, ReadLimits
from .xml_scan import LOCAL_NAMES, Budget, local_name

__all__ = ["SheetParts", "SheetScanner"]

_CELL_REF = re.compile(r"^([A-Za-z]{1,4})([0-9]{1,7})$")
_MAX_COLUMN = 16_384
_TRUE = ("1", "true")


@dataclass(slots=True)
class SheetParts:
    """What the XML of one sheet says about its cells (rows and columns are 1-based)."""

    max_row: int = 0  # farthest cell holding a value
    max_column: int = 0
    cells: int = 0  # cells holding a value
    merges: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: int = 0  # bit n set: column n hidden
    formula_masks: dict[int, int] = field(default_factory=dict)  # row → bit mask of columns
    percent_masks: dict[int, int] = field(default_factory=dict)

    def formula_without_value(self, row: int, column: int) -> bool:
        """True when the cell holds a formula whose result was never saved."""
        return bool(self.formula_masks.get(row, 0) >> column & 1)

    def percent(self, row: int, column: int) -> bool:
        """True when the cell carries a percent number format."""
        return bool(self.percent_masks.get(row, 0) >> column & 1)

    def row_hidden(self, row: int) -> bool:
        """True when the row is hidden (by hand, by a filter or by a zero height)."""
        return row in self.hidden_rows

    def column_hidden(self, column: int) -> bool:
        """True when the column is hidden (or has zero width)."""
        return bool(self.hidden_columns >> column & 1)

    @property
    def formulas_without_value(self) -> set[str]:
        """A1 addresses of formulas with no saved result."""
        return _addresses(self.formula_masks)

    @property
    def percent_cells(self) -> set[str]:
        """A1 addresses of percent-formatted cells."""
        return _addresses(self.percent_masks)


def _addresses(masks: dict[int, int]) -> set[str]:
    return {
        cell_address(row, col) for row, mask in masks.items() for col in range(mask.bit_length()) if mask >> col & 1
    }


class SheetScanner:
    """Streams one worksheet: places cells as calamine does, checks limits, notes structure."""

    def __init__(
        self,
        sheet: str,
        strings: array,
        percent: frozenset[int],
        limits: ReadLimits,
        budget: Budget,
    ) -> None:
        self.sheet = sheet
        self.strings = strings
        self.percent_styles = percent
        self.limits = limits
        self.budget = budget
        self.parts = SheetParts()
        self.row = 0  # calamine's 0-based row counter
        self.col_ref: str | None = None  # calamine's column counter, kept lazily: the last cell's
        self.col_extra = 0  # reference plus the cells since (parsed only when a cell needs it)
        self.cell: tuple[int, int] | None = None  # 1-based position of the open <c> once placed
        self.attrs: dict[str, str] | None = None  # attributes of the open <c>
        self.cell_type = ""
        self.has_formula = self.has_value = self.value_nonblank = False
        self.collect = False  # inside <v> or an inline <t>
        self.chars = 0
        self.index_text: list[str] = []
        self.phonetic = 0

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.data,
        }

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = LOCAL_NAMES.get(name) or local_name(name)
        if local == "c":  # the hot path: most cells are formatted blanks, so keep it short
            self.attrs = attrs
            self.has_formula = self.has_value = self.value_nonblank = self.collect = False
        elif self.attrs is not None:
            if local == "v":
                self.has_value = self.collect = True
                self._open_value()
            elif local == "is":
                self.has_value = True
                self._open_value()
            elif local == "t" and not self.phonetic:
                self.collect = True
                self._open_value()
            elif local == "rPh":
                self.phonetic += 1
            elif local == "f":
                self.has_formula = True
        elif local == "row":
            self._open_row(attrs)
        elif local == "col":
            self._hide_columns(attrs)
        elif local == "mergeCell":
            self.parts.merges += 1
            if self.parts.merges > self.limits.max_merged_ranges:
                raise InputRefused(
                    Code.TOO_MANY_CELLS,
                    sheet=self.sheet,
                    cell=_first_cell(attrs.get("ref", "")),
                    what="結合セル",
                    count=f"{self.parts.merges:,}",
                    limit=f"{self.limits.max_merged_ranges:,}",
                )

    def end(self, name: str) -> None:
        local = LOCAL_NAMES.get(name) or local_name(name)
        if local == "c":
            self._close_cell()
        elif local in ("v", "t"):
            self.collect = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row":
            self.row += 1
            self.col_ref, self.col_extra = None, 0

    def data(self, text: str) -> None:
        if not self.collect or self.phonetic:
            return
        self.chars += len(text)
        if not self.value_nonblank and text.strip():
            self.value_nonblank = True
        if self.cell_type == "s" and len(self.index_text) < 4:
            self.index_text.append(text)
        if self.chars > EXCEL_MAX_CELL_CHARS:
            address = cell_address(*self.cell) if self.cell else ""
            raise InputRefused(
                Code.CELL_TOO_LONG,
                sheet=self.sheet,
                cell=address,
                column=f"{self.sheet}!{address}",
                length=f"{EXCEL_MAX_CELL_CHARS:,}超",
                limit=f"{EXCEL_MAX_CELL_CHARS:,}",
                severity=Severity.ERROR,
            )

    def _open_row(self, attrs: dict[str, str]) -> None:
        number = attrs.get("r")
        if number is not None:
            if not (number.isdigit() and len(number) <= 7 and int(number) > 0):
                raise InputRefused(Code.FILE_UNREADABLE, reason=f"行番号が不正です（{self.sheet}: {number[:20]}）")
            self.row = int(number) - 1
        self.col_ref, self.col_extra = None, 0
        hidden = attrs.get("hidden") in _TRUE or _zero(attrs.get("ht"))
        if hidden and self.row < self.limits.max_rows:
            self.parts.hidden_rows.add(self.row + 1)

    def _hide_columns(self, attrs: dict[str, str]) -> None:
        if not (attrs.get("hidden") in _TRUE or _zero(attrs.get("width"))):
            return
        first, last = attrs.get("min", ""), attrs.get("max", "")
        if not (first.isdigit() and last.isdigit() and len(first) <= 5 and len(last) <= 5):
            return
        low, high = max(1, int(first)), min(_MAX_COLUMN, int(last))
        if low <= high:
            self.parts.hidden_columns |= ((1 << (high - low + 1)) - 1) << low

    def _position(self, attrs: dict[str, str]) -> tuple[int, int]:
        """The 1-based (row, column) calamine gives this cell: its own reference, or the counters."""
        ref = attrs.get("r")
        if ref is not None:
            return self._parse(ref)
        column = self._parse(self.col_ref)[1] if self.col_ref is not None else 0
        return self.row + 1, column + self.col_extra + 1

    def _parse(self, ref: str) -> tuple[int, int]:
        match = _CELL_REF.match(ref)
        if match is None or int(match.group(2)) == 0:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"セル番地が不正です（{self.sheet}: {ref[:20]}）")
        return int(match.group(2)), _column_number(match.group(1))

    def _open_value(self) -> None:
        """A <v> or <is> opened: place the cell now, so text limits can name it."""
        if self.cell is None and self.attrs is not None:
            self.cell = self._position(self.attrs)
            self.cell_type = self.attrs.get("t", "")
            self.chars = 0
            self.index_text.clear()

    def _close_cell(self) -> None:
        attrs = self.attrs or {}
        self.attrs = None
        cell, self.cell = self.cell, None
        self.collect = False
        if self.has_value or self.has_formula:
            if cell is None:
                cell = self._position(attrs)
                self.cell_type, self.chars = attrs.get("t", ""), 0
                self.index_text.clear()
            self._filled(*cell, attrs)
        ref = attrs.get("r")
        if ref is not None:
            self.col_ref, self.col_extra = ref, 1
        else:
            self.col_extra += 1

    def _filled(self, row: int, col: int, attrs: dict[str, str]) -> None:
        """A cell calamine will keep: check the limits and note what the reader needs."""
        self._place(row, col)
        if self.cell_type == "s":
            chars = self._shared_length()
        else:
            chars = self.chars if self.cell_type in ("str", "inlineStr", "is", "e") else 0
        self.budget.spend(self.sheet, cell_address(row, col), chars)
        if self.has_formula and not self.value_nonblank:
            self._mark(self.parts.formula_masks, row, col)
        style = attrs.get("s")
        if self.percent_styles and style and style.isdigit() and len(style) <= 9 and int(style) in self.percent_styles:
            self._mark(self.parts.percent_masks, row, col)

    def _place(self, row: int, col: int) -> None:
        """Count a cell holding a value; refuse once the sheet's rectangle passes a limit."""
        parts = self.parts
        parts.cells += 1
        if row > self.limits.max_rows:
            raise InputRefused(
                Code.TOO_MANY_ROWS,
                sheet=self.sheet,
                cell=cell_address(row, col),
                row=f"{row:,}",
                limit=f"{self.limits.max_rows:,}",
            )
        parts.max_row = max(parts.max_row, row)
        parts.max_column = max(parts.max_column, col)
        area = parts.max_row * parts.max_column
        if area > self.limits.max_cells:
            raise InputRefused(
                Code.TOO_MANY_CELLS,
                sheet=self.sheet,
                cell=cell_address(row, col),
                what="セル（A1から最も遠い値までの範囲）",
                count=f"{area:,}",
                limit=f"{self.limits.max_cells:,}",
            )

    def _shared_length(self) -> int:
        text = "".join(self.index_text).strip()
        if not text.isdigit() or len(text) > 10:
            return 0
        index = int(text)
        return self.strings[index] if index < len(self.strings) else 0

    def _mark(self, masks: dict[int, int], row: int, col: int) -> None:
        if row <= self.limits.max_rows and col <= _MAX_COLUMN:
            masks[row] = masks.get(row, 0) | (1 << col)


def _first_cell(ref: str) -> str:
    """'T5:U5' → 'T5' ('' unless it is a plain A1 address)."""
    match = _CELL_REF.match(ref.partition(":")[0])
    return f"{match.group(1).upper()}{match.group(2)}" if match else ""


def _zero(value: str | None) -> bool:
    if value is None:
        return False
    try:
        return float(value) == 0
    except ValueError:
        return False


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number

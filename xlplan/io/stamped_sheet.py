"""XlsxWriter worksheets that stamp rows rendered once instead of writing them cell by cell.

A city writes hundreds of section workbooks at once, and much of each is alike: the empty
input rows differ only in their row number, and the 入力チェック sheet only in the extents of
the tables and the section's name inside its formulas. Passing those cells through XlsxWriter
one by one (checks, a dynamic-function regex per formula, XML per cell) was most of the cost
of a workbook. Instead:

- `StampedWorksheet.stamp` repeats one rendered row down a range, row number by row number;
- `render_rows` lets XlsxWriter draw a whole sheet's cells once into a scratch workbook, with
  marks where the workbook's own values go, and cuts the XML at those marks and at each cell's
  style and shared-string index; `StampedWorksheet.stamp_rows` fills the holes for one
  workbook. The strings enter the workbook's shared strings and the styles get their indices
  in the order XlsxWriter itself would have used, so the file is the one the cell-by-cell
  drawing writes, byte for byte (tests/test_section_writer.py compares both).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from xlsxwriter.format import Format
from xlsxwriter.worksheet import CellFormulaTuple

from .xlsxwriter_text import TextWorkbook, TextWorksheet

__all__ = ["SENTINEL_ROW", "RenderedRows", "StampedWorkbook", "StampedWorksheet", "render_rows", "render_validations"]

SENTINEL_ROW = 1_048_576  # Excel's last row: never a data row, so its digits mark "this row" in a stamp


@dataclass(frozen=True, slots=True)
class RenderedRows:
    """A sheet's <row> elements as XlsxWriter rendered them, cut where one workbook differs
    from another. `pieces` alternates literal XML and holes (odd indices); each hole is filled
    with a format's style index (`styles`: format key → its holes, in order of first use), a
    shared string's index (`strings`: string → its holes, in the order the strings were first
    written) or a value's text (`values`: name → its holes)."""

    pieces: tuple[str, ...]
    styles: Mapping[tuple, tuple[int, ...]]
    strings: Mapping[str, tuple[int, ...]]
    values: Mapping[str, tuple[int, ...]]
    dimensions: tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


class StampedWorksheet(TextWorksheet):
    """A worksheet that appends pre-rendered rows after the rows XlsxWriter holds."""

    def __init__(self) -> None:
        super().__init__()
        self._stamped: list[str | Callable[[], str]] = []
        self._validations_xml: str | None = None

    def stamp(self, first_row: int, last_row: int, rows_xml: tuple[str, str], width: int) -> None:
        """Append rows `first_row`..`last_row` (1-based) from `rows_xml`: the first row's XML and
        every further row's, with `SENTINEL_ROW` standing for the row's own number.
        They must lie below every row written the usual way."""
        if first_row > last_row:
            return
        first, further = (xml.split(str(SENTINEL_ROW)) for xml in rows_xml)
        self._stamped.append(str(first_row).join(first))
        self._stamped.extend(str(row).join(further) for row in range(first_row + 1, last_row + 1))
        self._check_dimensions(last_row - 1, width - 1)  # the <dimension> covers the stamped rows

    def stamp_rows(self, rows: RenderedRows, formats: Iterable[Format], values: Mapping[str, str]) -> None:
        """Stamp every cell of a sheet from `rows` (the sheet holds no other cell).

        :param rows: the sheet's rows as `render_rows` rendered them.
        :param formats: this workbook's formats the cells use (matched by their properties).
        :param values: each value's text as it goes into the formulas (XML-escaped here).
        """
        pieces = list(rows.pieces)
        index = self.str_table._get_shared_string_index
        for string, holes in rows.strings.items():  # indexed and counted as XlsxWriter does when written
            for hole in holes:
                pieces[hole] = str(index(string))
        for name, holes in rows.values.items():
            text = escape(values[name])
            for hole in holes:
                pieces[hole] = text
        by_key = {f._get_format_key(): f for f in formats}
        styles = [(by_key[key], holes) for key, holes in rows.styles.items()]

        def render() -> str:
            # style indices are handed out as the sheets are written, in the order of first use
            for style, holes in styles:
                text = str(style._get_xf_index())
                for hole in holes:
                    pieces[hole] = text
            return "".join(pieces)

        self._stamped.append(render)
        first_row, first_col, last_row, last_col = rows.dimensions
        self._check_dimensions(first_row, first_col)
        self._check_dimensions(last_row, last_col)

    def stamp_validations(self, xml: str) -> None:
        """Take the sheet's data validations from `xml`, as `render_validations` rendered them."""
        self._validations_xml = xml

    def _write_data_validations(self) -> None:
        if self._validations_xml is None:
            super()._write_data_validations()
        else:
            self.fh.write(self._validations_xml)

    def _write_rows(self) -> None:
        super()._write_rows()
        self.fh.write("".join(part if isinstance(part, str) else part() for part in self._stamped))

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0) -> int:
        # Our formulas use Excel 2010 functions only: no dynamic array to detect (a regular
        # expression over the whole formula, a tenth of a pre-filled workbook's time) and
        # nothing to prefix with _xlfn. (XlsxWriter's ~150 more in _prepare_formula).
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellFormulaTuple(formula.removeprefix("="), cell_format, value)
        return 0

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # the same for the array formulas and the conditional formats' criteria
        return formula.removeprefix("=")


class StampedWorkbook(TextWorkbook):
    """A `TextWorkbook` whose worksheets are `StampedWorksheet`s."""

    worksheet_class = StampedWorksheet


_CELL_OR_MARK = r'<c r="[A-Z]+[0-9]+"(?: s="(?P<xf>[0-9]+)")?(?: t="s"><v>(?P<sst>[0-9]+)</v>)?|(?P<mark>{marks})'


def render_rows(draw: Callable[[StampedWorkbook, StampedWorksheet], None], marks: Mapping[str, str]) -> RenderedRows:
    """Draw a sheet's cells with XlsxWriter once, into a scratch workbook, and cut its rows' XML
    at every cell's style and shared string and at every mark.

    :param draw: draws the cells (and only those count) on the sheet of the workbook given.
    :param marks: each value's name → the text standing for it while drawing; it must appear
        nowhere else in the cells (a private-use character, or digits no formula holds).
    """
    workbook = StampedWorkbook(io.BytesIO(), {"in_memory": True})
    sheet = workbook.add_worksheet()
    draw(workbook, sheet)
    if sheet._stamped:
        raise ValueError("render_rows draws the cells one by one: nothing may be stamped")
    buffer = io.StringIO()
    sheet._set_filehandle(buffer)
    sheet._write_rows()
    xml = buffer.getvalue()
    formats = {f.xf_index: f._get_format_key() for f in workbook.formats if f.xf_index is not None}
    written = sheet.str_table.string_table  # string → index: the order of the first writes
    strings = {index: string for string, index in written.items()}
    names = {text: name for name, text in marks.items()}
    alternatives = "|".join(rf"(?<![0-9]){re.escape(text)}(?![0-9])" for text in marks.values())
    pattern = re.compile(_CELL_OR_MARK.format(marks=alternatives or "(?!)"))
    pieces: list[str] = []
    styles: dict[tuple, list[int]] = {}
    shared: dict[str, list[int]] = {string: [] for string in sorted(strings.values(), key=written.get)}
    holes: dict[str, list[int]] = {}
    done = 0
    for match in pattern.finditer(xml):
        for group in ("xf", "sst", "mark"):
            if (text := match.group(group)) is None:
                continue
            pieces += [xml[done : match.start(group)], text]
            done = match.end(group)
            hole = len(pieces) - 1
            if group == "xf":
                styles.setdefault(formats[int(text)], []).append(hole)
            elif group == "sst":
                shared[strings[int(text)]].append(hole)
            else:
                holes.setdefault(names[text], []).append(hole)
    pieces.append(xml[done:])
    if missing := set(marks) - set(holes):
        raise ValueError(f"render_rows: the cells drawn hold no mark of {sorted(missing)}")
    dimensions = (sheet.dim_rowmin, sheet.dim_colmin, sheet.dim_rowmax, sheet.dim_colmax)
    return RenderedRows(
        tuple(pieces),
        {key: tuple(at) for key, at in styles.items()},
        {string: tuple(at) for string, at in shared.items()},
        {name: tuple(at) for name, at in holes.items()},
        dimensions,
    )


def render_validations(add: Callable[[StampedWorksheet], None]) -> str:
    """The <dataValidations> element XlsxWriter writes for the validations `add` puts on a sheet
    (for `StampedWorksheet.stamp_validations`: validations hold no style or shared string)."""
    sheet = StampedWorkbook(io.BytesIO(), {"in_memory": True}).add_worksheet()
    add(sheet)
    buffer = io.StringIO()
    sheet._set_filehandle(buffer)
    sheet._write_data_validations()
    return buffer.getvalue()

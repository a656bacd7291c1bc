"""XlsxWriter worksheets that write their finished rows out as they go, keeping shared strings.

XlsxWriter keeps every cell of a sheet in memory until the workbook closes (a tuple per cell,
a dict per row, a row-height record per `set_row`, a dict entry per merged cell): the master
of 10,000 sections held most of a gigabyte that way. Its `constant_memory` mode writes rows
as it goes but changes the file: every text becomes an inline string escaped per cell (a
fifth slower than shared strings here), rows that only have a height are dropped, and charts
lose their cached values.

`StreamedWorksheet` writes the XML of its rows to a temporary file once the writer has moved
`CHUNK_ROWS` rows past them, exactly as XlsxWriter would have written them at close (same
elements, attributes, spans and shared-string indexes), then forgets them. A sheet never
that long is written by XlsxWriter itself. Writing to a row already written out raises
`RowAlreadyWritten` rather than losing the cell. Only the numbering of the cell formats
(their order in the styles part, which XlsxWriter gives as it first writes each) can differ.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from array import array
from collections.abc import Callable, Iterator
from typing import IO, Any

from .xlsxwriter_text import TextWorkbook, TextWorksheet

__all__ = ["CHUNK_ROWS", "RowAlreadyWritten", "StreamedWorkbook", "StreamedWorksheet"]

CHUNK_ROWS = 256  # rows written out at a time; a multiple of 16, XlsxWriter's span block
_SPAN_BLOCK = 16


class RowAlreadyWritten(RuntimeError):
    """A cell, row height or merge was given for a row already written out (a writer bug)."""


class _Ranges:
    """XlsxWriter's list of merged ranges ([first_row, first_col, last_row, last_col] each),
    kept as four unsigned ints per range instead of a list of four objects."""

    def __init__(self) -> None:
        self._values = array("I")

    def append(self, merged_range: list[int]) -> None:
        self._values.extend(merged_range)

    def __len__(self) -> int:
        return len(self._values) // 4

    def __bool__(self) -> bool:
        return bool(self._values)

    def __iter__(self) -> Iterator[list[int]]:
        values = self._values
        for start in range(0, len(values), 4):
            yield values[start : start + 4].tolist()


class _Rows(dict):
    """XlsxWriter's cell table (row → {col: cell}); a row met for the first time is announced
    to the sheet, which may write older rows out first (once per row, not per cell)."""

    def __init__(self, on_new_row: Callable[[int], None]) -> None:
        super().__init__()
        self._on_new_row = on_new_row

    def __missing__(self, row: int) -> dict[int, Any]:
        self._on_new_row(row)
        cells: dict[int, Any] = {}
        self[row] = cells
        return cells


class StreamedWorksheet(TextWorksheet):
    """A `TextWorksheet` that writes rows out `CHUNK_ROWS` behind the furthest row written.

    Rows must be written (roughly) in order: a cell or row height more than `CHUNK_ROWS` rows
    above the furthest row may meet a row already written out, and raises `RowAlreadyWritten`.
    Holds no charts, images or comments placed over rows written out (their position needs
    the row heights, which are forgotten with the rows).
    """

    def _initialize(self, init_data: dict[str, Any]) -> None:
        super()._initialize(init_data)
        self.table = _Rows(self._new_row)
        self.merge = _Ranges()
        self._spill: IO[bytes] | None = None  # the XML of the rows written out so far, UTF-8
        self._written_to = 0  # rows below this one are written out

    def _new_row(self, row: int) -> None:
        if row < self._written_to:
            raise RowAlreadyWritten(f"{self.name}: row {row + 1} was already written out")
        if row >= self._written_to + 2 * CHUNK_ROWS:
            self._write_out(row // _SPAN_BLOCK * _SPAN_BLOCK - CHUNK_ROWS)

    def set_row_pixels(self, row: int, *args: Any, **kwargs: Any) -> Any:
        """`Worksheet.set_row_pixels` (every `set_row` comes here), refused for a row written out."""
        if row < self._written_to:
            raise RowAlreadyWritten(f"{self.name}: row {row + 1} was already written out")
        return super().set_row_pixels(row, *args, **kwargs)

    def _write_out(self, end: int) -> None:
        """Append rows `_written_to` .. `end` - 1 (a multiple of 16) to the spill file, then forget them."""
        if self._spill is None:  # open until copied into the sheet; deleted when closed (at once on POSIX)
            self._spill = tempfile.TemporaryFile(dir=self.tmpdir)  # noqa: SIM115
        xml = io.StringIO()  # one encode per chunk: a text file over a read-write file is slow per write
        self._write_rows_to(xml, end)
        self._spill.write(xml.getvalue().encode("utf-8"))

    def _write_rows_to(self, target: IO[str], end: int) -> None:
        """Write rows `_written_to` .. `end` - 1 to `target` as XlsxWriter's `_write_rows` would, then forget them."""
        start = self._written_to
        if self.dim_rowmin is not None:
            sheet_file, self.fh = self.fh, target
            try:
                for block in range(start, end, _SPAN_BLOCK):
                    self._write_block(block, block + _SPAN_BLOCK)
            finally:
                self.fh = sheet_file
        for row in range(start, end):
            self.table.pop(row, None)
            self.row_info.pop(row, None)
            self.row_sizes.pop(row, None)
        self.merged_cells = {cell: name for cell, name in self.merged_cells.items() if cell[0] >= end}
        self._written_to = end

    def _write_block(self, start: int, end: int) -> None:
        """Rows `start` .. `end` - 1, one span block, as XlsxWriter's `_write_rows` writes them."""
        first, last = max(start, self.dim_rowmin), min(end, self.dim_rowmax + 1)
        table, comments = self.table, self.comments
        columns = [col for row in range(first, last) for col in (*table.get(row, ()), *comments.get(row, ()))]
        span = f"{min(columns) + 1}:{max(columns) + 1}" if columns else None
        for row in range(first, last):
            cells = table.get(row)
            info = self.row_info.get(row)
            if cells:
                self._write_row(row, span, info)
                for col in sorted(cells):
                    self._write_cell(row, col, cells[col])
                self._xml_end_tag("row")
            elif info is not None or row in comments:
                self._write_empty_row(row, span, info)

    def _write_sheet_data(self) -> None:
        if self.dim_rowmin is None:
            super()._write_sheet_data()  # an empty <sheetData/>
            return
        self._xml_start_tag("sheetData")
        if self._spill is not None:
            self._spill.seek(0)
            written = io.TextIOWrapper(self._spill, encoding="utf-8", newline="")
            shutil.copyfileobj(written, self.fh)
            written.close()  # and the spill file with it
            self._spill = None
        self._write_rows_to(self.fh, -(-(self.dim_rowmax + 1) // _SPAN_BLOCK) * _SPAN_BLOCK)
        self._xml_end_tag("sheetData")

    def _size_row(self, row: int, anchor: int = 0) -> Any:
        if row < self._written_to:  # its height is forgotten: an object placed here would move
            raise RowAlreadyWritten(f"{self.name}: row {row + 1} was written out; nothing can be placed over it")
        return super()._size_row(row, anchor)

    def _get_range_data(self, row_start: int, col_start: int, row_end: int, col_end: int) -> Any:
        if row_start < self._written_to:  # a chart's cached values would be missing
            raise RowAlreadyWritten(f"{self.name}: row {row_start + 1} was written out; a chart cannot cache it")
        return super()._get_range_data(row_start, col_start, row_end, col_end)


class StreamedWorkbook(TextWorkbook):
    """A `TextWorkbook` of `StreamedWorksheet`s."""

    worksheet_class = StreamedWorksheet

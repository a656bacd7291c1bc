"""An XlsxWriter workbook that writes every text as text, whatever it looks like.

XlsxWriter marks its own rich strings by their form: a string that starts with ``<r>`` and
ends with ``</r>`` is copied into the sheet XML unescaped. Text a section typed in that form
(``<r><t>x</t></r></si><si>…``) would then break the master open, or shift every shared
string after it so that cells silently show other cells' text. `TextWorkbook` writes such
text as a rich string of plain runs instead: XlsxWriter escapes each run, and the cell
holds exactly the text that was typed.

A file name the OS gave us that is not UTF-8 (``bad\xff.xlsx`` from an old Windows zip tool,
held as surrogate escapes) cannot be encoded into the XML: it is written with � instead.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..errors import shown_text

__all__ = ["TextWorkbook", "TextWorksheet"]

_RICH_START, _RICH_END = "<r>", "</r>"


class TextWorksheet(Worksheet):
    """A worksheet whose string cells never pass through as XML."""

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        # Every string write (write, write_string, merge_range, write_row...) comes through here.
        string = shown_text(string)
        if string.startswith(_RICH_START) and string.endswith(_RICH_END):
            # three plain runs ("<", "r", ">…</r>"; XlsxWriter wants more than two), each escaped
            runs: list[Any] = [string[:1], string[1:2], string[2:]]
            return self.write_rich_string(row, col, *runs, *([cell_format] if cell_format else []))
        return super()._write_string(row, col, string, cell_format)


class TextWorkbook(Workbook):
    """`xlsxwriter.Workbook` whose worksheets are `TextWorksheet`s."""

    worksheet_class = TextWorksheet

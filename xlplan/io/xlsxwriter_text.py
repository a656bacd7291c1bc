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

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.appearance import FONT_NAME, FONT_SIZE
from ..errors import shown_text

__all__ = ["TextWorkbook", "TextWorksheet", "collector_paused"]

_RICH_START, _RICH_END = "<r>", "</r>"


class TextWorksheet(Worksheet):
    """A worksheet whose string cells never pass through as XML, and whose data validations
    may set the Japanese IME mode (`data_validation(..., {"ime_mode": "off"})`, Excel's imeMode)."""

    def data_validation(self, first_row: int, first_col: int, last_row: int, last_col: int, options: Any = None) -> int:
        options = dict(options or {})
        ime_mode = options.pop("ime_mode", None)
        result = super().data_validation(first_row, first_col, last_row, last_col, options)
        if ime_mode and result == 0:
            self.validations[-1]["ime_mode"] = ime_mode
        return result

    def _write_data_validation(self, options: Any) -> None:
        self._ime_mode = options.get("ime_mode")
        try:
            super()._write_data_validation(options)
        finally:
            self._ime_mode = None

    def _xml_start_tag(self, tag: str, attributes: Any = None) -> None:
        super()._xml_start_tag(tag, self._with_ime(tag, attributes))

    def _xml_empty_tag(self, tag: str, attributes: Any = None) -> None:
        super()._xml_empty_tag(tag, self._with_ime(tag, attributes))

    def _with_ime(self, tag: str, attributes: Any) -> Any:
        # XlsxWriter has no imeMode; it is one more attribute of <dataValidation>
        if tag == "dataValidation" and getattr(self, "_ime_mode", None):
            return [*(attributes or []), ("imeMode", self._ime_mode)]
        return attributes if attributes is not None else []

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        # Every string write (write, write_string, merge_range, write_row...) comes through here.
        string = shown_text(string)
        if string.startswith(_RICH_START) and string.endswith(_RICH_END):
            # three plain runs ("<", "r", ">…</r>"; XlsxWriter wants more than two), each escaped
            runs: list[Any] = [string[:1], string[1:2], string[2:]]
            return self.write_rich_string(row, col, *runs, *([cell_format] if cell_format else []))
        return super()._write_string(row, col, string, cell_format)


class TextWorkbook(Workbook):
    """`xlsxwriter.Workbook` whose worksheets are `TextWorksheet`s, every cell in the one
    Japanese font (`core.appearance.FONT_NAME`) unless a format says otherwise."""

    worksheet_class = TextWorksheet

    def __init__(self, filename: Any = None, options: dict[str, Any] | None = None) -> None:
        options = dict(options or {})
        options.setdefault("default_format_properties", {"font_name": FONT_NAME, "font_size": FONT_SIZE})
        super().__init__(filename, options)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a workbook is drawn, restoring its state after.

    XlsxWriter makes a tuple per cell and a few per row, tens of thousands a section workbook and
    millions for the master of 10,000 sections, nearly none in a reference cycle: the
    collector's passes over them (and over whatever the caller holds) were a tenth of a section
    workbook's time and a third of the master's write. Its few cycles are collected once the
    collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

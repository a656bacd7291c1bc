"""The one Japanese font for the workbooks openpyxl writes (changes workbook, 改訂資料, the
reference section writer), as `xlsxwriter_text.TextWorkbook` gives it to XlsxWriter's."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList

from ..core.appearance import FONT_NAME, FONT_SIZE

__all__ = ["font", "japanese_workbook"]


def font(**properties: Any) -> Font:
    """An openpyxl Font in the one font (`core.appearance.FONT_NAME`), with `properties` (bold, colour…)."""
    return Font(name=FONT_NAME, size=properties.pop("size", FONT_SIZE), **properties)


def japanese_workbook() -> Workbook:
    """A new openpyxl workbook whose default cell font is the one font (every unstyled cell too)."""
    workbook = Workbook()
    # openpyxl has no setter for the default font: it is font 0 of the style table, still alone here
    workbook._fonts = IndexedList([font()])
    return workbook

"""How text and columns measure on screen and on A4: wrapped lines, row heights, print scale.

Pure arithmetic the writers share, so that every workbook wraps, sizes its rows and picks its
print scale the same way (and the tests check the same estimate). Widths are in Excel's column
units (one unit: one half-width digit); a full-width character (Japanese) counts two.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "LINE_HEIGHT",
    "MAX_ROW_HEIGHT",
    "MIN_PRINT_SCALE",
    "PRINTABLE_WIDTH",
    "ROW_PADDING",
    "PrintFit",
    "column_points",
    "line_count",
    "pages_across",
    "print_fit",
    "row_height",
    "text_width",
]

LINE_HEIGHT = 16.5  # points per wrapped line of 11-point Japanese text (Noto CJK in LibreOffice draws ~16)
ROW_PADDING = 3.0  # points above and below the lines
MAX_ROW_HEIGHT = 409.0  # Excel's limit
MIN_PRINT_SCALE = 60  # percent: below this A4 print is unreadable; split across pages instead
# A4 landscape (297 mm) less 2 × 0.4 inch margins, in points; portrait 210 mm likewise
PRINTABLE_WIDTH = {True: 297 / 25.4 * 72 - 2 * 0.4 * 72, False: 210 / 25.4 * 72 - 2 * 0.4 * 72}
DIGIT_PIXELS = 8  # BIZ UDPゴシック, Meiryo, Noto Sans CJK JP at 11 pt
_CELL_MARGIN = 1  # a unit of each column is the cell's inner margin, not text


def text_width(text: str) -> int:
    """The width of one line of text in column units: full-width (Japanese) characters count two."""
    if text.isascii():
        return len(text)  # no full-width character: one unit each
    return _wide_text_width(text)


@functools.lru_cache(maxsize=16384)
def _wide_text_width(text: str) -> int:
    # the writers measure the same names and labels on every sheet and card: each text once
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def line_count(text: object, width: float) -> int:
    """How many lines `text` takes when wrapped in a column `width` units wide (at least 1)."""
    usable = max(1.0, width - _CELL_MARGIN)
    lines = str(text if text is not None else "").split("\n")
    # a line of n characters is at most 2n units wide: one that fits even then is not measured
    return sum(1 if 2 * len(line) <= usable else max(1, math.ceil(text_width(line) / usable)) for line in lines)


def row_height(cells: Iterable[tuple[object, float]], *, minimum: float = LINE_HEIGHT + ROW_PADDING) -> float:
    """The height in points a row needs for its wrapped cells, given as (text, column width)."""
    lines = max((line_count(text, width) for text, width in cells if text not in (None, "")), default=1)
    return min(MAX_ROW_HEIGHT, max(minimum, lines * LINE_HEIGHT + ROW_PADDING))


def column_points(width: float) -> float:
    """A column's width in points: a unit is the default font's widest digit, 8 pixels for an
    11-point Japanese font (7 for Calibri), plus 5 pixels of padding, at 96 dpi."""
    return (width * DIGIT_PIXELS + 5) * 0.75


@dataclass(frozen=True, slots=True)
class PrintFit:
    """How a sheet prints across A4: fitted one page wide, or at a fixed scale over several pages."""

    landscape: bool
    fit_to_width: bool  # True: Excel scales to one page wide (to `scale` % by this estimate)
    scale: int  # percent, >= MIN_PRINT_SCALE
    pages_across: int


def print_fit(widths: Sequence[float], *, title_widths: Sequence[float] = (), landscape: bool = True) -> PrintFit:
    """Choose how a sheet of these column widths prints on A4.

    One page wide when that keeps the scale at `MIN_PRINT_SCALE` % or more; otherwise as few
    pages across as that scale allows (columns are not split; each page repeats the title
    columns), at the largest scale that still needs no more pages.
    """
    printable = PRINTABLE_WIDTH[landscape]
    points = [column_points(w) for w in widths if w]
    total = sum(points)
    whole = math.floor(100 * printable / total) if total else 100
    if whole >= MIN_PRINT_SCALE:
        return PrintFit(landscape, True, min(100, whole), 1)
    titles = [column_points(w) for w in title_widths if w]
    body = points[len(titles) :]
    fewest = pages_across(body, sum(titles), 100 * printable / MIN_PRINT_SCALE)
    scale = next(
        s for s in range(100, MIN_PRINT_SCALE - 1, -1) if pages_across(body, sum(titles), 100 * printable / s) <= fewest
    )
    return PrintFit(landscape, False, scale, fewest)


def pages_across(body: Sequence[float], titles: float, capacity: float) -> int:
    """Pages across for columns of `body` points each, whole columns per page, `titles` points
    repeated on every page, `capacity` points a page (at 100 %)."""
    pages, used = 1, titles
    for width in body:
        if used + width > capacity and used > titles:
            pages, used = pages + 1, titles
        used += width
    return pages

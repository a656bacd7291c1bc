"""The one font and the one grade palette of every output: workbooks, charts and the HTML report.

Declared once here, so a section workbook, the master's charts, the conditional formats and
the council report never disagree. The palette is Okabe–Ito's (colour-blind safe: blue to
orange, no red/green pair), and every output prints the grade letter beside the colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["FONT_FAMILY", "FONT_NAME", "FONT_SIZE", "GRADE_INK", "GRADE_PALETTE", "grade_colours"]

# The font every workbook declares. Windows 10 (1809) and later ship BIZ UDPゴシック (a
# universal-design Japanese font); where it is missing Excel and LibreOffice substitute a
# Japanese font (Meiryo, Noto Sans CJK JP) rather than a Latin one.
FONT_NAME = "BIZ UDPゴシック"
FONT_SIZE = 11
# The same choice for the HTML report, with the fallbacks a browser tries in order.
FONT_FAMILY = (FONT_NAME, "BIZ UDPGothic", "Meiryo", "メイリオ", "Yu Gothic", "Hiragino Sans", "Noto Sans CJK JP")

# grade → fill colour (RRGGBB), good to bad; then the two "no grade" greys of the charts
GRADE_PALETTE: Mapping[str, str] = MappingProxyType(
    {
        "A": "0072B2",  # blue
        "B": "56B4E9",  # sky blue
        "C": "E69F00",  # orange
        "D": "D55E00",  # vermillion
        "評価対象外": "BFBFBF",
        "判定不可": "7F7F7F",
    }
)
# grade → text colour on its fill (contrast for the letter printed on it)
GRADE_INK: Mapping[str, str] = MappingProxyType(
    {"A": "FFFFFF", "B": "000000", "C": "000000", "D": "FFFFFF", "評価対象外": "000000", "判定不可": "FFFFFF"}
)


def grade_colours(prefix: str = "") -> dict[str, str]:
    """The A–D fills as a dict, each colour with `prefix` ("#" for XlsxWriter and HTML)."""
    return {grade: prefix + GRADE_PALETTE[grade] for grade in "ABCD"}

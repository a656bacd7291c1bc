"""Every look of the section workbook in one table: colours, fonts, fills, borders, formats.

A role ("input text", "header", "grade A" …) names what a cell is for; `CELL_STYLES` and
`RULE_STYLES` say how it looks, in XlsxWriter's format properties. The section writer draws
with them; the openpyxl drawings (the changes workbook, the graded copy) take their colours
from the constants here, so a colour changes in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..core.appearance import FONT_SIZE, GRADE_INK, grade_colours
from ..core.layout import Column, Kind
from ..core.print_metrics import row_height

__all__ = [
    "BANNER_COLOUR",
    "BORDER_COLOUR",
    "CELL_STYLES",
    "COMPUTED_COLOUR",
    "COMPUTED_HEADER_COLOUR",
    "CO_OWNED_COLOUR",
    "GRADE_COLOURS",
    "HEADER_COLOUR",
    "HEADER_HEIGHT",
    "INPUT_COLOUR",
    "MISMATCH_COLOUR",
    "MISMATCH_FONT_COLOUR",
    "MISSING_COLOUR",
    "RULE_STYLES",
    "TITLE_SIZE",
    "WRAPPED_KINDS",
    "banner_height",
    "co_owner_label",
    "co_owner_of",
    "computed_role",
    "ime_mode",
    "input_role",
    "number_format",
]

INPUT_COLOUR = "FFF9E5"  # pale yellow: "type here"
HEADER_COLOUR = "1F4E78"
COMPUTED_HEADER_COLOUR = "385723"  # dark green: "computed for you"
COMPUTED_COLOUR = "EDEDED"  # grey: locked, nothing to type
CO_OWNED_COLOUR = "D9D9D9"  # darker grey: another section's measure, locked
GRADE_COLOURS: Mapping[str, str] = MappingProxyType(grade_colours())  # the one palette (core.appearance)
MISMATCH_COLOUR = "FF7C80"  # 自己評価との差異: 要確認
MISMATCH_FONT_COLOUR = "9C0006"
MISSING_COLOUR = "F8CBAD"  # required but empty
BANNER_COLOUR = "1F4E78"
BORDER_COLOUR = "BFBFBF"
TITLE_SIZE, BANNER_SIZE = 14, 12
WRAPPED_KINDS = (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE)  # input text wraps in its column, the row grows to fit
HEADER_HEIGHT = 36  # points: at least two lines of header text
# Japanese IME per kind: off where digits and IDs are typed (full-width digits are not numbers
# to the grade formulas), on (ひらがな) for Japanese text; dropdowns are left alone.
_IME_OFF = (Kind.NUMBER, Kind.AMOUNT, Kind.MONTH, Kind.FISCAL_YEAR)
_NUMBER_FORMATS: Mapping[Kind, str] = MappingProxyType(
    {Kind.AMOUNT: "#,##0", Kind.NUMBER: "General", Kind.MONTH: 'yyyy"年"m"月"', Kind.TEXT: "@"}
)


def number_format(kind: Kind) -> str:
    """The number format of an input cell of this kind ("@": typed text stays text)."""
    return _NUMBER_FORMATS.get(kind, "General")


def ime_mode(column: Column) -> str | None:
    """Excel's imeMode for the column's input cells ("off", "hiragana"), or None to leave it be."""
    if column.computed or column.kind is Kind.CHOICE:
        return None
    if column.kind in _IME_OFF or column.is_id:
        return "off"
    return "hiragana"


def co_owner_of(record: Mapping[str, object], section: str) -> str | None:
    """The primary owner when a pre-filled 施策 row is another section's measure (a reference
    row this section only co-owns), else None."""
    primary = record.get("primary_section")
    if section and isinstance(primary, str) and primary and primary != section:
        return primary
    return None


def co_owner_label(primary: str) -> str:
    """What a co-owned row says where its grade reason would be."""
    return f"主担当: {primary}が報告"


def banner_height(text: str, width: float, size: float = BANNER_SIZE) -> float:
    """The height of a banner or title row: its text (`size` points) wrapped over `width` units."""
    return row_height([(text, width * FONT_SIZE / size)]) * size / FONT_SIZE


def input_role(column: Column) -> str:
    """The role of a column's input cells in `CELL_STYLES`."""
    return f"input {column.kind.value}"


def computed_role(column: Column) -> str:
    """The role of a formula column's cells in `CELL_STYLES` (reasons wrap)."""
    return "computed wrapped" if column.field.endswith("reason") else "computed"


def _hex(colour: str) -> str:
    return f"#{colour}"


_BORDER: dict[str, Any] = {"border": 1, "border_color": _hex(BORDER_COLOUR)}
_HEADER: dict[str, Any] = {
    "bold": True,
    "font_color": "#FFFFFF",
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
    **_BORDER,
}
_INPUT: dict[str, Any] = {"locked": False, "bg_color": _hex(INPUT_COLOUR), **_BORDER}
_COMPUTED: dict[str, Any] = {"locked": True, "bg_color": _hex(COMPUTED_COLOUR), "valign": "top", **_BORDER}

# role → XlsxWriter format properties of a cell
CELL_STYLES: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "banner": {
            "bold": True,
            "size": BANNER_SIZE,
            "font_color": _hex(BANNER_COLOUR),
            "text_wrap": True,
            "valign": "top",
        },
        "header": {**_HEADER, "bg_color": _hex(HEADER_COLOUR)},
        "computed header": {**_HEADER, "bg_color": _hex(COMPUTED_HEADER_COLOUR)},
        **{
            f"input {kind.value}": {
                **_INPUT,
                "num_format": number_format(kind),
                **({"text_wrap": True, "valign": "top"} if kind in WRAPPED_KINDS else {}),
            }
            for kind in Kind
        },
        "computed": _COMPUTED,
        "computed wrapped": {**_COMPUTED, "text_wrap": True},
        "co-owned": {**_COMPUTED, "bg_color": _hex(CO_OWNED_COLOUR), "text_wrap": True},
        "co-owned label": {**_COMPUTED, "bg_color": _hex(CO_OWNED_COLOUR), "text_wrap": True, "bold": True},
        "instruction": {"text_wrap": True, "valign": "top"},
        "title": {"bold": True, "size": TITLE_SIZE, "font_color": _hex(BANNER_COLOUR), "text_wrap": True},
        "heading": {"bold": True, "text_wrap": True, "valign": "top"},
        "text": {"num_format": "@"},
    }
)

# role → XlsxWriter format properties of a conditional format (a fill and a font over the cell's)
RULE_STYLES: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        **{
            f"grade {grade}": {"bg_color": _hex(colour), "bold": True, "font_color": _hex(GRADE_INK[grade])}
            for grade, colour in GRADE_COLOURS.items()
        },
        "mismatch": {"bg_color": _hex(MISMATCH_COLOUR), "bold": True, "font_color": _hex(MISMATCH_FONT_COLOUR)},
        "missing": {"bg_color": _hex(MISSING_COLOUR)},
    }
)

"""The master's printable measure cards: one A4 page (fit to width) per measure.

Each card follows the audit report's measure table (label | text, then the 事業費内訳 with
科目別 beside 財源別). Excel does not grow merged cells to fit their text, so row heights
are estimated from the text's display width.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.grading import MeasureGrade
from ..core.master.cards import BudgetBlock, Card, measure_card
from ..core.master.layout import CARDS_SHEET
from ..core.model import BudgetProject, Plan
from ..core.print_metrics import row_height
from .master_style import Styles
from .print_setup import print_page

__all__ = ["CARDS_PER_SHEET", "write_cards"]

_WIDTHS = (16, 12, 12, 16, 12, 12)
_TEXT_WIDTH = sum(_WIDTHS[1:])  # the merged text cell B:F, in character units
_LINE_HEIGHT = 14.5
CARDS_PER_SHEET = 500  # Excel allows at most 1,026 manual page breaks per sheet


def write_cards(
    workbook: Workbook, styles: Styles, plan: Plan, marks: Mapping[str, str], grades: Mapping[str, MeasureGrade]
) -> list[str]:
    """Add the card sheet(s) (施策カード, 施策カード2 …) and return their names."""
    by_measure: dict[str, list[BudgetProject]] = {}
    for project in plan.projects:
        if project.fiscal_year == plan.evaluated_fy:
            for measure_id in dict.fromkeys(project.measure_ids):
                by_measure.setdefault(measure_id, []).append(project)
    names: list[str] = []
    measures = plan.measures
    for start in range(0, max(len(measures), 1), CARDS_PER_SHEET):
        name = CARDS_SHEET if start == 0 else f"{CARDS_SHEET}{start // CARDS_PER_SHEET + 1}"
        sheet = workbook.add_worksheet(name)
        names.append(name)
        _setup(sheet)
        row = 0
        first = start + 1
        breaks: list[int] = []
        for measure in measures[start : start + CARDS_PER_SHEET]:
            if row:
                breaks.append(row)
            card = measure_card(
                measure,
                by_measure.get(measure.measure_id, []),
                marks,
                grades.get(measure.measure_id),
                plan.evaluated_fy,
            )
            row = _write_card(sheet, styles, card, row) + 1
        if breaks:
            sheet.set_h_pagebreaks(breaks)
        owner = f"{plan.name} 第{plan.version}版　施策カード（{first}〜{min(start + CARDS_PER_SHEET, len(measures))}）"
        print_page(sheet, _WIDTHS, row, owner=owner, landscape=False)
    return names


def _setup(sheet: Worksheet) -> None:
    for index, width in enumerate(_WIDTHS):
        sheet.set_column(index, index, width)
    sheet.hide_gridlines(2)


def display_width(text: str) -> int:
    """Width of a text in Excel character units, about: a full-width (3-byte UTF-8) character counts twice.

    Counting UTF-8 bytes instead of asking `unicodedata` per character keeps thousands of
    cards fast; half-width katakana, the one exception, is rare in plan texts.
    """
    return (len(text.encode("utf-8")) + len(text)) // 2


@functools.lru_cache(maxsize=256)  # the card labels recur on every card; other texts mostly once
def lines_needed(text: str, width: int) -> int:
    """How many wrapped lines a text takes in a cell `width` characters wide."""
    usable = max(width - 4, 1)
    # Most texts (labels, IDs, amounts, empty cells) fit on a line: a character is at most 2.5 units
    # (4 UTF-8 bytes), so a text that fits even then takes one line per paragraph, unmeasured.
    if len(text) * 5 // 2 <= usable:
        return text.count("\n") + 1
    if "\n" not in text:
        return max(1, math.ceil(display_width(text) / usable))
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def _height(label: str, text: str) -> float:
    lines = max(lines_needed(text, _TEXT_WIDTH), lines_needed(label, _WIDTHS[0]))
    return max(lines * _LINE_HEIGHT + 4, 18)


def _write_card(sheet: Worksheet, styles: Styles, card: Card, row: int) -> int:
    """Write one card from `row`; return the row after it."""
    heading = f"{card.heading}　［{card.measure_id}］"
    sheet.merge_range(row, 0, row, 5, heading, styles.card_heading)
    # 9-point text: a line holds 11/9 as many units as at 11 points
    sheet.set_row(row, row_height([(heading, sum(_WIDTHS) * 11 / 9)]) * 9 / 11)
    row += 1
    for label, text in card.fields:
        sheet.set_row(row, _height(label, text))
        sheet.write_string(row, 0, label, styles.card_label)
        style = styles.card_title if label == "施策名" else styles.card_text
        sheet.merge_range(row, 1, row, 5, text, style)
        row += 1
    row += 1
    sheet.merge_range(row, 0, row, 5, card.budget_title, styles.subtitle)
    row += 1
    if not card.budgets:
        sheet.merge_range(row, 0, row, 5, "該当なし", styles.card_text)
        return row + 1
    for block in card.budgets:
        row = _write_budget(sheet, styles, block, row)
    return row


def _write_budget(sheet: Worksheet, styles: Styles, block: BudgetBlock, row: int) -> int:
    sheet.merge_range(row, 0, row, 5, block.title, styles.label)
    sheet.set_row(row, row_height([(block.title, sum(_WIDTHS))]))
    row += 1
    for col, label in enumerate(("科目別", "予算", "決算", "財源別", "予算", "決算")):
        sheet.write_string(row, col, label, styles.card_head_cell)
    row += 1
    for line in block.lines:
        sheet.set_row(row, max(_LINE_HEIGHT * lines_needed(line.item, _WIDTHS[0]) + 4, 16))
        for col, value in enumerate(
            (
                line.item,
                line.item_budget,
                line.item_settlement,
                line.funding,
                line.funding_budget,
                line.funding_settlement,
            )
        ):
            _cell(sheet, styles, row, col, value)
        row += 1
    for col, value in enumerate(
        ("事業費計", block.budget, block.settlement, "事業費計", block.budget, block.settlement)
    ):
        if isinstance(value, str):
            sheet.write_string(row, col, value, styles.total_label)
        elif value is not None:
            sheet.write_number(row, col, value, styles.total_amount)
        else:
            sheet.write_blank(row, col, None, styles.total_amount)
    row += 1
    for label, text in (
        ("（事業費の主な内容）", block.main_contents),
        ("（特定財源の内訳）", block.specific_funding_note),
    ):
        sheet.set_row(row, _height(label, text))
        sheet.write_string(row, 0, label, styles.card_label)
        sheet.merge_range(row, 1, row, 5, text, styles.card_text)
        row += 1
    return row + 1


def _cell(sheet: Worksheet, styles: Styles, row: int, col: int, value: object) -> None:
    if isinstance(value, str):
        sheet.write_string(row, col, value, styles.card_text)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, styles.card_amount)
    else:
        sheet.write_blank(row, col, None, styles.card_amount)

"""The master's 集計 sheet: grade distribution by pillar and stage, budget totals, native charts.

Grade counts are COUNTIFS formulas over the 評価 sheet and the plan totals are SUMs over the
予算事業 sheet (one row per project, so a shared project counts once); each formula is
written with its computed result, so the numbers show without recalculation and stay
traceable when the master is filtered or corrected in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.appearance import FONT_NAME, GRADE_INK, GRADE_PALETTE
from ..core.cells import column_letter
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.layout import PROJECTS
from ..core.master.layout import FIRST_DATA_ROW, GRADES_COLUMNS, GRADES_SHEET, SUMMARY_SHEET
from ..core.master.view import GRADE_COLUMNS, BudgetRow, GradeCountRow, budget_by_pillar, grades_by
from ..core.model import Plan
from .master_style import Styles
from .print_setup import print_page
from .section_style import HEADER_HEIGHT
from .xlsxwriter_text import TextWorksheet

__all__ = ["write_summary"]

_GRADE_COLORS = tuple(f"#{GRADE_PALETTE[label]}" for label in GRADE_COLUMNS)  # the one palette
_CHART_COL = 9  # charts sit to the right of the tables (column J)
_CHART_SIZE = {"width": 620, "height": 320}  # pixels
_CHART_ROWS = 17  # rows of the default height a chart covers
_CHART_COLUMNS = 9  # columns of the default width (8.43, 72 pixels) a chart covers
_FONT = {"name": FONT_NAME, "size": 9}


def write_summary(workbook: Workbook, styles: Styles, plan: Plan, grades: Mapping[str, MeasureGrade]) -> None:
    """Add and fill the 集計 sheet with its three tables and three charts."""
    # held whole until the workbook closes (a few dozen rows): its charts are placed by its row
    # heights and cache its cells, which a streamed sheet forgets once written out
    sheet = workbook.add_worksheet(SUMMARY_SHEET, worksheet_class=TextWorksheet)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 8, 11)
    year = plan.evaluated_fy
    sheet.write_string(0, 0, f"集計　{plan.name} 第{plan.version}版　{fy_label(year)}", styles.banner)
    n = len(plan.measures)
    row = 2
    for title, by, column in (
        ("進捗評価の分布（柱別）", "pillar", "pillar"),
        ("進捗評価の分布（ライフサイクル段階別）", "stage", "stage"),
    ):
        counts = grades_by(plan.measures, grades, year, by=by)
        first, last = _grade_table(sheet, styles, row, title, counts, column, n)
        _grade_chart(workbook, sheet, row, first, last, title)
        row = max(last + 3, row + 18)
    rows, total = budget_by_pillar(plan)
    first, last = _budget_table(sheet, styles, row, rows, total, len(plan.projects))
    _budget_chart(workbook, sheet, row, first, last)
    widths = [30, *[11] * 8, *[8.43] * _CHART_COLUMNS]  # the tables, then the charts beside them
    last_row = max(last + 4, row + _CHART_ROWS)
    print_page(sheet, widths, last_row, owner=f"{plan.name} 第{plan.version}版")


def _grade_table(
    sheet: Worksheet, styles: Styles, row: int, title: str, counts: Sequence[GradeCountRow], column: str, n: int
) -> tuple[int, int]:
    """Write one grade table at `row`; return its first and last data rows (0-based)."""
    group_letter = _grades_letter(column)
    grade_letter = _grades_letter("grade")
    sheet.write_string(row, 0, title, styles.subtitle)
    header = row + 1
    sheet.write_string(header, 0, "柱" if column == "pillar" else "ライフサイクル段階", styles.header)
    for offset, label in enumerate((*GRADE_COLUMNS, "計"), start=1):
        sheet.write_string(header, offset, label, styles.header)
    last_measure_row = FIRST_DATA_ROW + max(n, 1) - 1
    group_range = f"'{GRADES_SHEET}'!${group_letter}${FIRST_DATA_ROW}:${group_letter}${last_measure_row}"
    grade_range = f"'{GRADES_SHEET}'!${grade_letter}${FIRST_DATA_ROW}:${grade_letter}${last_measure_row}"
    r = header + 1
    for item in counts:
        sheet.write_string(r, 0, item.label, styles.text)
        for offset, label in enumerate(GRADE_COLUMNS, start=1):
            head = f"{column_letter(offset + 1)}${header + 1}"
            formula = f"=COUNTIFS({group_range},$A{r + 1},{grade_range},{head})"
            sheet.write_formula(r, offset, formula, styles.count, item.counts[label])
        total_col = len(GRADE_COLUMNS) + 1
        formula = f"=SUM(B{r + 1}:{column_letter(total_col)}{r + 1})"
        sheet.write_formula(r, total_col, formula, styles.count, item.total)
        r += 1
    sheet.write_string(r, 0, "合計", styles.total_label)
    for offset in range(1, len(GRADE_COLUMNS) + 2):
        letter = column_letter(offset + 1)
        value = sum(
            item.total if offset > len(GRADE_COLUMNS) else item.counts[GRADE_COLUMNS[offset - 1]] for item in counts
        )
        sheet.write_formula(r, offset, f"=SUM({letter}{header + 2}:{letter}{r})", styles.total_number, value)
    return header + 1, r - 1


def _grades_letter(field: str) -> str:
    return column_letter(next(i for i, c in enumerate(GRADES_COLUMNS, start=1) if c.field == field))


def _grade_chart(workbook: Workbook, sheet: Worksheet, row: int, first: int, last: int, title: str) -> None:
    if last < first:
        return
    # Horizontal bars: the stage labels read level, not rotated into a squashed plot.
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for offset, label in enumerate(GRADE_COLUMNS, start=1):
        ink = "#" + GRADE_INK.get(label, "000000")
        chart.add_series(
            {
                "name": label,
                "categories": [SUMMARY_SHEET, first, 0, last, 0],
                "values": [SUMMARY_SHEET, first, offset, last, offset],
                "fill": {"color": _GRADE_COLORS[offset - 1]},
                "gap": 50,
                # the letter beside its colour: "A 3"
                "data_labels": {
                    "value": True,
                    "series_name": len(label) == 1,
                    "separator": " ",
                    "font": {**_FONT, "color": ink},
                },
            }
        )
    chart.set_title({"name": title, "name_font": {**_FONT, "size": 11}})
    chart.set_x_axis(
        {
            "name": "施策数",
            "name_font": _FONT,
            "num_font": _FONT,
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_y_axis({"reverse": True, "num_font": _FONT})
    chart.set_legend({"position": "bottom", "font": _FONT})
    chart.set_size(_CHART_SIZE)
    sheet.insert_chart(row, _CHART_COL, chart)


def _budget_table(
    sheet: Worksheet, styles: Styles, row: int, rows: Sequence[BudgetRow], total: BudgetRow, n_projects: int
) -> tuple[int, int]:
    sheet.write_string(row, 0, "予算・決算（柱別、千円）", styles.subtitle)
    header = row + 1
    for offset, label in enumerate(("柱", "予算事業数", "当初予算", "予算（補正後）", "決算", "執行率")):
        sheet.write_string(header, offset, label, styles.header)
    sheet.set_row(header, HEADER_HEIGHT)
    r = header + 1
    for item in rows:
        _budget_row(sheet, styles, r, item, styles.text, styles.amount, styles.count, styles.percent)
        r += 1
    _budget_row(
        sheet,
        styles,
        r,
        total,
        styles.total_label,
        styles.total_amount,
        styles.total_number,
        styles.total_percent,
        n_projects=n_projects,
    )
    sheet.merge_range(
        r + 1,
        0,
        r + 2,
        7,
        "※ 複数の柱にまたがる共通事業は各柱に計上し、合計では1回だけ計上しています。"
        "執行率＝決算÷予算（補正後、補正がなければ当初予算）。決算が未入力の事業は執行率に含めません。",
        styles.note,
    )
    return header + 1, r - 1


def _budget_row(
    sheet, styles, r, item: BudgetRow, label_style, amount_style, count_style, percent_style, n_projects=None
):  # type: ignore[no-untyped-def]
    sheet.write_string(r, 0, item.label, label_style)
    sheet.write_number(r, 1, item.projects, count_style)
    if n_projects is None:
        sheet.write_number(r, 2, item.initial, amount_style)
        sheet.write_number(r, 4, item.settlement, amount_style)
    else:  # the plan total: one SUM over the 予算事業 sheet, where each project has one row
        last = FIRST_DATA_ROW + max(n_projects, 1) - 1
        for col, field, value in ((2, "initial", item.initial), (4, "settlement", item.settlement)):
            letter = PROJECTS.letter(field)
            formula = f"=SUM('{PROJECTS.name}'!{letter}{FIRST_DATA_ROW}:{letter}{last})"
            sheet.write_formula(r, col, formula, amount_style, value)
    sheet.write_number(r, 3, item.final_budget, amount_style)
    rate = item.execution_rate
    if rate is None:
        sheet.write_string(r, 5, "-", percent_style)
    else:
        sheet.write_number(r, 5, rate, percent_style)


def _budget_chart(workbook: Workbook, sheet: Worksheet, row: int, first: int, last: int) -> None:
    if last < first:
        return
    chart = workbook.add_chart({"type": "bar"})
    for col, name, color in ((3, "予算（補正後）", "#2E75B6"), (4, "決算", "#F4B183")):
        chart.add_series(
            {
                "name": name,
                "categories": [SUMMARY_SHEET, first, 0, last, 0],
                "values": [SUMMARY_SHEET, first, col, last, col],
                "fill": {"color": color},
            }
        )
    chart.set_title({"name": "予算・決算（柱別、千円）", "name_font": {**_FONT, "size": 11}})
    chart.set_x_axis({"num_format": "#,##0", "num_font": _FONT})
    chart.set_y_axis({"reverse": True, "num_font": _FONT})
    chart.set_legend({"position": "bottom", "font": _FONT})
    chart.set_size(_CHART_SIZE)
    sheet.insert_chart(row, _CHART_COL, chart)

"""The master's 一覧 sheet: the list table in plan order, like the audit report's (L1761–1869)."""

from __future__ import annotations

from collections.abc import Mapping

from xlsxwriter.workbook import Workbook

from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.layout import PROJECTS
from ..core.master.layout import LIST_SHEET
from ..core.master.view import budget_by_pillar, grade_column, list_rows, stage_label
from ..core.model import Plan
from .master_cards import lines_needed
from .master_style import Styles
from .print_setup import print_page

__all__ = ["write_list"]

_COLUMNS = (
    ("施策ID", 9),
    ("関連課所室", 28),
    ("施策名", 50),
    ("当初予算（千円）", 16),
    ("ライフサイクル段階", 30),
    ("進捗評価", 9),
)
HEADER_ROW = 3  # 1-based: banner, note, then the header


def write_list(
    workbook: Workbook, styles: Styles, plan: Plan, marks: Mapping[str, str], grades: Mapping[str, MeasureGrade]
) -> None:
    """Add and fill the 一覧 sheet.

    :param plan: measures in plan order and their budget projects.
    :param marks: shared project marks (`*1` …).
    :param grades: computed grades by measure ID.
    """
    sheet = workbook.add_worksheet(LIST_SHEET)
    year = fy_label(plan.evaluated_fy)
    last_col = len(_COLUMNS) - 1
    for index, (_, width) in enumerate(_COLUMNS):
        sheet.set_column(index, index, width)
    sheet.write_string(0, 0, f"施策一覧　{plan.name} 第{plan.version}版　{year}", styles.banner)
    sheet.merge_range(
        1,
        0,
        1,
        last_col,
        "（注）当初予算は施策に関連する予算事業の合計。(*1)(*2)…は複数の施策にまたがる共通の事業予算で、合計では1回だけ計上しています。",
        styles.note,
    )
    sheet.set_row(HEADER_ROW - 1, 30)
    for index, (header, _) in enumerate(_COLUMNS):
        title = f"{year} {header}" if header.startswith("当初予算") else header
        sheet.write_string(HEADER_ROW - 1, index, title, styles.header)
    row = HEADER_ROW
    for item in list_rows(plan, marks, grades):
        if item.is_heading:
            sheet.merge_range(row, 0, row, last_col, item.label, styles.heading[min(item.level, 3)])
            row += 1
            continue
        measure = item.measure
        assert measure is not None
        sections = "\n".join(measure.sections)
        lines = max(lines_needed(sections, _COLUMNS[1][1]), lines_needed(measure.name, _COLUMNS[2][1]))
        sheet.set_row(row, 15 * lines + 4)
        sheet.write_string(row, 0, measure.measure_id, styles.text)
        sheet.write_string(row, 1, sections, styles.wrap)
        sheet.write_string(row, 2, measure.name, styles.wrap)
        if item.initial is None:
            sheet.write_string(row, 3, "-", styles.text)
        else:
            sheet.write_number(row, 3, item.initial, styles.marked_amount(item.marks))
        grade = item.grade
        stage = grade.stage if grade else measure.stage_in(plan.evaluated_fy)
        sheet.write_string(row, 4, stage_label(stage), styles.text)
        sheet.write_string(row, 5, grade_column(grade) if grade else "", styles.text)
        row += 1
    _, total = budget_by_pillar(plan)
    row += 1
    sheet.merge_range(row, 0, row, 2, "合計（共通事業は1回だけ計上）", styles.total_label)
    letter = PROJECTS.letter("initial")
    last = 2 + len(plan.projects)
    formula = f"=SUM('{PROJECTS.name}'!{letter}3:{letter}{max(last, 3)})"
    sheet.write_formula(row, 3, formula, styles.total_amount, total.initial)
    row += 2
    for project in plan.projects:
        mark = marks.get(project.project_id)
        if not mark or project.fiscal_year != plan.evaluated_fy:
            continue
        initial = f"{project.total.initial:,}千円" if project.total.initial is not None else "金額未入力"
        text = (
            f"({mark}) {project.name}（{project.project_id}）{initial}: "
            f"{'、'.join(project.measure_ids)}（{len(project.measure_ids)}施策に共通）"
        )
        sheet.merge_range(row, 0, row, last_col, text, styles.note)
        row += 1
    sheet.freeze_panes(HEADER_ROW, 0)
    widths = [width for _, width in _COLUMNS]
    print_page(sheet, widths, row, owner=f"{plan.name} 第{plan.version}版", title_rows=HEADER_ROW)

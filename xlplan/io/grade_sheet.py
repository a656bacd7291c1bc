"""Write a copy of a section workbook with a 評価 sheet: computed grade, trace, mismatch flag.

The input file is only read; the copy is written atomically to another path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..core.appearance import GRADE_INK
from ..core.grading import MeasureGrade
from ..core.layout import META_SHEET
from ..core.print_metrics import row_height
from ..errors import UsageError
from .atomic import atomic_write
from .grade_formulas import MISMATCH_MARK
from .openpyxl_layout import BANNER_FONT, BORDER, HEADER_FILL, HEADER_FONT
from .openpyxl_look import font
from .print_setup import print_page
from .section_style import GRADE_COLOURS, MISMATCH_COLOUR, MISMATCH_FONT_COLOUR

__all__ = ["GRADE_SHEET", "GRADE_SHEET_HEADERS", "GradeSheetInfo", "write_graded_copy"]

GRADE_SHEET = "評価"
# header → column width
GRADE_SHEET_HEADERS: Mapping[str, int] = {
    "施策ID": 10,
    "施策名": 30,
    "ライフサイクル段階": 12,
    "評価方法": 12,
    "算定評価": 9,
    "自己評価": 9,
    "自己評価との差異": 10,
    "評価の根拠": 34,
    "算定の説明": 80,
    "評価方法の変更理由": 30,
}


@dataclass(frozen=True, slots=True)
class GradeSheetInfo:
    """What the banner of the 評価 sheet says."""

    title: str  # e.g. 進捗評価（算定）　令和6年度
    rules_name: str
    evaluation_date: str  # 令和7年3月31日
    source: str  # file name of the input


def write_graded_copy(
    source: Path,
    target: Path,
    grades: Sequence[MeasureGrade],
    names: Mapping[str, str],
    info: GradeSheetInfo,
) -> Path:
    """Copy `source` to `target` with a 評価 sheet (replaced if present); `source` is never written.

    :param source: the section workbook.
    :param target: the .xlsx to write (must differ from `source`).
    :param grades: the computed grades, one per measure, in sheet order.
    :param names: measure ID → measure name.
    :param info: the banner.
    :raises UsageError: when `target` is `source`.
    """
    if Path(target).resolve() == Path(source).resolve():
        raise UsageError(
            f"出力先 {target} が入力ファイルと同じです。別のファイル名を -o で指定してください。",
            english=f"The output {target} is the input file itself. Give another file name with -o.",
        )
    workbook = openpyxl.load_workbook(source)
    if GRADE_SHEET in workbook.sheetnames:
        del workbook[GRADE_SHEET]
    sheet = workbook.create_sheet(GRADE_SHEET, index=min(1, len(workbook.sheetnames)))
    _fill(sheet, grades, names, info, _section_of(workbook))
    workbook.active = workbook.sheetnames.index(GRADE_SHEET)
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = ws.title == GRADE_SHEET
    return atomic_write(Path(target), lambda tmp: workbook.save(tmp))


def _section_of(workbook: openpyxl.Workbook) -> str:
    """The section stamped in the workbook's _meta sheet ('' when absent): the footer's owner."""
    if META_SHEET not in workbook.sheetnames:
        return ""
    for key, value, *_ in workbook[META_SHEET].iter_rows(max_col=2, values_only=True):
        if key == "section":
            return str(value or "")
    return ""


def _fill(
    sheet: Worksheet, grades: Sequence[MeasureGrade], names: Mapping[str, str], info: GradeSheetInfo, section: str
) -> None:
    banner = (
        f"{info.title}　評価基準: {info.rules_name}　評価基準日: {info.evaluation_date}　"
        f"元のファイル: {info.source}（xlplan grade が計算）"
    )
    sheet.cell(row=1, column=1, value=banner).font = BANNER_FONT
    for index, (header, width) in enumerate(GRADE_SHEET_HEADERS.items(), start=1):
        cell = sheet.cell(row=2, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    widths = list(GRADE_SHEET_HEADERS.values())
    sheet.row_dimensions[2].height = row_height(zip(GRADE_SHEET_HEADERS, widths, strict=True))
    for row, grade in enumerate(grades, start=3):
        values = (
            grade.measure_id,
            names.get(grade.measure_id, ""),
            grade.stage.value if grade.stage else None,
            grade.basis.value if grade.basis else None,
            grade.grade.value if grade.grade else None,
            grade.self_grade.value if grade.self_grade else None,
            MISMATCH_MARK if grade.mismatch else None,
            grade.summary or None,
            grade.trace,
            grade.override_reason or None,
        )
        sheet.row_dimensions[row].height = row_height(zip(values, widths, strict=True))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if column in (3, 5, 6, 7):
                cell.number_format = "@"
        if grade.grade:
            colour = GRADE_COLOURS[grade.grade.value]
            sheet.cell(row=row, column=5).fill = PatternFill("solid", fgColor=colour)
            sheet.cell(row=row, column=5).font = font(bold=True, color=GRADE_INK[grade.grade.value])
        if grade.mismatch:
            sheet.cell(row=row, column=7).fill = PatternFill("solid", fgColor=MISMATCH_COLOUR)
            sheet.cell(row=row, column=7).font = font(bold=True, color=MISMATCH_FONT_COLOUR)
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{openpyxl.utils.get_column_letter(len(GRADE_SHEET_HEADERS))}{max(2, len(grades) + 2)}"
    print_page(sheet, widths, len(grades) + 2, owner=section, title_rows=2, title_columns=2)

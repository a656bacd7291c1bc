"""Write what a revision changed: the 新旧対照表 as CSV, and the revision workbook (改訂資料).

The CSV is the council pack's CSV (`io.csv_export`): UTF-8 with a BOM so that Excel on
Windows opens the Japanese text, and no cell a spreadsheet would run as a formula. The
revision workbook holds the 新旧対照表, the 改訂案 with HQ's decisions, the evaluated year's
grades kept as history, and the revision's findings; every sheet is a plain, printable table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..core.cells import column_letter
from ..core.findings import Finding, sorted_findings
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.model import Plan
from ..core.print_metrics import row_height
from ..core.revision.changes import ComparisonRow
from ..core.revision.read import ProposalDecision
from .atomic import atomic_write
from .csv_export import Table, write_csv
from .openpyxl_look import font, japanese_workbook
from .print_setup import print_page

__all__ = ["RevisionBook", "comparison_headers", "write_comparison_csv", "write_revision_book"]

COMPARISON_SHEET = "新旧対照表"
PROPOSALS_SHEET = "改訂案"
HISTORY_SHEET = "評価履歴"
FINDINGS_SHEET = "検証結果"
UNDECIDED = "未判断"
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SEVERITY = {"error": "エラー", "warning": "警告", "info": "情報"}


def comparison_headers(old_version: str, new_version: str) -> list[str]:
    """The 新旧対照表's column headers, naming both versions."""
    return [
        "区分",
        "施策ID",
        "施策名",
        "指標ID",
        "項目",
        f"旧（第{old_version}版）",
        f"新（第{new_version}版）",
        "理由",
    ]


def _comparison_values(row: ComparisonRow) -> list[str]:
    return [str(row.kind), row.measure_id, row.name, row.kpi_id, row.item, row.old, row.new, row.reason]


def write_comparison_csv(path: Path, rows: Iterable[ComparisonRow], *, old_version: str, new_version: str) -> Path:
    """Write the 新旧対照表 as CSV (UTF-8 with BOM, CRLF, formula-like text neutralised), atomically.

    :param path: the .csv to write.
    :param rows: the rows, in plan order.
    :param old_version: the version revised (2.0).
    :param new_version: the new version (2.1).
    """
    headers = tuple(comparison_headers(old_version, new_version))
    table = Table(Path(path).name, "新旧対照表", headers, [tuple(_comparison_values(r)) for r in rows])
    return write_csv(Path(path), table)


@dataclass(frozen=True, slots=True)
class RevisionBook:
    """What the revision workbook shows."""

    old: Plan
    new: Plan
    comparison: Sequence[ComparisonRow]
    decisions: Sequence[ProposalDecision] = ()
    grades: Sequence[MeasureGrade] = ()
    findings: Sequence[Finding] = ()


def write_revision_book(path: Path, book: RevisionBook) -> Path:
    """Write the revision workbook (改訂資料) atomically.

    :param path: the .xlsx to write.
    :param book: the comparison, decisions, grades and findings to show.
    """
    workbook = japanese_workbook()
    old, new = book.old, book.new
    versions = f"第{old.version}版 → 第{new.version}版"
    workbook.properties.title = f"{new.name}　改訂資料（{versions}）"  # also each page's footer
    _table(
        workbook.active,
        COMPARISON_SHEET,
        f"{new.name}　新旧対照表（{versions}、{fy_label(new.evaluated_fy)}）",
        comparison_headers(old.version, new.version),
        [_comparison_values(r) for r in book.comparison],
        [14, 10, 30, 11, 14, 34, 34, 44],
    )
    _table(
        workbook.create_sheet(),
        PROPOSALS_SHEET,
        f"ライフサイクル段階の改訂案（{fy_label(old.evaluated_fy)}の評価から、{fy_label(new.evaluated_fy)}の段階）",
        ["施策ID", "施策名", "現在の段階", "提案する段階", "提案の根拠", "実績など", "採否", "理由・コメント"],
        [
            [
                d.proposal.measure_id,
                d.proposal.name,
                d.proposal.from_stage.label,
                d.proposal.to_stage.label,
                d.proposal.rule.label,
                d.proposal.evidence,
                d.decision.value if d.decision else UNDECIDED,
                d.proposal.note,
            ]
            for d in book.decisions
        ],
        [10, 30, 16, 16, 34, 40, 8, 30],
    )
    names = {m.measure_id: m.name for m in old.measures}
    _table(
        workbook.create_sheet(),
        HISTORY_SHEET,
        f"{fy_label(old.evaluated_fy)}の進捗評価（第{old.version}版、履歴として保存）",
        ["施策ID", "施策名", "年度", "ライフサイクル段階", "評価方法", "進捗評価", "自己評価", "評価の根拠"],
        [
            [
                g.measure_id,
                names.get(g.measure_id, ""),
                fy_label(g.fiscal_year),
                g.stage.label if g.stage else "",
                g.basis.value if g.basis else "",
                g.grade.value if g.grade else "",
                g.self_grade.value if g.self_grade else "",
                g.trace,
            ]
            for g in book.grades
        ],
        [10, 30, 11, 16, 12, 8, 8, 60],
    )
    _table(
        workbook.create_sheet(),
        FINDINGS_SHEET,
        "改訂の検証結果（変更ワークブックの指摘）",
        ["ファイル", "場所", "区分", "コード", "内容"],
        [
            [f.file, f.address, _SEVERITY[str(f.severity)], str(f.code), f.message()]
            for f in sorted_findings(book.findings)
        ],
        [30, 18, 8, 26, 80],
    )
    return atomic_write(Path(path), lambda tmp: workbook.save(tmp))


def _table(
    sheet: Worksheet,
    title: str,
    banner: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int],
) -> None:
    """A banner, a header row and the rows, wrapped, filtered and printable (A4 landscape)."""
    sheet.title = title
    sheet.cell(row=1, column=1, value=banner).font = font(bold=True, size=12, color="1F4E78")
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=2, column=index, value=header)
        cell.font = font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        sheet.column_dimensions[column_letter(index)].width = width
    for offset, values in enumerate(rows, start=3):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=offset, column=index, value=value if value != "" else None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BORDER
        sheet.row_dimensions[offset].height = row_height(zip(values, widths, strict=True))
    sheet.row_dimensions[2].height = row_height(zip(headers, widths, strict=True))
    last = max(2, len(rows) + 2)
    sheet.auto_filter.ref = f"A2:{column_letter(len(headers))}{last}"
    sheet.freeze_panes = "C3" if len(headers) > 2 else "A3"
    print_page(sheet, widths, last, owner=sheet.parent.properties.title or "", title_rows=2, title_columns=2)

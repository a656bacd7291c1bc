"""The master plan workbook's layout: sheet names, headers and the format version (pure).

The master's data sheets (施策 … 財源) use the section sheets' layout: same names, same
headers in the same columns from the same rows. A value's cell in the section workbook is
therefore its column letter in the master plus the row named in 出典セル. Provenance columns
follow the data columns. Later commands (revise, lint, report) read the master through
`xlplan.io.master_reader`; bump `MASTER_FORMAT_VERSION` when a sheet or header changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..layout import FIRST_DATA_ROW, HEADER_ROW, SECTION_SHEETS, SheetLayout

__all__ = [
    "CARDS_SHEET",
    "COVER_SHEET",
    "DATA_SHEETS",
    "FINDINGS_COLUMNS",
    "FINDINGS_SHEET",
    "FIRST_DATA_ROW",
    "GRADES_COLUMNS",
    "GRADES_SHEET",
    "HEADER_ROW",
    "HISTORY_COLUMNS",
    "HISTORY_SHEET",
    "KPI_YEARS_COLUMNS",
    "KPI_YEARS_SHEET",
    "LIST_SHEET",
    "MASTER_FORMAT_VERSION",
    "META_SHEET",
    "PROVENANCE_COLUMNS",
    "SUMMARY_SHEET",
    "TableColumn",
]

MASTER_FORMAT_VERSION = "xlplan-master/1"
META_SHEET = "_meta"
COVER_SHEET = "表紙"
LIST_SHEET = "一覧"
SUMMARY_SHEET = "集計"
GRADES_SHEET = "評価"
CARDS_SHEET = "施策カード"
FINDINGS_SHEET = "検証結果"
HISTORY_SHEET = "改訂履歴"
DATA_SHEETS: tuple[SheetLayout, ...] = SECTION_SHEETS


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A column of a master-only table: its field, Japanese header and width."""

    field: str
    header: str
    width: int = 14


PROVENANCE_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("source_file", "出典ファイル", 36),
    TableColumn("source_sha256", "出典SHA-256", 20),
    TableColumn("source_sheet", "出典シート", 12),
    TableColumn("source_cell", "出典セル", 10),
)

GRADES_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("measure_id", "施策ID", 10),
    TableColumn("name", "施策名", 36),
    TableColumn("pillar", "柱", 24),
    TableColumn("primary_section", "主担当課所室", 22),
    TableColumn("fiscal_year", "年度", 11),
    TableColumn("stage", "ライフサイクル段階", 12),
    TableColumn("basis", "評価方法", 12),
    TableColumn("grade", "進捗評価", 9),
    TableColumn("self_grade", "自己評価", 9),
    TableColumn("mismatch", "自己評価との差異", 10),
    TableColumn("trace", "評価の根拠", 60),
    TableColumn("override_reason", "評価方法の変更理由", 30),
)

# KPI values of other years than the KPI sheet's columns hold (the evaluated year's actual,
# yearly target and reference, and the year before's actual): the plan's yearly targets for
# later years, older actuals. One row per KPI and year; sections never send these.
KPI_YEARS_SHEET = "KPI年度値"
KPI_YEARS_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("measure_id", "施策ID", 10),
    TableColumn("kpi_id", "指標ID", 12),
    TableColumn("fiscal_year", "年度", 12),
    TableColumn("yearly_target", "年度目標値", 12),
    TableColumn("actual", "実績値", 12),
    TableColumn("reference", "参考値", 12),
)

FINDINGS_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("section", "課所室", 22),
    TableColumn("file", "ファイル", 36),
    TableColumn("sheet", "シート", 12),
    TableColumn("cell", "セル", 8),
    TableColumn("severity", "区分", 8),
    TableColumn("code", "コード", 26),
    TableColumn("column", "列", 14),
    TableColumn("value", "値", 20),
    TableColumn("message", "内容", 80),
)

# How a severity reads in the master (the code stays the stable, English key).
SEVERITY_LABELS = {"error": "エラー", "warning": "警告", "info": "情報"}
MISMATCH_MARK = "要確認"


# 改訂履歴: the plan's history that outlives a revision. A measure merged into another or retired
# keeps its ID here (never reused), and a measure that absorbed others keeps their IDs.
HISTORY_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("measure_id", "施策ID", 12),
    TableColumn("name", "施策名", 40),
    TableColumn("status", "状態", 10),
    TableColumn("merged_into", "統合先施策ID", 14),
    TableColumn("absorbed_ids", "統合元施策ID", 30),
    TableColumn("retired_fy", "廃止・統合年度", 14),
)
HISTORY_ACTIVE, HISTORY_MERGED, HISTORY_RETIRED = "継続", "統合", "廃止"

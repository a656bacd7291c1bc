"""The HQ control workbook's layout, as one table.

The builder (`build`) writes these sheets and cells; the actions (`actions`) read the
parameters from and write the results to the same addresses. Moving a cell is a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CONF_SHEET",
    "CONTROL_SHEET",
    "FINDINGS_COLUMNS",
    "FINDINGS_SHEET",
    "GRADES_COLUMNS",
    "GRADES_SHEET",
    "PARAMETERS",
    "RAN_AT_CELL",
    "STATUS_CELL",
    "WORKBOOK_STEM",
    "WRITTEN_CELL",
    "Action",
    "Parameter",
    "State",
]

# The quickstart VBA imports the module named like the workbook: keep both names in step.
WORKBOOK_STEM = "xlplan_hq"

CONTROL_SHEET = "操作"
FINDINGS_SHEET = "指摘一覧"
GRADES_SHEET = "評価一覧"
CONF_SHEET = "xlwings.conf"  # read by the xlwings VBA (GetConfigFromSheet): keys from A1 down

ACTION_CELL = "B4"
STATUS_CELL = "B11"
WRITTEN_CELL = "B12"
RAN_AT_CELL = "B13"
BUTTON_CELL = "C4"


class Action(StrEnum):
    """The actions of the dropdown; the values are what HQ sees and picks."""

    CHECK = "提出様式の確認"
    GRADE = "評価再計算"
    CONSOLIDATE = "集約"
    LINT = "監査観点チェック"
    REVISE = "次年度改訂"
    REPORT = "報告資料作成"
    TEMPLATES = "様式一括作成"
    MARK = "様式に指摘・評価を記入"

    @classmethod
    def named(cls, text: str) -> Action | None:
        """The action a control sheet names, also by a name it had in an earlier version (or None)."""
        try:
            return cls(_FORMER_NAMES.get(text, text))
        except ValueError:
            return None

    @property
    def help(self) -> str:
        """What the action does, shown beside the dropdown's list on the control sheet."""
        return _ACTION_HELP[self]


# Names an HQ workbook made by an earlier version may still hold in its 処理 cell. 入力チェック became
# 提出様式の確認 when each section workbook got a sheet of that name (the self-check).
_FORMER_NAMES = {"入力チェック": "提出様式の確認"}

_ACTION_HELP = {
    Action.CHECK: "入力フォルダ（またはファイル）の様式をすべて確認し、指摘を「指摘一覧」に書き出します。",
    Action.GRADE: "入力フォルダの様式から進捗評価（A〜D）を再計算し、「評価一覧」に書き出します。",
    Action.CONSOLIDATE: "入力フォルダの様式を1つの計画（第2.x版）に集約し、出力のマスターに保存します。",
    Action.LINT: "入力のマスターを監査の意見（成果指標がない、段階と評価方法の不一致 など）の観点で点検し、"
    "「指摘一覧」に書き出します。",
    Action.REVISE: "入力のマスターから次年度の計画（改訂版）、改訂資料・新旧対照表、次年度の様式を出力フォルダに"
    "作成します。",
    Action.REPORT: "入力のマスターから議会・公表用の報告資料（report.html、施策カードのPDF、オープンデータのCSV）を"
    "出力フォルダに作成します。PDFは LibreOffice か Excel で印刷します。",
    Action.TEMPLATES: "入力のマスターから、すべての課所室の記入済みの様式を出力フォルダ（新しいフォルダ）に作成します。"
    "年度を入力すると、その年度の様式（予算額は空欄）になります。",
    Action.MARK: "Excelで開いている様式ブック（入力欄にファイル名）のエラーのセルに色とコメントを付け、"
    "本部で再計算した評価を「算定評価」のコメントに書き込みます。保存はしません。",
}


class State(StrEnum):
    """How an action ended; the status cell starts with the value."""

    DONE = "完了"
    NEEDS_FIX = "要修正"
    UNAVAILABLE = "未対応"
    FAILED = "エラー"

    @property
    def fill(self) -> str:
        """The status cell's background colour."""
        return _STATE_FILL[self]


_STATE_FILL = {
    State.DONE: "C6EFCE",  # Excel's "good" green
    State.NEEDS_FIX: "FFEB9C",  # "neutral" yellow
    State.UNAVAILABLE: "D9D9D9",
    State.FAILED: "FFC7CE",  # "bad" red
}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter cell of the control sheet."""

    key: str
    label: str
    cell: str
    help: str
    example: str = ""


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("action", "処理", ACTION_CELL, "▼から選びます。"),
    Parameter(
        "input",
        "入力（フォルダ・ファイル）",
        "B5",
        "提出された様式のフォルダか様式ファイル。監査観点チェック・次年度改訂・報告資料作成・様式一括作成では"
        '集約したマスター。このブックからの相対パス、C:\\… や \\\\サーバ\\… も使えます（前後の " は外します）。',
        example="提出",
    ),
    Parameter(
        "output",
        "出力（ファイル・フォルダ）",
        "B6",
        "集約: 書き出すマスター（.xlsx）。次年度改訂・報告資料作成: 書き出すフォルダ。"
        "様式一括作成: 書き出す新しいフォルダ。",
        example="計画_第2.1版.xlsx",
    ),
    Parameter("version", "計画の版", "B7", "書き出す計画の版。例: 集約 2.1、次年度改訂 2.2（空欄なら次の版）。"),
    Parameter("fiscal_year", "年度", "B8", "評価する年度。例: 令和6年度、R6、2024。空欄なら各様式の年度。"),
    Parameter(
        "changes",
        "変更ワークブック",
        "B9",
        "次年度改訂で反映する変更（xlplan revise --changes-template で作成）。空欄なら変更なしで改訂。",
    ),
)

RESULT_LABELS: tuple[tuple[str, str], ...] = (
    (STATUS_CELL, "状態"),
    (WRITTEN_CELL, "書き出したファイル"),
    (RAN_AT_CELL, "実行日時"),
)

# The findings sheet: one row per finding, header in row 1.
FINDINGS_COLUMNS: tuple[tuple[str, int], ...] = (
    ("ファイル", 28),
    ("場所", 16),
    ("区分", 8),
    ("コード", 24),
    ("列", 14),
    ("値", 16),
    ("内容", 90),
)

# The grades sheet: one row per measure, header in row 1.
GRADES_COLUMNS: tuple[tuple[str, int], ...] = (
    ("施策ID", 10),
    ("本部評価", 10),
    ("自己評価", 10),
    ("一致", 8),
    ("根拠", 80),
    ("ファイル", 28),
)


def parameter(key: str) -> Parameter:
    """A parameter by key."""
    for item in PARAMETERS:
        if item.key == key:
            return item
    raise KeyError(key)

"""The section workbook's layout, as one table.

One table drives the template writer, the reader, the pandera run and the conversion of
failures into findings: a new sheet is a `SheetLayout` here plus a model in `validators/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .cells import column_letter
from .enums import (
    EXPENSE_ITEMS,
    Aggregation,
    Basis,
    Direction,
    FundingSource,
    Grade,
    KpiType,
    MilestoneStatus,
    Stage,
)

__all__ = [
    "BANNER_ROW",
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "LISTS_SHEET",
    "META_SHEET",
    "SECTION_SHEETS",
    "TEMPLATE_VERSION",
    "Column",
    "Kind",
    "SheetLayout",
    "sheet_layout",
]

# Bump when a sheet, header or column position changes; the reader refuses other versions.
TEMPLATE_VERSION = "xlplan-section/2"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
INSTRUCTIONS_SHEET = "記入要領"
BANNER_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3

MEASURE_ID_PATTERN = r"^M-\d{3,4}$"
KPI_ID_PATTERN = r"^M-\d{3,4}-K\d{1,2}$"
PROJECT_ID_PATTERN = r"^P-[0-9A-Z]{1,8}(-\d{1,2})?$"
ID_LIST_PATTERN = r"^M-\d{3,4}(,M-\d{3,4})*$"
MONTH_PATTERN = r"^\d{4}-\d{2}$"


class Kind(StrEnum):
    """How a column's cells are normalised, validated and formatted."""

    TEXT = "text"
    LONG_TEXT = "long-text"
    MEASURE_ID = "measure-id"
    KPI_ID = "kpi-id"
    PROJECT_ID = "project-id"
    MEASURE_ID_LIST = "measure-id-list"
    NUMBER = "number"
    AMOUNT = "amount"
    FISCAL_YEAR = "fiscal-year"
    MONTH = "month"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a section sheet."""

    field: str
    header: str
    kind: Kind
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    strict_choices: bool = True  # False: the dropdown suggests, other values are allowed
    example: str = ""
    width: int = 14
    computed: bool = False  # a locked formula column (grades): written by HQ, never read back
    hidden: bool = False  # a computed helper column the person does not need to see

    @property
    def is_id(self) -> bool:
        """True for the ID kinds (normalised to upper-case ASCII)."""
        return self.kind in (Kind.MEASURE_ID, Kind.KPI_ID, Kind.PROJECT_ID, Kind.MEASURE_ID_LIST)


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """One tabular sheet: its name, what it is for, and its columns in order."""

    key: str
    name: str
    title: str
    columns: tuple[Column, ...]
    help: str = ""
    keys: tuple[str, ...] = field(default=())  # fields that identify a row (duplicates are errors)
    # Formula columns to the right of the input columns (`Column.computed`). They are not in
    # `columns` or `headers`: readers, schemas and consolidation only ever see input columns.
    computed: tuple[Column, ...] = field(default=())

    def __post_init__(self) -> None:
        if any(c.computed for c in self.columns) or not all(c.computed for c in self.computed):
            raise ValueError(f"{self.key}: computed columns belong in `computed`, input columns in `columns`")

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Input columns, then computed columns, in the template's order."""
        return self.columns + self.computed

    def column(self, field_name: str) -> Column:
        """The column of a field (input or computed)."""
        for col in self.all_columns:
            if col.field == field_name:
                return col
        raise KeyError(f"{self.key} has no field {field_name!r}")

    def letter(self, field_name: str) -> str:
        """The template's column letter of a field."""
        return column_letter(self.index(field_name))

    def index(self, field_name: str) -> int:
        """The template's 1-based column index of a field (input or computed)."""
        for i, col in enumerate(self.all_columns, start=1):
            if col.field == field_name:
                return i
        raise KeyError(f"{self.key} has no field {field_name!r}")

    @property
    def headers(self) -> tuple[str, ...]:
        """The Japanese headers in column order."""
        return tuple(c.header for c in self.columns)


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


def _measure_id(
    help_text: str = "この行が属する施策の施策ID（例: M-001）。「施策」シートにあるIDを入力します。",
) -> Column:
    return Column("measure_id", "施策ID", Kind.MEASURE_ID, help_text, required=True, example="M-001", width=10)


def _computed(field_name: str, header: str, help_text: str, *, width: int = 10, hidden: bool = False) -> Column:
    return Column(field_name, header, Kind.TEXT, help_text, width=width, computed=True, hidden=hidden)


def _project_id() -> Column:
    return Column(
        "project_id",
        "予算事業ID",
        Kind.PROJECT_ID,
        "「予算事業」シートにある予算事業ID。",
        required=True,
        example="P-001-1",
        width=12,
    )


def _amounts() -> tuple[Column, ...]:
    return (
        Column("initial", "当初予算", Kind.AMOUNT, "当初予算額（千円）。数値のみ。", example="2873", width=12),
        Column(
            "revised",
            "補正後予算",
            Kind.AMOUNT,
            "補正後の予算額（千円）。補正がなければ当初予算と同じ額。",
            example="2873",
            width=12,
        ),
        Column("settlement", "決算", Kind.AMOUNT, "決算額（千円）。年度終了後に入力。", example="2653", width=12),
    )


MEASURES = SheetLayout(
    key="measures",
    name="施策",
    title="個別施策",
    help="担当する個別施策の一覧です。施策ID・施策名・体系は本部が記入済みです。取組結果などを入力してください。",
    keys=("measure_id",),
    columns=(
        _measure_id("施策の固定ID（本部が付番、例: M-001）。変更しないでください。"),
        Column("name", "施策名", Kind.TEXT, "個別施策の名称。", required=True, width=30),
        Column("hierarchy", "体系", Kind.TEXT, "計画の体系（上位の取組事項）。「 > 」で区切ります。", width=30),
        Column(
            "primary_section",
            "主担当課所室",
            Kind.TEXT,
            "主担当の課所室名（例: 企画財政部情報統計課）。",
            required=True,
            width=20,
        ),
        Column("co_sections", "関連課所室", Kind.TEXT, "主担当以外の関連課所室。複数は「、」で区切ります。", width=20),
        Column("summary", "施策概要", Kind.LONG_TEXT, "施策の概要。", width=40),
        Column("target_rationale", "目標値の考え方", Kind.LONG_TEXT, "目標値を見積もった考え方。", width=30),
        Column(
            "expected_effect", "見込まれる効果", Kind.LONG_TEXT, "施策によって得られる効果（アウトカム）。", width=30
        ),
        Column(
            "self_grade",
            "自己評価",
            Kind.CHOICE,
            "今年度の進捗評価（自己評価）を A〜D から選びます。",
            choices=_values(Grade),
            width=8,
        ),
        Column("results", "取組結果", Kind.LONG_TEXT, "今年度の取組結果。", width=40),
        Column("cause", "原因", Kind.LONG_TEXT, "評価が C・D または目標を大きく下回った場合、その原因。", width=30),
        Column("response", "今後の対応", Kind.LONG_TEXT, "原因を踏まえた今後の対応。", width=30),
    ),
    computed=(
        _computed(
            "grade",
            "算定評価",
            "ライフサイクル段階・KPI・スケジュールの入力から進捗評価（A〜D）を計算します。入力は不要です。",
            width=9,
        ),
        _computed(
            "grade_reason",
            "評価の根拠",
            "算定評価の根拠（評価指標の達成・改善などの件数、工程の完了・遅れの件数）。",
            width=34,
        ),
        _computed(
            "grade_check",
            "自己評価との差異",
            "自己評価が算定評価と異なると「要確認」と表示します。根拠を確認してください。",
            width=10,
        ),
    ),
)

LIFECYCLE = SheetLayout(
    key="lifecycle",
    name="ライフサイクル",
    title="ライフサイクル段階",
    help="施策ごと・年度ごとのライフサイクル段階です。段階によって評価の方法（スケジュール／評価指標）が決まります。",
    keys=("measure_id", "fiscal_year"),
    columns=(
        _measure_id(),
        Column(
            "fiscal_year",
            "年度",
            Kind.FISCAL_YEAR,
            "年度（例: 令和6年度、R6、2024）。",
            required=True,
            example="令和6年度",
            width=12,
        ),
        Column(
            "stage",
            "ライフサイクル段階",
            Kind.CHOICE,
            "1 構築期／2 拡大期／3 安定期／3・4 改修検討／4 環境変化対応期／5 次期システム等検討期",
            required=True,
            choices=_values(Stage),
            width=12,
        ),
        Column(
            "basis",
            "評価方法",
            Kind.CHOICE,
            "通常は空欄（段階どおり）。段階と異なる方法で評価した場合のみ選び、変更理由を入力します。",
            choices=_values(Basis),
            width=14,
        ),
        Column("reason", "変更理由", Kind.LONG_TEXT, "評価方法を変えた理由、または段階を変更した理由。", width=40),
    ),
    computed=(
        _computed(
            "applied_basis",
            "適用する評価方法",
            "段階から決まる評価方法（評価方法を選んだ場合はその方法）。",
            width=14,
        ),
        _computed(
            "evaluated_measure_id",
            "評価年度の施策ID（計算用）",
            "評価する年度の行だけ施策IDを表示します（算定評価の計算用）。",
            width=12,
            hidden=True,
        ),
    ),
)

SCHEDULE = SheetLayout(
    key="schedule",
    name="スケジュール",
    title="スケジュール（マイルストーン）",
    help="段階1・3・4の施策は工程（マイルストーン）ごとに予定時期と状況を入力します。",
    keys=(),
    columns=(
        _measure_id(),
        Column("name", "工程名", Kind.TEXT, "工程（マイルストーン）の内容。", required=True, width=30),
        Column(
            "planned_from",
            "予定時期（開始）",
            Kind.MONTH,
            "開始予定の年月（例: 2024/4、令和6年4月）。",
            example="2024/4",
            width=12,
        ),
        Column(
            "planned_to",
            "予定時期（終了）",
            Kind.MONTH,
            "完了予定の年月（例: 2025/3、令和7年3月）。",
            required=True,
            example="2025/3",
            width=12,
        ),
        Column(
            "status",
            "状況",
            Kind.CHOICE,
            "年度末時点の状況を選びます。",
            required=True,
            choices=_values(MilestoneStatus),
            width=10,
        ),
        Column("completed_on", "完了日", Kind.MONTH, "完了した年月（状況が完了のとき）。", example="2024/10", width=12),
        Column("delay_reason", "遅延理由", Kind.LONG_TEXT, "予定より遅れている場合、その理由。", width=30),
    ),
)

KPI = SheetLayout(
    key="kpi",
    name="KPI",
    title="評価指標（KPI）",
    help="段階2・4の施策は評価指標で管理します。基準値・目標値・今年度の実績値を数値のみで入力します。",
    keys=("kpi_id",),
    columns=(
        _measure_id(),
        Column(
            "kpi_id",
            "指標ID",
            Kind.KPI_ID,
            "指標の固定ID（例: M-001-K1）。",
            required=True,
            example="M-001-K1",
            width=12,
        ),
        Column("name", "指標名", Kind.TEXT, "評価指標の名称。", required=True, width=30),
        Column(
            "kpi_type",
            "指標区分",
            Kind.CHOICE,
            "活動＝取組の量、アウトプット＝成果物・利用の件数、アウトカム＝市民・職員への効果。",
            choices=_values(KpiType),
            width=12,
        ),
        Column("unit", "単位", Kind.TEXT, "単位（例: %、件、人）。「/年」は集計方法で選びます。", width=8),
        Column(
            "aggregation",
            "集計方法",
            Kind.CHOICE,
            "年＝その年度の値、累計＝計画開始からの合計。",
            required=True,
            choices=_values(Aggregation),
            width=8,
        ),
        Column(
            "direction",
            "望ましい方向",
            Kind.CHOICE,
            "処理時間・費用のように小さいほど良い指標は「低いほど良い」。",
            required=True,
            choices=_values(Direction),
            width=12,
        ),
        Column("baseline", "基準値", Kind.NUMBER, "計画開始時点の値（原則 令和5年度実績）。数値のみ。", example="21.1"),
        Column(
            "baseline_fy",
            "基準年度",
            Kind.FISCAL_YEAR,
            "基準値の年度（例: 令和5年度）。",
            example="令和5年度",
            width=12,
        ),
        Column("target", "目標値", Kind.NUMBER, "計画終了時点（令和8年度）の目標値。数値のみ。", example="30.0"),
        Column(
            "target_fy", "目標年度", Kind.FISCAL_YEAR, "目標値の年度（例: 令和8年度）。", example="令和8年度", width=12
        ),
        Column("yearly_target", "年度目標値", Kind.NUMBER, "今年度の目標値（設定している場合のみ）。", example="25.0"),
        Column(
            "actual", "実績値", Kind.NUMBER, "今年度の実績値。数値のみ（% は付けずに 22.6 のように）。", example="22.6"
        ),
        Column("reference", "参考値", Kind.NUMBER, "参考として併記する値（評価には使いません）。", example="43.8"),
        Column("previous_actual", "前年度実績値", Kind.NUMBER, "前年度の実績値（本部が記入済み）。", example="21.1"),
        Column("note", "備考", Kind.LONG_TEXT, "算出方法・分母などの注記。", width=30),
    ),
    computed=(
        _computed(
            "kpi_grade",
            "算定評価",
            "この指標の評価（A〜D）。実績値を目標値、次に基準値と比べます（参考値は使いません）。",
            width=9,
        ),
        _computed(
            "kpi_reason",
            "評価の根拠",
            "目標達成／基準値より改善／横ばい／基準値より悪化、または判定できない理由。",
            width=16,
        ),
    ),
)

PROJECTS = SheetLayout(
    key="projects",
    name="予算事業",
    title="予算事業",
    help="施策に関連する予算事業です。1つの事業が複数の施策に関連する場合は関連施策IDを「、」で区切って入力します。",
    keys=("project_id",),
    columns=(
        Column(
            "project_id",
            "予算事業ID",
            Kind.PROJECT_ID,
            "予算事業の固定ID（本部が付番、例: P-001-1）。",
            required=True,
            example="P-001-1",
            width=12,
        ),
        Column("name", "予算事業名", Kind.TEXT, "予算事業の名称。", required=True, width=30),
        Column(
            "measure_ids",
            "関連施策ID",
            Kind.MEASURE_ID_LIST,
            "この事業が関連する施策ID（複数は「、」区切り）。",
            required=True,
            example="M-008、M-013",
            width=16,
        ),
        Column("section", "担当課所室", Kind.TEXT, "予算を所管する課所室。", width=20),
        *_amounts(),
        Column("main_contents", "主な内容", Kind.LONG_TEXT, "事業費の主な内容。", width=30),
        Column("specific_funding_note", "特定財源の内訳", Kind.LONG_TEXT, "特定財源の内訳（補助金名など）。", width=30),
    ),
)

BUDGET = SheetLayout(
    key="budget",
    name="予算",
    title="事業費内訳（科目別）",
    help="予算事業ごとの科目別の内訳です。合計は「予算事業」シートの事業費計と一致させます。",
    keys=("project_id", "item"),
    columns=(
        _project_id(),
        Column(
            "item",
            "科目",
            Kind.CHOICE,
            "歳出の科目（節）。公営企業会計などは一覧にない科目も入力できます。",
            required=True,
            choices=EXPENSE_ITEMS,
            strict_choices=False,
            width=22,
        ),
        *_amounts(),
    ),
)

FUNDING = SheetLayout(
    key="funding",
    name="財源",
    title="事業費内訳（財源別）",
    help="予算事業ごとの財源別の内訳です。合計は事業費計と一致させます。0円の財源は行を作りません。",
    keys=("project_id", "funding_source"),
    columns=(
        _project_id(),
        Column(
            "funding_source",
            "財源区分",
            Kind.CHOICE,
            "国・県・市債・その他（特定財源）または一般財源。",
            required=True,
            choices=_values(FundingSource),
            width=12,
        ),
        *_amounts(),
    ),
)

SECTION_SHEETS: tuple[SheetLayout, ...] = (MEASURES, LIFECYCLE, SCHEDULE, KPI, PROJECTS, BUDGET, FUNDING)


def sheet_layout(key: str) -> SheetLayout:
    """The layout of a sheet by key (measures, lifecycle, schedule, kpi, projects, budget, funding)."""
    for layout in SECTION_SHEETS:
        if layout.key == key:
            return layout
    raise KeyError(key)


def all_headers() -> Sequence[str]:
    """Every header used by any sheet (for docs and tests)."""
    return [c.header for layout in SECTION_SHEETS for c in layout.columns]

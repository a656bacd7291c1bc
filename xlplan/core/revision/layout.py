"""The changes workbook's layout, as one table (pure).

HQ types a revision's changes into a plain .xlsx, one sheet per kind of change, written and
read by the same mechanism as the section workbook (`layout.Column` / `SheetLayout`). Each
sheet names its reason column differently (追加の理由, 廃止の理由 …) so that no sheet's
headers can be mistaken for another's when a sheet was renamed.
"""

from __future__ import annotations

from ..enums import Aggregation, Direction, KpiType, Stage
from ..layout import Column, Kind, SheetLayout
from .proposals import Decision

__all__ = [
    "ADDITIONS",
    "CHANGES_TEMPLATE_VERSION",
    "CHANGE_SHEETS",
    "KPIS",
    "MERGES",
    "OWNERS",
    "PROPOSALS",
    "RENAMES",
    "RETIREMENTS",
    "STAGES",
    "change_layout",
]

# Bump when a sheet, header or column position changes; the reader refuses other versions.
CHANGES_TEMPLATE_VERSION = "xlplan-changes/1"

_STAGES = tuple(s.value for s in Stage)
_STAGE_HELP = "1 構築期／2 拡大期／3 安定期／3・4 改修検討／4 環境変化対応期／5 次期システム等検討期"


def _measure_id(help_text: str = "変更する施策の施策ID（例: M-001）。", *, required: bool = True) -> Column:
    return Column("measure_id", "施策ID", Kind.MEASURE_ID, help_text, required=required, example="M-001", width=10)


def _reason(header: str, help_text: str) -> Column:
    return Column("reason", header, Kind.LONG_TEXT, help_text + "新旧対照表に載り、議会・市民が読みます。", width=40)


PROPOSALS = SheetLayout(
    key="proposals",
    name="改訂案",
    title="ライフサイクル段階の改訂案",
    help="評価結果から規則で提案した来年度の段階です。施策ごとに「採否」で採用か不採用を選びます。"
    "空欄のままの提案は反映しません。提案と違う段階にするときは「段階の変更」シートに書きます。",
    keys=("measure_id",),
    columns=(
        _measure_id("提案の対象の施策ID（本部が記入済み）。"),
        Column("name", "施策名", Kind.TEXT, "施策名（記入済み）。", width=30),
        Column("from_stage", "現在の段階", Kind.CHOICE, "評価した年度の段階（記入済み）。", choices=_STAGES, width=10),
        Column("to_stage", "提案する段階", Kind.CHOICE, "来年度の段階の提案（記入済み）。", choices=_STAGES, width=10),
        Column("rule", "提案の根拠", Kind.LONG_TEXT, "提案した規則（記入済み）。", width=34),
        Column("evidence", "実績など", Kind.LONG_TEXT, "規則が見た実績・工程（記入済み）。", width=40),
        Column(
            "decision",
            "採否",
            Kind.CHOICE,
            "採用＝この段階に変える、不採用＝変えない。",
            choices=tuple(d.value for d in Decision),
            width=8,
        ),
        Column(
            "comment",
            "採否の理由・コメント",
            Kind.LONG_TEXT,
            "採用するとき、提案の根拠に代えて新旧対照表に載せる理由（任意）。",
            width=34,
        ),
    ),
)

ADDITIONS = SheetLayout(
    key="add",
    name="施策の追加",
    title="施策の追加",
    help="新しい施策を1行ずつ書きます（新年度予算の新規事業など）。施策IDは空欄なら自動で付けます。",
    keys=("measure_id",),
    columns=(
        _measure_id(
            "新しい施策ID。空欄にすると、使われたことのない次の番号を自動で付けます（IDは廃止後も再利用しません）。",
            required=False,
        ),
        Column("name", "施策名", Kind.TEXT, "新しい施策の名称。", required=True, width=30),
        Column("hierarchy", "体系", Kind.TEXT, "計画の体系（上位の取組事項）。「 > 」で区切ります。", width=30),
        Column("primary_section", "主担当課所室", Kind.TEXT, "主担当の課所室名。", required=True, width=20),
        Column("co_sections", "関連課所室", Kind.TEXT, "主担当以外の関連課所室。複数は「、」で区切ります。", width=20),
        Column("summary", "施策概要", Kind.LONG_TEXT, "施策の概要。", width=34),
        Column(
            "stage",
            "ライフサイクル段階",
            Kind.CHOICE,
            "来年度の段階。" + _STAGE_HELP,
            required=True,
            choices=_STAGES,
            width=10,
        ),
        _reason("追加の理由", "施策を追加する理由（例: 令和7年度当初予算で新規事業化）。"),
    ),
)

MERGES = SheetLayout(
    key="merge",
    name="施策の統合",
    title="施策の統合",
    help="複数の施策を1つにまとめます（例: 各課の「…システムの標準化」を1施策に）。"
    "統合された施策のIDは統合先に記録され、再利用しません。",
    keys=("target_id",),
    columns=(
        Column(
            "target_id",
            "統合先施策ID",
            Kind.MEASURE_ID,
            "統合後の施策ID。既存の施策にまとめるときはそのID、新しい施策にまとめるときは新しいID。",
            required=True,
            example="M-069",
            width=12,
        ),
        Column(
            "target_name",
            "統合後の施策名",
            Kind.TEXT,
            "新しいIDのときは必須。既存の施策にまとめるときは、空欄なら名称を変えません。",
            width=30,
        ),
        Column(
            "primary_section",
            "統合後の主担当課所室",
            Kind.TEXT,
            "空欄なら統合される最初の施策の主担当。他の課所室は関連課所室になります。",
            width=20,
        ),
        Column("stage", "統合後の段階", Kind.CHOICE, "空欄なら統合される施策に共通の段階。", choices=_STAGES, width=10),
        Column(
            "merged_ids",
            "統合される施策ID",
            Kind.MEASURE_ID_LIST,
            "統合先にまとめる施策のID（複数は「、」区切り）。",
            required=True,
            example="M-021、M-022、M-023",
            width=30,
        ),
        _reason("統合の理由", "統合する理由（例: 監査意見11）。"),
    ),
)

RETIREMENTS = SheetLayout(
    key="retire",
    name="施策の廃止",
    title="施策の廃止",
    help="来年度から行わない施策です。実績は履歴として残り、施策IDは再利用しません。",
    keys=("measure_id",),
    columns=(_measure_id(), _reason("廃止の理由", "廃止する理由。")),
)

RENAMES = SheetLayout(
    key="rename",
    name="施策名の変更",
    title="施策名の変更",
    help="施策名だけを変えます。施策IDは変わりません。",
    keys=("measure_id",),
    columns=(
        _measure_id(),
        Column("name", "新しい施策名", Kind.TEXT, "変更後の施策名。", required=True, width=34),
        _reason("名称変更の理由", "名称を変える理由。"),
    ),
)

OWNERS = SheetLayout(
    key="owner",
    name="担当課所室の変更",
    title="担当課所室の変更",
    help="主担当・関連課所室を変えます。空欄の項目は変えません。関連課所室をなくすときは「なし」と書きます。",
    keys=("measure_id",),
    columns=(
        _measure_id(),
        Column(
            "primary_section", "新しい主担当課所室", Kind.TEXT, "変更後の主担当課所室（変えないときは空欄）。", width=22
        ),
        Column(
            "co_sections",
            "新しい関連課所室",
            Kind.TEXT,
            "変更後の関連課所室（複数は「、」区切り、なくすときは「なし」、変えないときは空欄）。",
            width=26,
        ),
        _reason("担当変更の理由", "担当を変える理由（組織改編など）。"),
    ),
)

STAGES = SheetLayout(
    key="stage",
    name="段階の変更",
    title="ライフサイクル段階の変更",
    help="改訂案とは別に、本部が来年度の段階を決めます。通常の移行（1→2、2→3、3→4 など）以外は理由が必須です。",
    keys=("measure_id",),
    columns=(
        _measure_id(),
        Column(
            "stage", "新しい段階", Kind.CHOICE, "来年度の段階。" + _STAGE_HELP, required=True, choices=_STAGES, width=10
        ),
        _reason("段階変更の理由", "段階を変える理由。ライフサイクルの通常の移行でないときは必須です。"),
    ),
)

KPIS = SheetLayout(
    key="kpi",
    name="指標の変更",
    title="評価指標（KPI）の変更",
    help="指標の再定義、目標値・基準値の変更、指標の追加を書きます。空欄の項目は変えません。"
    "指標を追加するときは指標IDを空欄にします（自動で付番）。",
    keys=("kpi_id",),
    columns=(
        _measure_id("指標が属する施策の施策ID。"),
        Column(
            "kpi_id",
            "指標ID",
            Kind.KPI_ID,
            "変える指標のID（例: M-001-K1）。追加するときは空欄。",
            example="M-001-K1",
            width=12,
        ),
        Column("name", "指標名", Kind.TEXT, "新しい指標名（追加するときは必須）。", width=30),
        Column(
            "kpi_type",
            "指標区分",
            Kind.CHOICE,
            "活動／アウトプット／アウトカム。",
            choices=tuple(t.value for t in KpiType),
            width=12,
        ),
        Column("unit", "単位", Kind.TEXT, "単位（例: %、件）。", width=8),
        Column(
            "aggregation", "集計方法", Kind.CHOICE, "年／累計。", choices=tuple(a.value for a in Aggregation), width=8
        ),
        Column(
            "direction",
            "望ましい方向",
            Kind.CHOICE,
            "高いほど良い／低いほど良い。",
            choices=tuple(d.value for d in Direction),
            width=12,
        ),
        Column("baseline", "基準値", Kind.NUMBER, "新しい基準値（数値のみ）。", example="21.1"),
        Column("baseline_fy", "基準年度", Kind.FISCAL_YEAR, "新しい基準値の年度。", example="令和5年度", width=12),
        Column("target", "目標値", Kind.NUMBER, "新しい目標値（数値のみ）。", example="30.0"),
        Column("target_fy", "目標年度", Kind.FISCAL_YEAR, "新しい目標値の年度。", example="令和8年度", width=12),
        _reason("指標変更の理由", "指標を変える理由。"),
    ),
)

CHANGE_SHEETS: tuple[SheetLayout, ...] = (PROPOSALS, ADDITIONS, MERGES, RETIREMENTS, RENAMES, OWNERS, STAGES, KPIS)


def change_layout(key: str) -> SheetLayout:
    """The layout of a changes sheet by key (proposals, add, merge, retire, rename, owner, stage, kpi)."""
    for layout in CHANGE_SHEETS:
        if layout.key == key:
            return layout
    raise KeyError(key)

"""Closed vocabularies of the domain.

Their string values are a public contract: they appear in workbooks (dropdowns), JSON and
rules files. Add new members; never rename a value.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Lifecycle stage (ライフサイクル段階) of a measure in one fiscal year."""

    BUILD = "1"  # 構築期: managed by schedule
    EXPAND = "2"  # 拡大期: managed by KPI
    STABLE = "3"  # 安定期: actuals recorded, not graded
    STABLE_RENOVATING = "3・4"  # running while a renovation is planned: schedule
    ADAPT = "4"  # 環境変化対応期: managed by KPI
    NEXT_SYSTEM = "5"  # 次期システム等検討期: not graded

    @property
    def label(self) -> str:
        """Japanese label as printed in the plan, e.g. 「段階2（拡大期）」."""
        return _STAGE_LABELS[self]

    @property
    def label_en(self) -> str:
        """The label in English messages, e.g. "stage 2 (expansion)"."""
        return _STAGE_LABELS_EN[self]

    @property
    def basis(self) -> Basis:
        """How a measure in this stage is managed and graded."""
        return _STAGE_BASIS[self]


class Basis(StrEnum):
    """What a grade is based on (評価方法)."""

    SCHEDULE = "スケジュール"
    KPI = "評価指標"
    NONE = "評価対象外"

    @property
    def english(self) -> str:
        """The basis in English messages."""
        return {"スケジュール": "schedule", "評価指標": "KPIs", "評価対象外": "not graded"}[self.value]


_STAGE_LABELS = {
    Stage.BUILD: "段階1（構築期）",
    Stage.EXPAND: "段階2（拡大期）",
    Stage.STABLE: "段階3（安定期）",
    Stage.STABLE_RENOVATING: "段階3・4（安定期・改修検討）",
    Stage.ADAPT: "段階4（環境変化対応期）",
    Stage.NEXT_SYSTEM: "段階5（次期システム等検討期）",
}
_STAGE_LABELS_EN = {
    Stage.BUILD: "stage 1 (build-up)",
    Stage.EXPAND: "stage 2 (expansion)",
    Stage.STABLE: "stage 3 (stable)",
    Stage.STABLE_RENOVATING: "stage 3・4 (stable, renovation planned)",
    Stage.ADAPT: "stage 4 (adapting to change)",
    Stage.NEXT_SYSTEM: "stage 5 (planning the next system)",
}
_STAGE_BASIS = {
    Stage.BUILD: Basis.SCHEDULE,
    Stage.EXPAND: Basis.KPI,
    Stage.STABLE: Basis.NONE,
    Stage.STABLE_RENOVATING: Basis.SCHEDULE,
    Stage.ADAPT: Basis.KPI,
    Stage.NEXT_SYSTEM: Basis.NONE,
}


class KpiType(StrEnum):
    """指標区分: what a KPI counts."""

    ACTIVITY = "活動"
    OUTPUT = "アウトプット"
    OUTCOME = "アウトカム"

    @property
    def english(self) -> str:
        """The type in English messages."""
        return {"活動": "activity", "アウトプット": "output", "アウトカム": "outcome"}[self.value]


class Aggregation(StrEnum):
    """集計方法: whether the actual is the year's figure or a running total."""

    ANNUAL = "年"
    CUMULATIVE = "累計"


class Direction(StrEnum):
    """望ましい方向 of a KPI."""

    HIGHER = "高いほど良い"
    LOWER = "低いほど良い"


class MilestoneStatus(StrEnum):
    """状況 of a milestone at the evaluation date."""

    NOT_STARTED = "未着手"
    PREPARING = "準備中"
    IN_PROGRESS = "実施中"
    DONE = "完了"


class FundingSource(StrEnum):
    """財源区分: specific funding (国, 県, 市債, その他) and general funds."""

    NATIONAL = "国"
    PREFECTURAL = "県"
    MUNICIPAL_BOND = "市債"
    OTHER = "その他"
    GENERAL = "一般財源"

    @property
    def is_specific(self) -> bool:
        """True for 特定財源 (everything but 一般財源)."""
        return self is not FundingSource.GENERAL


class Grade(StrEnum):
    """進捗評価 A–D."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Severity(StrEnum):
    """How bad a finding is. ERROR makes `check` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Expense items (科目) of the general account (地方自治法施行規則の節). Public-enterprise
# accounts use other names (e.g. 上下水道局), so the list guides and does not forbid.
EXPENSE_ITEMS: tuple[str, ...] = (
    "報酬",
    "給料",
    "職員手当等",
    "共済費",
    "災害補償費",
    "恩給及び退職年金",
    "報償費",
    "旅費",
    "交際費",
    "需用費",
    "役務費",
    "委託料",
    "使用料及び賃借料",
    "工事請負費",
    "原材料費",
    "公有財産購入費",
    "備品購入費",
    "負担金、補助及び交付金",
    "扶助費",
    "貸付金",
    "補償、補塡及び賠償金",
    "償還金、利子及び割引料",
    "投資及び出資金",
    "積立金",
    "寄附金",
    "公課費",
    "繰出金",
    "その他",
)

"""The catalog of audit checks (`xlplan lint`): code → severity, audit opinion, what it checks.

One row per finding code, as data: the CLI lists it, the 監査観点 sheet and the council report
print the opinion beside each finding, and a test keeps it in step with the rule functions.
Opinions are those of the FY2025 comprehensive external audit of Akita City's plan
(意見5–22, seed L4498–4756; 視点④ = hearing viewpoint ④ on budget execution, L4612).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ..enums import Severity
from ..findings import Code, Finding
from .context import AuditInput

__all__ = ["AUDIT_CATALOG", "AuditCheck", "audit_finding", "check_of"]


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """One audit check: its code, severity, the opinions it comes from and what it looks for."""

    code: Code
    severity: Severity
    opinions: tuple[str, ...]  # 「意見5」, 「視点④」 …
    title: str  # Japanese, one line: what the check looks for
    title_en: str  # the same in English
    seed_lines: str  # where the opinion is in the audit report (seed), e.g. "L4498–4530"
    threshold: str = ""  # the `[lint]` key(s) it reads, if any
    general: tuple[str, ...] = ()  # the opinions stating the principle (default: all of `opinions`)

    @property
    def opinion_label(self) -> str:
        """「意見5・6・10」 for people."""
        return "・".join(self.opinions)

    def title_in(self, lang: str = "ja") -> str:
        """What the check looks for, in `lang`."""
        return self.title_en if lang == "en" else self.title

    def opinions_in(self, lang: str = "ja") -> str:
        """The opinions for people: 「意見5・6・10」, or "audit opinions 5, 6, 10" in English."""
        if lang != "en":
            return self.opinion_label
        return _cited_en(self.opinions)

    def cited(self, named: Collection[str] = ()) -> tuple[str, ...]:
        """The opinions a finding cites: those of this check that name the measure, else the general ones.

        :param named: the opinions of an audit that name the measure (「意見14」 …).
        """
        own = tuple(o for o in self.opinions if o in named)
        return own or self.general or self.opinions


# the opinion labels that are not 「意見N」, in English
_OPINION_EN = {
    "視点④": "viewpoint ④",
    "自己評価の検証": "self-grade verification",
    "ライフサイクルの考え方": "lifecycle principle",
}

_W, _I = Severity.WARNING, Severity.INFO

AUDIT_CATALOG: tuple[AuditCheck, ...] = (
    AuditCheck(
        Code.AUDIT_KPI_OUTPUT_ONLY,
        _W,
        ("意見5", "意見6", "意見10", "意見12", "意見13", "意見14", "意見15", "意見18"),
        "評価指標で管理する施策の指標がすべて活動・アウトプット指標（アウトカム指標がない）",
        "Every KPI of a KPI-graded measure is an activity or output indicator (no outcome indicator)",
        "L4498–4545, L4653–4657, L4675–4703, L4717–4723",
        "kpi_type_words",
        general=("意見5", "意見6"),
    ),
    AuditCheck(
        Code.AUDIT_KPI_TYPE_GUESSED,
        _I,
        ("意見5",),
        "指標区分が空欄のため、指標名から区分を推定した",
        "The KPI type is blank; it was guessed from the KPI's name",
        "L4498–4530",
        "kpi_type_words",
    ),
    AuditCheck(
        Code.AUDIT_KPI_TYPE_MISSING,
        _W,
        ("意見5",),
        "指標区分が空欄で、指標名からも推定できない",
        "The KPI type is blank and cannot be guessed from the KPI's name",
        "L4498–4530",
        "kpi_type_words",
    ),
    AuditCheck(
        Code.AUDIT_STAGE_WITHOUT_TARGET,
        _W,
        ("意見8", "意見14"),
        "段階2・4（評価指標で管理）なのに目標値のある指標がない → 段階1の扱い",
        "Stage 2 or 4 (KPI-graded) but no KPI has a target → treated as stage 1",
        "L4641–4645, L4687–4693",
    ),
    AuditCheck(
        Code.AUDIT_STUDY_ONLY,
        _W,
        ("意見8", "意見14"),
        "段階2・4なのに施策名と取組結果が実証・検討の段階を示す、または取組結果が検討のみで予算もない → 段階1の扱い",
        "Stage 2 or 4 but the name and results show a trial or study, or the results are study only with no "
        "budget → treated as stage 1",
        "L4641–4645, L4687–4693",
        "study_words, trial_name_words",
    ),
    AuditCheck(
        Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES,
        _W,
        ("意見9", "意見11", "意見22"),
        "スケジュールで管理する施策に工程（マイルストーン）がない",
        "A schedule-graded measure has no milestones",
        "L4647–4651, L4659–4673, L4752–4756",
    ),
    AuditCheck(
        Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET,
        _I,
        ("意見9", "意見11"),
        "スケジュールで管理する施策に目標値のない評価指標がある → 工程で示す",
        "A schedule-graded measure has a KPI without a target → show it as milestones",
        "L4647–4651, L4659–4673",
    ),
    AuditCheck(
        Code.AUDIT_NO_CHANGE,
        _W,
        ("意見16", "意見17"),
        "実績値が2年度続けて変わらず目標に届いていない → 見直し",
        "The result has not changed for two years and is short of the target → review",
        "L4705–4715",
        "stagnant_years",
    ),
    AuditCheck(
        Code.AUDIT_NOTHING_SPENT,
        _W,
        ("意見16",),
        "予算があるのに決算が0円 → 見直し",
        "A budget but a settlement of 0 yen → review",
        "L4705–4709",
    ),
    AuditCheck(
        Code.AUDIT_WEAK_TWO_YEARS,
        _W,
        ("意見16", "意見17"),
        "評価C・Dが2年度続いている → 見直し",
        "Graded C or D two years running → review",
        "L4705–4715",
        "weak_grades, weak_years",
    ),
    AuditCheck(
        Code.AUDIT_SUGGEST_STAGE_3,
        _I,
        ("意見18",),
        "基準値＝目標値＝実績値 → 段階3（安定期）への移行を検討",
        "Baseline = target = result → consider moving to stage 3 (stable)",
        "L4717–4723",
    ),
    AuditCheck(
        Code.AUDIT_CAUSE_RESPONSE_MISSING,
        _W,
        ("意見21",),
        "評価D、または実績値が目標を大きく下回るのに原因・今後の対応の記載がない",
        "Graded D, or the result far below the target, with no cause or next step written",
        "L4741–4750",
        "far_below_progress",
    ),
    AuditCheck(
        Code.SELF_GRADE_MISMATCH,
        _W,
        ("自己評価の検証",),
        "自己評価と算定評価（評価基準で再計算）が異なる",
        "The self-grade differs from the computed grade (recomputed by the rules)",
        "L216, L1882–1886",
    ),
    AuditCheck(
        Code.AUDIT_BASIS_WITHOUT_REASON,
        _W,
        ("意見8",),
        "段階と異なる評価方法で評価したのに理由の記載がない",
        "Graded by another basis than the stage's, with no reason written",
        "L1560–1614, L4641–4645",
    ),
    AuditCheck(
        Code.AUDIT_EXECUTION_RATE_LOW,
        _W,
        ("視点④",),
        "執行率（決算÷補正後予算）が基準未満",
        "The execution rate (settlement ÷ revised budget) is below the threshold",
        "L4612",
        "execution_rate_min",
    ),
    AuditCheck(
        Code.AUDIT_SETTLEMENT_OVER_BUDGET,
        _W,
        ("視点④",),
        "決算が補正後予算（補正がなければ当初予算）を超えている",
        "The settlement exceeds the revised budget (the initial budget when not revised)",
        "L4612",
    ),
    AuditCheck(
        Code.AUDIT_NEAR_DUPLICATE,
        _I,
        ("意見11",),
        "担当課所室が異なるだけの同じ事業（体系が同じで施策名の末尾と施策概要が共通）",
        "The same project under different sections (same place in the plan, same name ending and summary)",
        "L4659–4673",
        "near_duplicate_min_suffix, near_duplicate_min_similarity",
    ),
    AuditCheck(
        Code.AUDIT_STAGE_MOVE_UNUSUAL,
        _W,
        ("ライフサイクルの考え方",),
        "ライフサイクルの通常の移行にない段階の変更で、理由の記載がない",
        "A stage change outside the usual lifecycle moves, with no reason written",
        "L1560–1614",
    ),
)

_BY_CODE: Mapping[Code, AuditCheck] = {c.code: c for c in AUDIT_CATALOG}


def check_of(code: Code) -> AuditCheck:
    """The catalog row of an audit code."""
    return _BY_CODE[code]


def audit_finding(
    code: Code, a: AuditInput, entity: object, field_name: str, column: str, value: object, **params: object
) -> Finding:
    """A finding of an audit check, placed at `entity.field_name` and with the catalog's severity.

    :param code: the audit code.
    :param a: the audit input (it locates the entity).
    :param entity: the measure, KPI or project the finding is about.
    :param field_name: the field whose cell the finding points at.
    :param column: the Japanese header of that field.
    :param value: the value shown (the measure or project ID).
    """
    check = check_of(code)
    cited = check.cited(a.named_opinions(entity))
    return Finding.of(
        code,
        **a.where(entity, field_name),
        column=column,
        value=value,
        severity=check.severity,
        cited=_cited(cited),
        cited_en=_cited_en(cited),
        **params,
    )


def _numbers(opinions: tuple[str, ...]) -> list[str]:
    return [o.removeprefix("意見") for o in opinions]


def _cited(opinions: tuple[str, ...]) -> str:
    """("意見5", "意見6") → 「監査意見5・6」; other labels (視点④) as they are."""
    if all(o.startswith("意見") for o in opinions):
        return "監査意見" + "・".join(_numbers(opinions))
    return "・".join(opinions)


def _cited_en(opinions: tuple[str, ...]) -> str:
    if all(o.startswith("意見") for o in opinions):
        return ("audit opinion " if len(opinions) == 1 else "audit opinions ") + ", ".join(_numbers(opinions))
    return ", ".join(_OPINION_EN.get(o, o) for o in opinions)

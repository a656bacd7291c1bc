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
    seed_lines: str  # where the opinion is in the audit report (seed), e.g. "L4498–4530"
    threshold: str = ""  # the `[lint]` key(s) it reads, if any
    general: tuple[str, ...] = ()  # the opinions stating the principle (default: all of `opinions`)

    @property
    def opinion_label(self) -> str:
        """「意見5・6・10」 for people."""
        return "・".join(self.opinions)

    def cited(self, named: Collection[str] = ()) -> tuple[str, ...]:
        """The opinions a finding cites: those of this check that name the measure, else the general ones.

        :param named: the opinions of an audit that name the measure (「意見14」 …).
        """
        own = tuple(o for o in self.opinions if o in named)
        return own or self.general or self.opinions


_W, _I = Severity.WARNING, Severity.INFO

AUDIT_CATALOG: tuple[AuditCheck, ...] = (
    AuditCheck(
        Code.AUDIT_KPI_OUTPUT_ONLY,
        _W,
        ("意見5", "意見6", "意見10", "意見12", "意見13", "意見14", "意見15", "意見18"),
        "評価指標で管理する施策の指標がすべて活動・アウトプット指標（アウトカム指標がない）",
        "L4498–4545, L4653–4657, L4675–4703, L4717–4723",
        "kpi_type_words",
        general=("意見5", "意見6"),
    ),
    AuditCheck(
        Code.AUDIT_KPI_TYPE_GUESSED,
        _I,
        ("意見5",),
        "指標区分が空欄のため、指標名から区分を推定した",
        "L4498–4530",
        "kpi_type_words",
    ),
    AuditCheck(
        Code.AUDIT_KPI_TYPE_MISSING,
        _W,
        ("意見5",),
        "指標区分が空欄で、指標名からも推定できない",
        "L4498–4530",
        "kpi_type_words",
    ),
    AuditCheck(
        Code.AUDIT_STAGE_WITHOUT_TARGET,
        _W,
        ("意見8", "意見14"),
        "段階2・4（評価指標で管理）なのに目標値のある指標がない → 段階1の扱い",
        "L4641–4645, L4687–4693",
    ),
    AuditCheck(
        Code.AUDIT_STUDY_ONLY,
        _W,
        ("意見8", "意見14"),
        "段階2・4なのに施策名と取組結果が実証・検討の段階を示す、または取組結果が検討のみで予算もない → 段階1の扱い",
        "L4641–4645, L4687–4693",
        "study_words, trial_name_words",
    ),
    AuditCheck(
        Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES,
        _W,
        ("意見9", "意見11", "意見22"),
        "スケジュールで管理する施策に工程（マイルストーン）がない",
        "L4647–4651, L4659–4673, L4752–4756",
    ),
    AuditCheck(
        Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET,
        _I,
        ("意見9", "意見11"),
        "スケジュールで管理する施策に目標値のない評価指標がある → 工程で示す",
        "L4647–4651, L4659–4673",
    ),
    AuditCheck(
        Code.AUDIT_NO_CHANGE,
        _W,
        ("意見16", "意見17"),
        "実績値が2年度続けて変わらず目標に届いていない → 見直し",
        "L4705–4715",
        "stagnant_years",
    ),
    AuditCheck(
        Code.AUDIT_NOTHING_SPENT,
        _W,
        ("意見16",),
        "予算があるのに決算が0円 → 見直し",
        "L4705–4709",
    ),
    AuditCheck(
        Code.AUDIT_WEAK_TWO_YEARS,
        _W,
        ("意見16", "意見17"),
        "評価C・Dが2年度続いている → 見直し",
        "L4705–4715",
        "weak_grades, weak_years",
    ),
    AuditCheck(
        Code.AUDIT_SUGGEST_STAGE_3,
        _I,
        ("意見18",),
        "基準値＝目標値＝実績値 → 段階3（安定期）への移行を検討",
        "L4717–4723",
    ),
    AuditCheck(
        Code.AUDIT_CAUSE_RESPONSE_MISSING,
        _W,
        ("意見21",),
        "評価D、または実績値が目標を大きく下回るのに原因・今後の対応の記載がない",
        "L4741–4750",
        "far_below_progress",
    ),
    AuditCheck(
        Code.SELF_GRADE_MISMATCH,
        _W,
        ("自己評価の検証",),
        "自己評価と算定評価（評価基準で再計算）が異なる",
        "L216, L1882–1886",
    ),
    AuditCheck(
        Code.AUDIT_BASIS_WITHOUT_REASON,
        _W,
        ("意見8",),
        "段階と異なる評価方法で評価したのに理由の記載がない",
        "L1560–1614, L4641–4645",
    ),
    AuditCheck(
        Code.AUDIT_EXECUTION_RATE_LOW,
        _W,
        ("視点④",),
        "執行率（決算÷補正後予算）が基準未満",
        "L4612",
        "execution_rate_min",
    ),
    AuditCheck(
        Code.AUDIT_SETTLEMENT_OVER_BUDGET,
        _W,
        ("視点④",),
        "決算が補正後予算（補正がなければ当初予算）を超えている",
        "L4612",
    ),
    AuditCheck(
        Code.AUDIT_NEAR_DUPLICATE,
        _I,
        ("意見11",),
        "担当課所室が異なるだけの同じ事業（体系が同じで施策名の末尾と施策概要が共通）",
        "L4659–4673",
        "near_duplicate_min_suffix, near_duplicate_min_similarity",
    ),
    AuditCheck(
        Code.AUDIT_STAGE_MOVE_UNUSUAL,
        _W,
        ("ライフサイクルの考え方",),
        "ライフサイクルの通常の移行にない段階の変更で、理由の記載がない",
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
    return ", ".join(opinions)

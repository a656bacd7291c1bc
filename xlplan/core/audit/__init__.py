"""The auditor's checks on a plan (`xlplan lint`), pure: a plan in, findings out.

Each check is a function of an `AuditInput` that yields findings of one code; `AUDIT_RULES`
pairs every code of the catalog (`audit_catalog.AUDIT_CATALOG`: severity, audit opinion,
what it looks for) with its function. Thresholds are data (`AuditRules`, the `[lint]` table
of the rules file). Checks that need two years read the plan's own history (stages, actuals,
self-grades by year) and, when given, last year's plan.

    audit_catalog    code → severity, opinion, title (the table people read)
    audit_context    AuditRules (thresholds), AuditInput (plan + facts the checks share)
    audit_kpi_types  the KPI type as entered, or guessed from the KPI name (marked as a guess)
    audit_management KPI types, stages, schedules, stage moves
    audit_results    stagnation, weak grades, stage 3, causes, self-grade ≠ computed grade
    audit_budget     nothing spent, low execution, settlement above budget
    audit_duplicates near-duplicate measures that differ only by owning section
    audit_sheet      the rows of the master's 監査観点 sheet
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from ..enums import Grade
from ..findings import Code, Finding
from ..model import Plan
from .budget import execution_rate_low, nothing_spent, settlement_over_budget
from .catalog import AUDIT_CATALOG, AuditCheck, check_of
from .context import AuditInput, AuditRules, Locator, default_locator
from .duplicates import near_duplicate
from .management import (
    basis_without_reason,
    kpi_output_only,
    kpi_type_guessed,
    kpi_type_missing,
    schedule_kpi_without_target,
    schedule_without_milestones,
    stage_move_unusual,
    stage_without_target,
    study_only,
)
from .results import cause_response_missing, no_change, self_grade_mismatch, suggest_stage_3, weak_two_years

__all__ = ["AUDIT_CATALOG", "AUDIT_RULES", "AuditCheck", "AuditInput", "AuditRules", "audit_plan", "check_of"]

Rule = Callable[[AuditInput], Iterable[Finding]]

# Every audit code with the function that finds it, in the catalog's order.
AUDIT_RULES: Mapping[Code, Rule] = {
    Code.AUDIT_KPI_OUTPUT_ONLY: kpi_output_only,
    Code.AUDIT_KPI_TYPE_GUESSED: kpi_type_guessed,
    Code.AUDIT_KPI_TYPE_MISSING: kpi_type_missing,
    Code.AUDIT_STAGE_WITHOUT_TARGET: stage_without_target,
    Code.AUDIT_STUDY_ONLY: study_only,
    Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES: schedule_without_milestones,
    Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET: schedule_kpi_without_target,
    Code.AUDIT_NO_CHANGE: no_change,
    Code.AUDIT_NOTHING_SPENT: nothing_spent,
    Code.AUDIT_WEAK_TWO_YEARS: weak_two_years,
    Code.AUDIT_SUGGEST_STAGE_3: suggest_stage_3,
    Code.AUDIT_CAUSE_RESPONSE_MISSING: cause_response_missing,
    Code.SELF_GRADE_MISMATCH: self_grade_mismatch,
    Code.AUDIT_BASIS_WITHOUT_REASON: basis_without_reason,
    Code.AUDIT_EXECUTION_RATE_LOW: execution_rate_low,
    Code.AUDIT_SETTLEMENT_OVER_BUDGET: settlement_over_budget,
    Code.AUDIT_NEAR_DUPLICATE: near_duplicate,
    Code.AUDIT_STAGE_MOVE_UNUSUAL: stage_move_unusual,
}


def audit_plan(
    plan: Plan,
    *,
    rules: AuditRules | None = None,
    fiscal_year: int | None = None,
    grades: Mapping[str, Grade] | None = None,
    previous: Plan | None = None,
    previous_grades: Mapping[str, Grade] | None = None,
    locate: Locator | None = None,
    skip: Collection[str] = (),
    named: Mapping[str, Sequence[str]] | None = None,
) -> list[Finding]:
    """Run every audit check on a plan; findings come in catalog order, then plan order.

    :param plan: the plan (usually the master read back).
    :param rules: the thresholds (Akita's by default).
    :param fiscal_year: the evaluated year (default: the plan's `evaluated_fy`).
    :param grades: computed grades of that year by measure ID; without them the self-grade
        check is silent and the other checks use the self-grades.
    :param previous: last year's plan, for the two-year checks.
    :param previous_grades: computed grades of the year before, by measure ID.
    :param locate: where a value sits (default: the entity's source row, master/section layout).
    :param skip: codes not to run (as typed on the command line).
    :param named: the opinions of an audit report naming each measure (measure ID → 「意見14」 …):
        findings on those measures cite them. It never decides whether a measure is flagged.
    """
    year = fiscal_year or plan.evaluated_fy
    active = tuple(m for m in plan.measures if m.is_active_in(year))  # retired or merged-away measures are history
    a = AuditInput(
        plan=replace(plan, measures=active) if len(active) != len(plan.measures) else plan,
        fiscal_year=year,
        rules=rules or AuditRules(),
        grades=dict(grades or {}),
        previous=previous,
        previous_grades=dict(previous_grades or {}),
        locate=locate or default_locator,
        named={measure_id: tuple(opinions) for measure_id, opinions in (named or {}).items()},
    )
    findings: list[Finding] = []
    for check in AUDIT_CATALOG:
        if str(check.code) not in skip:
            findings.extend(AUDIT_RULES[check.code](a))
    return findings

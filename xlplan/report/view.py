"""What the council report shows, as plain values (pure): figures, chart rows, tables.

The grade and budget figures come from `xlplan.core.master.view`, the same functions the
master's 集計 sheet uses, so the report and the master never disagree. Each budget project
is counted once in a total; a project shared by measures of several groups counts in each
group (as in the master).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..core.audit.catalog import AUDIT_CATALOG, AuditCheck
from ..core.enums import Basis, Severity
from ..core.findings import Finding
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.master.view import (
    GRADE_COLUMNS,
    BudgetRow,
    GradeCountRow,
    ListRow,
    achievement_rate,
    budget_row,
    grades_by,
    list_rows,
    shared_marks,
)
from ..core.model import Amounts, Kpi, Measure, Plan

__all__ = ["KpiProgress", "ReportView", "kpi_progress", "report_view"]

NO_GROUP = "（体系なし）"


@dataclass(frozen=True, slots=True)
class KpiProgress:
    """One KPI of a KPI-managed measure: its figures and how far it went toward the target."""

    measure: Measure
    kpi: Kpi
    baseline: float | None
    target: float | None
    actual: float | None
    progress: float | None  # (actual − baseline) ÷ (target − baseline), direction-aware
    achievement: float | None  # actual ÷ target (target ÷ actual when lower is better)
    reached: bool


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """A measure row of the list table with the year's budget of its projects."""

    row: ListRow
    budget: Amounts


@dataclass(frozen=True)
class ReportView:
    """Everything the report prints."""

    plan: Plan
    fiscal_year: int
    generated_at: dt.datetime
    grade_rows: list[GradeCountRow]
    grade_total: GradeCountRow
    budget_rows: list[BudgetRow]
    budget_total: BudgetRow
    kpis: list[KpiProgress]
    lines: list[ListRow | MeasureLine]
    findings: list[tuple[AuditCheck, list[Finding]]]
    marks: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """「秋田市デジタル化推進計画2.0 第2.0版 令和6年度 進捗評価報告」."""
        return f"{self.plan.name} 第{self.plan.version}版 {fy_label(self.fiscal_year)} 進捗評価報告"

    def count(self, severity: Severity) -> int:
        """How many findings of one severity."""
        return sum(1 for _, items in self.findings for f in items if f.severity is severity)


def kpi_progress(kpi: Kpi, fiscal_year: int) -> tuple[float | None, float | None, bool]:
    """Progress from baseline toward target, achievement rate and whether the target is met.

    :returns: (progress, achievement, reached); progress and achievement are None when a figure
        is missing or the target equals the baseline (progress) or is zero (achievement).
    """
    actual, target, baseline = kpi.actuals.get(fiscal_year), kpi.target, kpi.baseline
    if actual is None or target is None:
        return None, None, False
    sign = -1.0 if kpi.lower_is_better else 1.0
    reached = sign * (actual - target) >= 0
    progress = None
    if baseline is not None and target != baseline:
        progress = (actual - baseline) / (target - baseline)
    elif baseline is not None:
        progress = 1.0 if reached else 0.0
    achievement = achievement_rate(actual, target, lower_is_better=kpi.lower_is_better)
    return progress, achievement, reached


def _group_of(measure: Measure) -> str:
    return " ".join(measure.hierarchy[:2]) if measure.hierarchy else NO_GROUP


def _budget_by_group(plan: Plan, fiscal_year: int) -> tuple[list[BudgetRow], BudgetRow]:
    groups = {m.measure_id: _group_of(m) for m in plan.measures}
    order = list(dict.fromkeys(groups.values()))
    projects = [p for p in plan.projects if p.fiscal_year == fiscal_year]
    members: dict[str, list] = {g: [] for g in order}
    for project in projects:
        for group in dict.fromkeys(groups.get(m, NO_GROUP) for m in project.measure_ids):
            members.setdefault(group, []).append(project)
    return [budget_row(g, items) for g, items in members.items() if items], budget_row("合計", projects)


def _measure_budget(plan: Plan, measure_id: str, fiscal_year: int) -> Amounts:
    total = Amounts()
    for project in plan.projects:
        if project.fiscal_year == fiscal_year and measure_id in project.measure_ids:
            total = total + project.total
    return total


def report_view(
    plan: Plan,
    grades: Mapping[str, MeasureGrade],
    findings: Sequence[Finding],
    *,
    fiscal_year: int | None = None,
    generated_at: dt.datetime | None = None,
) -> ReportView:
    """Gather what the report shows.

    :param plan: the plan (the master read back).
    :param grades: computed grades by measure ID.
    :param findings: the audit findings (`audit_plan`).
    :param fiscal_year: the evaluated year (default: the plan's).
    :param generated_at: the time printed on the report (default: now).
    """
    year = fiscal_year or plan.evaluated_fy
    rows = grades_by(plan.measures, grades, year, by="stage")
    total_counts = {column: sum(r.counts[column] for r in rows) for column in GRADE_COLUMNS}
    budget_rows, budget_total = _budget_by_group(plan, year)
    kpis = []
    for measure in plan.measures:
        if measure.basis_in(year) is not Basis.KPI:
            continue
        for kpi in measure.kpis:
            progress, achievement, reached = kpi_progress(kpi, year)
            kpis.append(
                KpiProgress(
                    measure, kpi, kpi.baseline, kpi.target, kpi.actuals.get(year), progress, achievement, reached
                )
            )
    marks = shared_marks(plan.projects)
    lines: list[ListRow | MeasureLine] = [
        row if row.is_heading else MeasureLine(row, _measure_budget(plan, row.measure.measure_id, year))  # type: ignore[union-attr]
        for row in list_rows(plan, marks, grades)
    ]
    by_code: dict[object, list[Finding]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    grouped = [(check, by_code[check.code]) for check in AUDIT_CATALOG if check.code in by_code]
    return ReportView(
        plan=plan,
        fiscal_year=year,
        generated_at=generated_at or dt.datetime.now().replace(microsecond=0),
        grade_rows=rows,
        grade_total=GradeCountRow("計", total_counts),
        budget_rows=budget_rows,
        budget_total=budget_total,
        kpis=kpis,
        lines=lines,
        findings=grouped,
        marks=marks,
    )

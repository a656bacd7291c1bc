"""What the master plan shows besides its data tables: the list table and the totals (pure).

The list table follows the audit report's (L1761–1869): hierarchy headings, then one row per
measure with its sections, name and initial budget, where a budget project shared by several
measures is marked (*1), (*2) and counted once in every total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..enums import Basis, Grade, Stage
from ..grading import MeasureGrade
from ..model import Amounts, BudgetProject, Measure, Plan

__all__ = [
    "NO_PILLAR",
    "BudgetRow",
    "GradeCountRow",
    "ListRow",
    "achievement_rate",
    "budget_by_pillar",
    "grades_by",
    "list_rows",
    "pillar_of",
    "shared_marks",
]

NO_PILLAR = "（体系なし）"
NO_STAGE = "（段階なし）"
NOT_GRADED = "評価対象外"
UNGRADED = "判定不可"
GRADE_COLUMNS: tuple[str, ...] = (*(g.value for g in Grade), NOT_GRADED, UNGRADED)


def pillar_of(measure: Measure) -> str:
    """The top level of a measure's hierarchy (I, II …): the plan's pillar."""
    return measure.hierarchy[0] if measure.hierarchy else NO_PILLAR


def shared_marks(projects: Iterable[BudgetProject]) -> dict[str, str]:
    """`*1`, `*2` … for the projects that fund several measures, in the order given (plan order)."""
    marks: dict[str, str] = {}
    for project in projects:
        if project.is_shared and project.project_id not in marks:
            marks[project.project_id] = f"*{len(marks) + 1}"
    return marks


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the list table: a hierarchy heading (level ≥ 0) or a measure (level = -1)."""

    level: int
    label: str = ""
    measure: Measure | None = None
    initial: int | None = None  # 当初予算 of the measure's projects (shared ones included)
    marks: tuple[str, ...] = ()  # the shared projects among them, e.g. ("*1",)
    grade: MeasureGrade | None = None

    @property
    def is_heading(self) -> bool:
        """True for a hierarchy heading."""
        return self.measure is None


def list_rows(plan: Plan, marks: Mapping[str, str], grades: Mapping[str, MeasureGrade] | None = None) -> list[ListRow]:
    """The list table: a heading whenever the hierarchy changes, then the measure's row.

    :param plan: measures in plan order.
    :param marks: shared project marks (`shared_marks`).
    :param grades: computed grades by measure ID (optional).
    """
    by_measure: dict[str, list[BudgetProject]] = {}
    for project in plan.projects:
        if project.fiscal_year != plan.evaluated_fy:
            continue
        for measure_id in dict.fromkeys(project.measure_ids):
            by_measure.setdefault(measure_id, []).append(project)
    rows: list[ListRow] = []
    previous: tuple[str, ...] = ()
    for measure in plan.measures:
        path = measure.hierarchy
        common = 0
        while common < min(len(path), len(previous)) and path[common] == previous[common]:
            common += 1
        rows.extend(ListRow(level, path[level]) for level in range(common, len(path)))
        previous = path
        projects = by_measure.get(measure.measure_id, [])
        initial = sum(p.total.initial or 0 for p in projects) if projects else None
        rows.append(
            ListRow(
                -1,
                measure=measure,
                initial=initial,
                marks=tuple(marks[p.project_id] for p in projects if p.project_id in marks),
                grade=(grades or {}).get(measure.measure_id),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class GradeCountRow:
    """How many measures of one group got each grade."""

    label: str
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        """All measures of the group."""
        return sum(self.counts.values())


def grade_column(grade: MeasureGrade | None) -> str:
    """The column of the grade tables a measure counts in (A–D, 評価対象外, 判定不可)."""
    if grade is None or grade.basis is None:
        return UNGRADED
    if grade.basis is Basis.NONE:
        return NOT_GRADED
    return grade.grade.value if grade.grade else UNGRADED


def stage_label(stage: Stage | None) -> str:
    """段階2（拡大期）, or （段階なし）."""
    return stage.label if stage else NO_STAGE


def grades_by(
    measures: Sequence[Measure], grades: Mapping[str, MeasureGrade], fiscal_year: int, *, by: str
) -> list[GradeCountRow]:
    """Grade counts per pillar (`by="pillar"`) or per lifecycle stage (`by="stage"`).

    Groups come in plan order for pillars and in stage order for stages.
    """
    groups: dict[str, dict[str, int]] = {}
    if by == "stage":
        for stage in Stage:
            groups[stage.label] = dict.fromkeys(GRADE_COLUMNS, 0)
    for measure in measures:
        if by == "pillar":
            key = pillar_of(measure)
        else:
            grade = grades.get(measure.measure_id)
            key = stage_label(grade.stage if grade else measure.stage_in(fiscal_year))
        counts = groups.setdefault(key, dict.fromkeys(GRADE_COLUMNS, 0))
        counts[grade_column(grades.get(measure.measure_id))] += 1
    return [GradeCountRow(label, counts) for label, counts in groups.items() if by == "pillar" or any(counts.values())]


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """Budget and settlement of a group of measures, each project counted once."""

    label: str
    projects: int
    initial: int
    final_budget: int
    settlement: int
    settled_budget: int  # final budget of the projects that have a settlement

    @property
    def execution_rate(self) -> float | None:
        """執行率 = settlement ÷ final budget, over the projects with a settlement."""
        return self.settlement / self.settled_budget if self.settled_budget else None


def budget_row(label: str, projects: Iterable[BudgetProject]) -> BudgetRow:
    """Totals of distinct projects (by ID and year): a shared project counts once."""
    unique: dict[tuple[str, int], Amounts] = {}
    for project in projects:
        unique.setdefault((project.project_id, project.fiscal_year), project.total)
    totals = list(unique.values())
    settled = [a for a in totals if a.settlement is not None]
    return BudgetRow(
        label=label,
        projects=len(totals),
        initial=sum(a.initial or 0 for a in totals),
        final_budget=sum(a.final_budget or 0 for a in totals),
        settlement=sum(a.settlement or 0 for a in settled),
        settled_budget=sum(a.final_budget or 0 for a in settled),
    )


def budget_by_pillar(plan: Plan) -> tuple[list[BudgetRow], BudgetRow]:
    """Budget per pillar (a project shared across pillars counts in each) and the plan total (once)."""
    pillars = {m.measure_id: pillar_of(m) for m in plan.measures}
    order = list(dict.fromkeys(pillars.values()))
    per_pillar: dict[str, list[BudgetProject]] = {p: [] for p in order}
    projects = [p for p in plan.projects if p.fiscal_year == plan.evaluated_fy]
    for project in projects:
        for pillar in dict.fromkeys(pillars.get(m, NO_PILLAR) for m in project.measure_ids):
            per_pillar.setdefault(pillar, []).append(project)
    rows = [budget_row(label, items) for label, items in per_pillar.items() if items]
    return rows, budget_row("合計", projects)


def achievement_rate(actual: float | None, target: float | None, *, lower_is_better: bool) -> float | None:
    """達成率 as published by the national RS system: actual ÷ target (inverted when lower is better)."""
    if actual is None or target is None:
        return None
    if lower_is_better:
        return target / actual if actual else None
    return actual / target if target else None

"""The plan as plain values: measures, KPIs, milestones, budget projects.

No I/O here. Amounts are thousand yen (千円). Every entity may carry a `source`, the row it
was read from; `layout.cell_of(source, field)` turns that into a cell address, so every value
stays traceable to its file, sheet and cell without wrapping each number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .enums import (
    Aggregation,
    Basis,
    Direction,
    FundingSource,
    Grade,
    KpiType,
    MilestoneStatus,
    Stage,
)
from .fiscal import YearMonth

__all__ = [
    "Amounts",
    "BasisOverride",
    "BudgetProject",
    "ExpenseLine",
    "FundingLine",
    "Kpi",
    "Measure",
    "Milestone",
    "Plan",
    "RowSource",
    "sum_amounts",
]


@dataclass(frozen=True, slots=True)
class RowSource:
    """Where a row came from: file, its sha256, sheet and Excel row number."""

    file: str
    sheet: str
    row: int
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Amounts:
    """当初予算, 補正後予算 and 決算 of one line, in thousand yen (None = not entered)."""

    initial: int | None = None
    revised: int | None = None
    settlement: int | None = None

    @property
    def final_budget(self) -> int | None:
        """The budget in force at year end: 補正後予算, or 当初予算 when none was entered."""
        return self.revised if self.revised is not None else self.initial

    @property
    def execution_rate(self) -> float | None:
        """執行率 = 決算 ÷ final budget, or None when it cannot be computed."""
        budget = self.final_budget
        if not budget or self.settlement is None:
            return None
        return self.settlement / budget

    def __add__(self, other: Amounts) -> Amounts:
        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return Amounts(
            add(self.initial, other.initial),
            add(self.revised, other.revised),
            add(self.settlement, other.settlement),
        )


def sum_amounts(amounts: Iterable[Amounts]) -> Amounts:
    """Add amounts up (a column stays None only when every line left it empty)."""
    total = Amounts()
    for item in amounts:
        total = total + item
    return total


@dataclass(frozen=True, slots=True)
class Kpi:
    """A KPI (評価指標) of a measure, with its baseline, target and actuals."""

    kpi_id: str
    measure_id: str
    name: str
    kpi_type: KpiType | None = None
    unit: str = ""
    aggregation: Aggregation = Aggregation.ANNUAL
    direction: Direction = Direction.HIGHER
    baseline: float | None = None
    baseline_fy: int | None = None
    target: float | None = None
    target_fy: int | None = None
    yearly_targets: Mapping[int, float] = field(default_factory=dict)
    actuals: Mapping[int, float] = field(default_factory=dict)
    reference: Mapping[int, float] = field(default_factory=dict)
    note: str = ""
    source: RowSource | None = None

    @property
    def lower_is_better(self) -> bool:
        """True when a smaller figure is the desired direction (processing time, cost)."""
        return self.direction is Direction.LOWER


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone (マイルストーン) of a schedule-managed measure."""

    measure_id: str
    name: str
    planned_from: YearMonth | None = None
    planned_to: YearMonth | None = None
    status: MilestoneStatus = MilestoneStatus.NOT_STARTED
    completed_on: YearMonth | None = None
    delay_reason: str = ""
    source: RowSource | None = None


@dataclass(frozen=True, slots=True)
class BasisOverride:
    """A measure graded on another basis than its stage implies, and why."""

    basis: Basis
    reason: str


@dataclass(frozen=True, slots=True)
class Measure:
    """An individual measure (個別施策) with a stable ID."""

    measure_id: str
    name: str
    hierarchy: tuple[str, ...] = ()
    primary_section: str = ""
    co_sections: tuple[str, ...] = ()
    summary: str = ""
    target_rationale: str = ""
    expected_effect: str = ""
    stages: Mapping[int, Stage] = field(default_factory=dict)
    basis_overrides: Mapping[int, BasisOverride] = field(default_factory=dict)
    self_grades: Mapping[int, Grade] = field(default_factory=dict)
    results: Mapping[int, str] = field(default_factory=dict)
    causes: Mapping[int, str] = field(default_factory=dict)
    responses: Mapping[int, str] = field(default_factory=dict)
    kpis: tuple[Kpi, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    source: RowSource | None = None
    # Revisions (第2.x版): IDs are never reused. A merged measure keeps the IDs it absorbed; a
    # retired or merged-away measure stays in the plan as history from `retired_fy` on.
    absorbed_ids: tuple[str, ...] = ()
    merged_into: str = ""
    retired_fy: int | None = None

    @property
    def sections(self) -> tuple[str, ...]:
        """Primary owner first, then co-owners."""
        return (self.primary_section, *self.co_sections) if self.primary_section else self.co_sections

    def stage_in(self, fiscal_year: int) -> Stage | None:
        """The lifecycle stage in a fiscal year, if recorded."""
        return self.stages.get(fiscal_year)

    def is_active_in(self, fiscal_year: int) -> bool:
        """True unless the measure was retired or merged away by that fiscal year."""
        return self.retired_fy is None or fiscal_year < self.retired_fy

    def basis_in(self, fiscal_year: int) -> Basis | None:
        """The grading basis in a fiscal year: an explicit override, else the stage's."""
        if override := self.basis_overrides.get(fiscal_year):
            return override.basis
        stage = self.stage_in(fiscal_year)
        return stage.basis if stage else None


@dataclass(frozen=True, slots=True)
class ExpenseLine:
    """One 科目 line of a budget project."""

    project_id: str
    item: str
    amounts: Amounts
    source: RowSource | None = None


@dataclass(frozen=True, slots=True)
class FundingLine:
    """One 財源区分 line of a budget project."""

    project_id: str
    funding_source: FundingSource
    amounts: Amounts
    source: RowSource | None = None


@dataclass(frozen=True, slots=True)
class BudgetProject:
    """A budget project (予算事業) of one fiscal year, funding one or more measures."""

    project_id: str
    name: str
    fiscal_year: int
    measure_ids: tuple[str, ...] = ()
    section: str = ""
    total: Amounts = field(default_factory=Amounts)
    lines: tuple[ExpenseLine, ...] = ()
    funding: tuple[FundingLine, ...] = ()
    main_contents: str = ""
    specific_funding_note: str = ""
    source: RowSource | None = None

    @property
    def is_shared(self) -> bool:
        """True when the project funds several measures (the report's *1, *2)."""
        return len(self.measure_ids) > 1

    def lines_total(self) -> Amounts:
        """Sum of the expense lines."""
        return sum_amounts(line.amounts for line in self.lines)

    def funding_total(self) -> Amounts:
        """Sum of the funding lines."""
        return sum_amounts(line.amounts for line in self.funding)


@dataclass(frozen=True, slots=True)
class Plan:
    """A version of the plan (第2.1版) with its measures and budget projects."""

    name: str = "デジタル化推進計画"
    version: str = "2.0"
    period: tuple[int, int] = (2024, 2026)
    evaluated_fy: int = 2024
    measures: tuple[Measure, ...] = ()
    projects: tuple[BudgetProject, ...] = ()

    def measure(self, measure_id: str) -> Measure | None:
        """Look a measure up by its ID."""
        return next((m for m in self.measures if m.measure_id == measure_id), None)

    def projects_of(self, measure_id: str) -> tuple[BudgetProject, ...]:
        """The budget projects that fund a measure."""
        return tuple(p for p in self.projects if measure_id in p.measure_ids)

    def budget_total(self) -> Amounts:
        """Budget and settlement of the whole plan, counting each project once."""
        total = Amounts()
        seen: set[tuple[str, int]] = set()
        for project in self.projects:
            key = (project.project_id, project.fiscal_year)
            if key not in seen:
                seen.add(key)
                total = total + project.total
        return total

"""Turn the normalised rows of a section workbook into model objects (pure).

Values that failed validation are simply left out (None): the findings already say where
they are. Every entity keeps the row it came from (`RowSource`).
"""

from __future__ import annotations

from collections import defaultdict

from .enums import Aggregation, Basis, Direction, FundingSource, Grade, KpiType, MilestoneStatus, Stage
from .model import (
    Amounts,
    BasisOverride,
    BudgetProject,
    ExpenseLine,
    FundingLine,
    Kpi,
    Measure,
    Milestone,
    RowSource,
)
from .records import Record, amount, member, month, names, number, text, whole_number
from .tables import SectionWorkbook, SheetRows

__all__ = ["SectionContent", "assemble_section"]


class SectionContent:
    """What one section workbook says: its measures and its budget projects."""

    def __init__(self, measures: tuple[Measure, ...], projects: tuple[BudgetProject, ...]) -> None:
        self.measures = measures
        self.projects = projects


def assemble_section(book: SectionWorkbook, fiscal_year: int) -> SectionContent:
    """Build measures (with stages, KPIs, milestones) and budget projects from a workbook.

    :param book: the workbook as read.
    :param fiscal_year: the evaluated fiscal year (actuals, self-grades and results belong to it).
    """
    rows = {key: list(_records(book, key)) for key in book.sheets}
    kpis: dict[str, list[Kpi]] = defaultdict(list)
    for record, source in rows.get("kpi", []):
        if kpi := _kpi(record, source, fiscal_year):
            kpis[kpi.measure_id].append(kpi)
    milestones: dict[str, list[Milestone]] = defaultdict(list)
    for record, source in rows.get("schedule", []):
        if milestone := _milestone(record, source):
            milestones[milestone.measure_id].append(milestone)
    stages: dict[str, dict[int, Stage]] = defaultdict(dict)
    overrides: dict[str, dict[int, BasisOverride]] = defaultdict(dict)
    for record, _source in rows.get("lifecycle", []):
        measure_id, year = text(record, "measure_id"), whole_number(record, "fiscal_year")
        stage = member(Stage, record.get("stage"))
        if not measure_id or year is None or stage is None:
            continue
        stages[measure_id][year] = stage
        basis = member(Basis, record.get("basis"))
        if basis is not None and basis is not stage.basis:
            overrides[measure_id][year] = BasisOverride(basis, text(record, "reason"))

    measures = []
    for record, source in rows.get("measures", []):
        measure_id = text(record, "measure_id")
        if not measure_id:
            continue
        grade = member(Grade, record.get("self_grade"))
        measures.append(
            Measure(
                measure_id=measure_id,
                name=text(record, "name"),
                hierarchy=tuple(p.strip() for p in text(record, "hierarchy").split(">") if p.strip()),
                primary_section=text(record, "primary_section"),
                co_sections=tuple(s for s in names(text(record, "co_sections"))),
                summary=text(record, "summary"),
                target_rationale=text(record, "target_rationale"),
                expected_effect=text(record, "expected_effect"),
                stages=stages.get(measure_id, {}),
                basis_overrides=overrides.get(measure_id, {}),
                self_grades={fiscal_year: grade} if grade else {},
                results=_yearly(fiscal_year, text(record, "results")),
                causes=_yearly(fiscal_year, text(record, "cause")),
                responses=_yearly(fiscal_year, text(record, "response")),
                kpis=tuple(kpis.get(measure_id, ())),
                milestones=tuple(milestones.get(measure_id, ())),
                source=source,
            )
        )

    lines: dict[str, list[ExpenseLine]] = defaultdict(list)
    for record, source in rows.get("budget", []):
        project_id = text(record, "project_id")
        if project_id:
            lines[project_id].append(ExpenseLine(project_id, text(record, "item"), _amounts(record), source))
    funding: dict[str, list[FundingLine]] = defaultdict(list)
    for record, source in rows.get("funding", []):
        project_id = text(record, "project_id")
        funding_source = member(FundingSource, record.get("funding_source"))
        if project_id and funding_source:
            funding[project_id].append(FundingLine(project_id, funding_source, _amounts(record), source))
    projects = []
    for record, source in rows.get("projects", []):
        project_id = text(record, "project_id")
        if not project_id:
            continue
        projects.append(
            BudgetProject(
                project_id=project_id,
                name=text(record, "name"),
                fiscal_year=fiscal_year,
                measure_ids=tuple(m for m in text(record, "measure_ids").split(",") if m),
                section=text(record, "section"),
                total=_amounts(record),
                lines=tuple(lines.get(project_id, ())),
                funding=tuple(funding.get(project_id, ())),
                main_contents=text(record, "main_contents"),
                specific_funding_note=text(record, "specific_funding_note"),
                source=source,
            )
        )
    return SectionContent(tuple(measures), tuple(projects))


def _records(book: SectionWorkbook, key: str):  # type: ignore[no-untyped-def]
    table: SheetRows = book.sheets[key]
    for record, row in zip(table.records, table.rows, strict=True):
        yield record, RowSource(book.path, table.sheet_name, row, book.sha256)


def _kpi(record: Record, source: RowSource, fiscal_year: int) -> Kpi | None:
    kpi_id, measure_id = text(record, "kpi_id"), text(record, "measure_id")
    if not kpi_id or not measure_id:
        return None
    return Kpi(
        kpi_id=kpi_id,
        measure_id=measure_id,
        name=text(record, "name"),
        kpi_type=member(KpiType, record.get("kpi_type")),
        unit=text(record, "unit"),
        aggregation=member(Aggregation, record.get("aggregation")) or Aggregation.ANNUAL,
        direction=member(Direction, record.get("direction")) or Direction.HIGHER,
        baseline=number(record, "baseline"),
        baseline_fy=whole_number(record, "baseline_fy"),
        target=number(record, "target"),
        target_fy=whole_number(record, "target_fy"),
        yearly_targets=_present({fiscal_year: number(record, "yearly_target")}),
        actuals=_present({fiscal_year - 1: number(record, "previous_actual"), fiscal_year: number(record, "actual")}),
        reference=_present({fiscal_year: number(record, "reference")}),
        note=text(record, "note"),
        source=source,
    )


def _milestone(record: Record, source: RowSource) -> Milestone | None:
    measure_id = text(record, "measure_id")
    if not measure_id:
        return None
    return Milestone(
        measure_id=measure_id,
        name=text(record, "name"),
        planned_from=month(record, "planned_from"),
        planned_to=month(record, "planned_to"),
        status=member(MilestoneStatus, record.get("status")) or MilestoneStatus.NOT_STARTED,
        completed_on=month(record, "completed_on"),
        delay_reason=text(record, "delay_reason"),
        source=source,
    )


def _amounts(record: Record) -> Amounts:
    return Amounts(amount(record, "initial"), amount(record, "revised"), amount(record, "settlement"))


def _present(values: dict[int, float | None]) -> dict[int, float]:
    return {k: v for k, v in values.items() if v is not None}


def _yearly(fiscal_year: int, text: str) -> dict[int, str]:
    return {fiscal_year: text} if text else {}

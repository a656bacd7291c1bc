"""Merge what the sections sent into one plan, and say where copies disagree (pure).

Each returned workbook says something about some measures and budget projects. A measure is
reported by its primary owner (主担当: stages, KPIs, schedule, results); co-owners carry it as
a reference row (ID, name, owners) and contribute their own budget projects. The same
measure or project sent twice is compared row by row and field by field: identical copies
are counted once (an info), differing ones yield a conflict that names both cells. The first
copy in input order is kept; nothing is overwritten silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..assemble import SectionContent
from ..disassemble import section_records
from ..findings import Code, Finding
from ..layout import BUDGET, FUNDING, KPI, LIFECYCLE, MEASURES, PROJECTS, SCHEDULE, SheetLayout
from ..model import BudgetProject, Measure, RowSource
from ..tables import SectionWorkbook
from .plan_order import plan_order, project_order
from .provenance import cell_of
from .row_compare import address_or_unknown, compare_rows, with_sources

__all__ = [
    "MergeResult",
    "SectionInput",
    "lifecycle_sources",
    "merge_sections",
]

StageKey = tuple[str, int]

# The fields a co-owner's reference row carries; everything else is the primary owner's to report.
REFERENCE_FIELDS = ("measure_id", "name", "hierarchy", "primary_section", "co_sections")


@dataclass(frozen=True, slots=True)
class SectionInput:
    """One readable section workbook to merge: who sent it and what it says."""

    file: str
    section: str
    content: SectionContent
    lifecycle: Mapping[StageKey, RowSource] = field(default_factory=dict)

    def owns(self, measure: Measure) -> bool:
        """True when this workbook reports the measure in full (its primary owner, or unstamped)."""
        return not self.section or not measure.primary_section or measure.primary_section == self.section


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged measures (plan order) and projects, where stages came from, and what merging found."""

    measures: tuple[Measure, ...]
    projects: tuple[BudgetProject, ...]
    stage_sources: Mapping[StageKey, RowSource]
    findings: tuple[Finding, ...]
    sections: tuple[str, ...]


def lifecycle_sources(book: SectionWorkbook) -> dict[StageKey, RowSource]:
    """Where each (measure, fiscal year) stage of a workbook was read, from its ライフサイクル rows."""
    table = book.sheets.get(LIFECYCLE.key)
    if table is None:
        return {}
    found: dict[StageKey, RowSource] = {}
    for record, row in zip(table.records, table.rows, strict=True):
        measure_id, year = record.get("measure_id"), record.get("fiscal_year")
        if isinstance(measure_id, str) and isinstance(year, int):
            found.setdefault((measure_id, year), RowSource(book.path, table.sheet_name, row, book.sha256))
    return found


def merge_sections(
    inputs: Sequence[SectionInput], fiscal_year: int, *, previous_order: Sequence[str] = ()
) -> MergeResult:
    """Merge section workbooks into measures and projects, with a finding for every disagreement.

    :param inputs: the readable workbooks of one fiscal year, in a stable order (the first copy wins).
    :param fiscal_year: the evaluated fiscal year.
    :param previous_order: measure IDs in the previous master's order (kept for the plan order).
    """
    findings: list[Finding] = list(_sections_sent_twice(inputs))
    merger = _Merger(fiscal_year, findings)
    for item in inputs:
        merger.add(item)
    measures = merger.measures()
    known = {m.measure_id for m in measures}
    projects = merger.projects()
    for project in projects:
        for measure_id in project.measure_ids:
            if measure_id not in known:
                findings.append(
                    _at(
                        Code.PROJECT_MEASURE_MISSING,
                        project.source,
                        PROJECTS,
                        "measure_ids",
                        measure_id,
                        project=project.project_id,
                    )
                )
    stage_sources = {
        (m.measure_id, year): merger.stage_source(m.measure_id, year) for m in measures for year in m.stages
    }
    ordered = plan_order(measures, previous_order)
    sections = tuple(dict.fromkeys(i.section for i in inputs if i.section))
    return MergeResult(
        measures=tuple(ordered),
        projects=tuple(project_order(projects, ordered)),
        stage_sources={k: v for k, v in stage_sources.items() if v is not None},
        findings=tuple(findings),
        sections=sections,
    )


class _Merger:
    """Collects the first copy of each measure and project and compares later copies with it."""

    def __init__(self, fiscal_year: int, findings: list[Finding]) -> None:
        self.fiscal_year = fiscal_year
        self.findings = findings
        self.owners: dict[str, tuple[Measure, SectionInput]] = {}
        self.references: dict[str, list[tuple[Measure, SectionInput]]] = {}
        self.order: list[str] = []
        self.project_copies: dict[str, tuple[BudgetProject, SectionInput]] = {}

    def add(self, item: SectionInput) -> None:
        """Take one workbook's measures and projects: keep first copies, compare later ones."""
        seen: set[str] = set()
        for measure in item.content.measures:
            if measure.measure_id in seen:
                continue  # a duplicate inside one file: `check` already reported it at its cell
            seen.add(measure.measure_id)
            if measure.measure_id not in self.owners and measure.measure_id not in self.references:
                self.order.append(measure.measure_id)
            if not item.owns(measure):
                self.references.setdefault(measure.measure_id, []).append((measure, item))
            elif measure.measure_id in self.owners:
                kept, kept_from = self.owners[measure.measure_id]
                self._compare_measures(kept, kept_from, measure, item)
            else:
                self.owners[measure.measure_id] = (measure, item)
        seen_projects: set[str] = set()
        for project in item.content.projects:
            if project.project_id in seen_projects:
                continue
            seen_projects.add(project.project_id)
            if project.project_id in self.project_copies:
                kept_project, _ = self.project_copies[project.project_id]
                self._compare_projects(kept_project, project)
            else:
                self.project_copies[project.project_id] = (project, item)

    def measures(self) -> list[Measure]:
        """The merged measures (first-seen order); reference rows are compared with the kept row."""
        merged = []
        for measure_id in self.order:
            references = self.references.get(measure_id, [])
            if measure_id in self.owners:
                kept = self.owners[measure_id][0]
            else:
                kept = references[0][0]
                references = references[1:]
                self.findings.append(
                    _at(
                        Code.MEASURE_OWNER_MISSING,
                        kept.source,
                        MEASURES,
                        "measure_id",
                        measure_id,
                        owner=kept.primary_section,
                    )
                )
            for reference, _ in references:
                self._compare_reference(kept, reference)
            merged.append(kept)
        return merged

    def projects(self) -> list[BudgetProject]:
        """The first copy of every budget project."""
        return [project for project, _ in self.project_copies.values()]

    def stage_source(self, measure_id: str, year: int) -> RowSource | None:
        """The ライフサイクル row a kept measure's stage of `year` was read from."""
        item = self.owners[measure_id][1] if measure_id in self.owners else self.references[measure_id][0][1]
        return item.lifecycle.get((measure_id, year))

    # comparisons --------------------------------------------------------------------------

    def _compare_measures(
        self, kept: Measure, kept_from: SectionInput, other: Measure, other_from: SectionInput
    ) -> None:
        before = len(self.findings)
        year = self.fiscal_year
        a, b = section_records([kept], [], year), section_records([other], [], year)
        self.findings += compare_rows(
            MEASURES,
            ("measure_id",),
            with_sources([kept.source], a["measures"]),
            with_sources([other.source], b["measures"]),
        )
        self.findings += compare_rows(
            LIFECYCLE,
            ("fiscal_year",),
            with_sources([kept_from.lifecycle.get((kept.measure_id, y)) for y in sorted(kept.stages)], a["lifecycle"]),
            with_sources(
                [other_from.lifecycle.get((other.measure_id, y)) for y in sorted(other.stages)], b["lifecycle"]
            ),
            kept.source,
            other.source,
        )
        self.findings += compare_rows(
            SCHEDULE,
            ("name",),
            with_sources([ms.source for ms in kept.milestones], a["schedule"]),
            with_sources([ms.source for ms in other.milestones], b["schedule"]),
            kept.source,
            other.source,
        )
        self.findings += compare_rows(
            KPI,
            ("kpi_id",),
            with_sources([k.source for k in kept.kpis], a["kpi"]),
            with_sources([k.source for k in other.kpis], b["kpi"]),
            kept.source,
            other.source,
        )
        if len(self.findings) == before:
            self._duplicate("施策", other.source, MEASURES, "measure_id", kept.source, other.measure_id)

    def _compare_reference(self, kept: Measure, reference: Measure) -> None:
        a = section_records([kept], [], self.fiscal_year)["measures"]
        b = section_records([reference], [], self.fiscal_year)["measures"]
        self.findings += compare_rows(
            MEASURES,
            ("measure_id",),
            with_sources([kept.source], a),
            with_sources([reference.source], b),
            only=REFERENCE_FIELDS,
        )
        if what := _owner_data(reference):
            self.findings.append(
                _at(
                    Code.MEASURE_NOT_OWNER,
                    reference.source,
                    MEASURES,
                    "measure_id",
                    reference.measure_id,
                    owner=kept.primary_section,
                    what=what,
                )
            )

    def _compare_projects(self, kept: BudgetProject, other: BudgetProject) -> None:
        before = len(self.findings)
        year = self.fiscal_year
        a, b = section_records([], [kept], year), section_records([], [other], year)
        self.findings += compare_rows(
            PROJECTS,
            ("project_id",),
            with_sources([kept.source], a["projects"]),
            with_sources([other.source], b["projects"]),
        )
        for layout, key, lines_a, lines_b in (
            (BUDGET, "item", kept.lines, other.lines),
            (FUNDING, "funding_source", kept.funding, other.funding),
        ):
            self.findings += compare_rows(
                layout,
                ("project_id", key),
                with_sources([line.source for line in lines_a], a[layout.key]),
                with_sources([line.source for line in lines_b], b[layout.key]),
                kept.source,
                other.source,
                parent_layout=PROJECTS,
                parent_field="project_id",
            )
        if len(self.findings) == before:
            self._duplicate("予算事業", other.source, PROJECTS, "project_id", kept.source, other.project_id)

    def _duplicate(
        self,
        what: str,
        source: RowSource | None,
        layout: SheetLayout,
        field_name: str,
        kept: RowSource | None,
        value: str,
    ) -> None:
        self.findings.append(
            _at(
                Code.CONSOLIDATION_DUPLICATE,
                source,
                layout,
                field_name,
                value,
                what=what,
                other=address_or_unknown(kept, layout, field_name),
            )
        )


def _at(
    code: Code, source: RowSource | None, layout: SheetLayout, field_name: str, value: object, **params: object
) -> Finding:
    return Finding.of(
        code,
        file=source.file if source else "",
        sheet=source.sheet if source else "",
        cell=cell_of(source, layout, field_name),
        column=layout.column(field_name).header,
        value=value,
        **params,
    )


_OWNER_DATA = (
    ("stages", "ライフサイクル段階"),
    ("kpis", "評価指標"),
    ("milestones", "スケジュール"),
    ("summary", "施策概要"),
    ("target_rationale", "目標値の考え方"),
    ("expected_effect", "見込まれる効果"),
    ("self_grades", "自己評価"),
    ("results", "取組結果"),
    ("causes", "原因"),
    ("responses", "今後の対応"),
)


def _owner_data(measure: Measure) -> str:
    """What a co-owner typed that only the primary owner reports (Japanese list, '' if nothing)."""
    return "・".join(label for name, label in _OWNER_DATA if getattr(measure, name))


def _sections_sent_twice(inputs: Sequence[SectionInput]) -> Iterator[Finding]:
    first: dict[str, str] = {}
    for item in inputs:
        if not item.section:
            continue
        if item.section in first:
            yield Finding.of(Code.SECTION_SENT_TWICE, file=item.file, value=item.section, other=first[item.section])
        else:
            first[item.section] = item.file

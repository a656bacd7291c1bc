"""Cross-sheet rules of one section workbook (pure): references, duplicates, stages, sums.

They run on the normalised rows, so every finding names the exact cell to fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from .enums import Basis, MilestoneStatus, Stage
from .findings import Code, Finding
from .fiscal import fy_label
from .layout import MEASURES, SECTION_SHEETS
from .master.merge import REFERENCE_FIELDS
from .records import member
from .tables import SectionWorkbook, SheetRows

__all__ = ["check_section"]

_AMOUNT_LABELS = {"initial": "当初予算", "revised": "補正後予算", "settlement": "決算"}


def check_section(book: SectionWorkbook, fiscal_year: int) -> list[Finding]:
    """Every cross-sheet finding of one readable section workbook.

    :param book: the workbook as read.
    :param fiscal_year: the evaluated fiscal year (the stage of this year decides what is required).
    """
    if not book.readable:
        return []
    findings: list[Finding] = []
    findings += _duplicates(book)
    findings += _references(book)
    findings += _stage_requirements(book, fiscal_year)
    findings += _sums(book)
    findings += _milestone_dates(book)
    findings += _typed_by_co_owner(book)
    return findings


def _rows(book: SectionWorkbook, key: str) -> Iterator[tuple[int, dict[str, object], SheetRows]]:
    table = book.sheets.get(key)
    if table is not None:
        for i, record in enumerate(table.records):
            yield i, record, table


def _finding(
    code: Code, book: SectionWorkbook, table: SheetRows, index: int, field: str, value: object = None, **params: object
) -> Finding:
    column = table.layout.column(field)
    shown = table.records[index].get(field) if value is None else value
    return Finding.of(
        code,
        file=book.path,
        sheet=table.sheet_name,
        cell=table.cell(field, index),
        column=column.header,
        value=shown,
        **params,
    )


def _duplicates(book: SectionWorkbook) -> Iterator[Finding]:
    for layout in SECTION_SHEETS:
        if not layout.keys:
            continue
        first_seen: dict[tuple[object, ...], int] = {}
        for i, record, table in _rows(book, layout.key):
            key = tuple(record.get(f) for f in layout.keys)
            if any(v is None for v in key):
                continue
            if key in first_seen:
                other = table.cell(layout.keys[0], first_seen[key])
                yield _finding(Code.ID_DUPLICATE, book, table, i, layout.keys[-1], other=f"{table.sheet_name}!{other}")
            else:
                first_seen[key] = i


def _measure_ids(book: SectionWorkbook) -> set[str]:
    return {str(r["measure_id"]) for _, r, _ in _rows(book, "measures") if r.get("measure_id")}


def _references(book: SectionWorkbook) -> Iterator[Finding]:
    measures = _measure_ids(book)
    if "measures" in book.sheets:
        for key in ("lifecycle", "schedule", "kpi"):
            for i, record, table in _rows(book, key):
                measure_id = record.get("measure_id")
                if isinstance(measure_id, str) and measure_id not in measures:
                    yield _finding(Code.MEASURE_UNKNOWN, book, table, i, "measure_id")
        for i, record, table in _rows(book, "projects"):
            listed = record.get("measure_ids")
            # A project may fund measures of other sections (the shared LINE project funds four).
            for measure_id in str(listed).split(",") if isinstance(listed, str) else ():
                if measure_id not in measures:
                    yield _finding(Code.MEASURE_ELSEWHERE, book, table, i, "measure_ids", value=measure_id)
    if "projects" in book.sheets:
        projects = {r.get("project_id") for _, r, _ in _rows(book, "projects")}
        for key in ("budget", "funding"):
            for i, record, table in _rows(book, key):
                project_id = record.get("project_id")
                if isinstance(project_id, str) and project_id not in projects:
                    yield _finding(Code.PROJECT_UNKNOWN, book, table, i, "project_id")


def _stage_requirements(book: SectionWorkbook, fiscal_year: int) -> Iterator[Finding]:
    if "lifecycle" not in book.sheets:
        return
    stage_rows: dict[str, int] = {}
    for i, record, _ in _rows(book, "lifecycle"):
        if record.get("fiscal_year") == fiscal_year and isinstance(record.get("measure_id"), str):
            stage_rows[str(record["measure_id"])] = i
    kpi_rows: dict[str, list[int]] = {}
    for i, record, _ in _rows(book, "kpi"):
        kpi_rows.setdefault(str(record.get("measure_id")), []).append(i)
    with_milestones = {str(r.get("measure_id")) for _, r, _ in _rows(book, "schedule")}
    lifecycle = book.sheets["lifecycle"]
    for i, record, table in _rows(book, "measures"):
        measure_id = record.get("measure_id")
        if not isinstance(measure_id, str) or not _owned_here(book, record):
            continue
        if measure_id not in stage_rows:
            yield _finding(Code.STAGE_MISSING, book, table, i, "measure_id", fiscal_year=fy_label(fiscal_year))
            continue
        row = stage_rows[measure_id]
        stage = member(Stage, lifecycle.records[row].get("stage"))
        if stage is None:
            continue  # the schema already reported the bad stage
        basis = member(Basis, lifecycle.records[row].get("basis")) or stage.basis
        if basis is Basis.KPI:
            yield from _kpi_requirements(book, measure_id, stage, kpi_rows.get(measure_id, []), row)
        elif basis is Basis.SCHEDULE and measure_id not in with_milestones:
            yield _finding(Code.MILESTONE_MISSING, book, lifecycle, row, "stage", value=measure_id, stage=stage)


def _owned_here(book: SectionWorkbook, record: dict[str, object]) -> bool:
    """Stages, KPIs and milestones are the primary owner's to report, not a co-owner's."""
    primary = record.get("primary_section")
    return not book.section or not isinstance(primary, str) or primary == book.section


def _kpi_requirements(
    book: SectionWorkbook, measure_id: str, stage: Stage, rows: list[int], stage_row: int
) -> Iterator[Finding]:
    if not rows:
        yield _finding(
            Code.KPI_MISSING, book, book.sheets["lifecycle"], stage_row, "stage", value=measure_id, stage=stage
        )
        return
    kpi = book.sheets["kpi"]
    for i in rows:
        record = kpi.records[i]
        if record.get("target") is None:
            yield _finding(Code.KPI_TARGET_MISSING, book, kpi, i, "target", value="", measure=measure_id, stage=stage)
        if record.get("baseline") is None:
            yield _finding(Code.KPI_BASELINE_MISSING, book, kpi, i, "baseline", value="", measure=measure_id)


def _sums(book: SectionWorkbook) -> Iterator[Finding]:
    parts = {key: _totals_by_project(book, key) for key in ("budget", "funding") if key in book.sheets}
    codes = {"budget": (Code.BUDGET_LINES_MISMATCH, "lines_total"), "funding": (Code.FUNDING_MISMATCH, "funding_total")}
    no_lines = dict.fromkeys(_AMOUNT_LABELS, 0.0)
    for i, record, table in _rows(book, "projects"):
        project_id = record.get("project_id")
        for key, totals in parts.items():
            code, label = codes[key]
            # A project with a total but no lines at all is as wrong as one whose lines differ.
            for amount, summed in totals.get(project_id, no_lines).items():
                total = record.get(amount)
                if not isinstance(total, float) or summed is None or abs(summed - total) < 0.5:
                    continue
                yield _finding(
                    code,
                    book,
                    table,
                    i,
                    amount,
                    value=project_id,
                    amount=_AMOUNT_LABELS[amount],
                    total=f"{total:,.0f}",
                    difference=f"{summed - total:+,.0f}",
                    **{label: f"{summed:,.0f}"},
                )


def _totals_by_project(book: SectionWorkbook, key: str) -> dict[object, dict[str, float | None]]:
    """Sum of the lines per project and amount; None where a line's value is itself invalid
    (already reported at its cell, so the sum would only repeat the same mistake)."""
    totals: dict[object, dict[str, float | None]] = {}
    invalid: set[tuple[object, str]] = set()
    for _, record, _ in _rows(book, key):
        project_id = record.get("project_id")
        sums = totals.setdefault(project_id, dict.fromkeys(_AMOUNT_LABELS, 0.0))
        for amount in _AMOUNT_LABELS:
            value = record.get(amount)
            if isinstance(value, float) and value >= 0:
                sums[amount] = (sums[amount] or 0.0) + value
            elif value is not None:
                invalid.add((project_id, amount))
    for project_id, amount in invalid:
        totals[project_id][amount] = None
    return totals


def _milestone_dates(book: SectionWorkbook) -> Iterator[Finding]:
    for i, record, table in _rows(book, "schedule"):
        if record.get("status") == MilestoneStatus.DONE and record.get("completed_on") is None:
            yield _finding(Code.MILESTONE_DONE_WITHOUT_DATE, book, table, i, "completed_on", value="")


# what a co-owner's row of 施策 may hold: the reference fields; everything else is the owner's
_OWNER_FIELDS = tuple(c.field for c in MEASURES.columns if c.field not in REFERENCE_FIELDS)
_OWNER_SHEETS = (("lifecycle", "ライフサイクル段階"), ("kpi", "評価指標"), ("schedule", "スケジュール"))


def _typed_by_co_owner(book: SectionWorkbook) -> Iterator[Finding]:
    """A co-owner typed what only the primary owner reports: `consolidate` would drop it, so
    say so now, at the first such cell, while the section can still move it."""
    co_owned: dict[str, str] = {}  # measure ID → its primary owner
    for i, record, table in _rows(book, "measures"):
        measure_id, primary = record.get("measure_id"), record.get("primary_section")
        if not isinstance(measure_id, str) or _owned_here(book, record):
            continue
        co_owned[measure_id] = str(primary)
        typed = [f for f in _OWNER_FIELDS if record.get(f) not in (None, "")]
        if typed:
            what = "・".join(table.layout.column(f).header for f in typed)
            yield _finding(Code.MEASURE_NOT_OWNER, book, table, i, typed[0], value=measure_id, owner=primary, what=what)
    for key, what in _OWNER_SHEETS:
        for i, record, table in _rows(book, key):
            measure_id = record.get("measure_id")
            if isinstance(measure_id, str) and measure_id in co_owned:
                owner = co_owned[measure_id]
                yield _finding(Code.MEASURE_NOT_OWNER, book, table, i, "measure_id", owner=owner, what=what)

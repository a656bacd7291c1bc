"""Read a master plan workbook back into a `Plan`, for later commands (through the guarded reader).

The master's data sheets follow the section layout, so their rows are normalised by the
same rules and assembled by the same code as a section workbook's. Every entity's `source`
is its row in the master; `Master.origins` maps that row to the section cell it came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core.assemble import assemble_section
from ..core.cells import column_letter, split_cell
from ..core.enums import Basis, Grade, Stage
from ..core.fiscal import parse_fiscal_year
from ..core.grading import MeasureGrade
from ..core.layout import SheetLayout
from ..core.master.kpi_years import KpiYear, with_other_years
from ..core.master.layout import (
    DATA_SHEETS,
    FIRST_DATA_ROW,
    GRADES_COLUMNS,
    GRADES_SHEET,
    HEADER_ROW,
    HISTORY_ACTIVE,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    KPI_YEARS_COLUMNS,
    KPI_YEARS_SHEET,
    MASTER_FORMAT_VERSION,
    META_SHEET,
    PROVENANCE_COLUMNS,
)
from ..core.model import Measure, Plan, RowSource
from ..core.normalize import normalize_cell
from ..core.tables import SectionWorkbook, SheetRows
from ..errors import WrongKindError, XlplanError
from .xlsx.limits import MASTER_LIMITS, InputRefused
from .xlsx.package import WorkbookParts, open_workbook

__all__ = ["Master", "is_master", "read_master"]

_STAGES = {stage.label: stage for stage in Stage}
_PROVENANCE_HEADERS = {c.header: c.field for c in PROVENANCE_COLUMNS}


@dataclass(frozen=True)
class Master:
    """A master workbook as read: its plan, the grades it shows and where each row came from."""

    path: str
    sha256: str
    meta: Mapping[str, str]
    plan: Plan
    origins: Mapping[tuple[str, int], RowSource] = field(default_factory=dict)
    grades: tuple[MeasureGrade, ...] = ()
    history: tuple[Measure, ...] = ()  # measures retired or merged away (改訂履歴), not in `plan`

    def origin(self, source: RowSource | None) -> RowSource | None:
        """The section row a master row came from (None when unknown)."""
        return self.origins.get((source.sheet, source.row)) if source else None

    @property
    def sections(self) -> tuple[str, ...]:
        """Every section named in the plan (primary owners, co-owners, project owners), in plan order."""
        found: dict[str, None] = {}
        for measure in self.plan.measures:
            found.update(dict.fromkeys(measure.sections))
        for project in self.plan.projects:
            if project.section:
                found[project.section] = None
        return tuple(found)


def is_master(meta: Mapping[str, str]) -> bool:
    """True when a workbook's _meta says it is an xlplan master (any format version)."""
    return meta.get("master_format", "").startswith("xlplan-master/")


def read_master(path: Path) -> Master:
    """Read a master workbook written by `xlplan consolidate`.

    :param path: the master .xlsx.
    :raises XlplanError: when the file is not a master, or of another format version.
    """
    path = Path(path)
    try:
        workbook, data, _ = open_workbook(path, MASTER_LIMITS)
    except FileNotFoundError:
        raise XlplanError(
            f"マスター {path} が見つかりません。パスを確認してください。",
            english=f"The master {path} was not found. Check the path.",
        ) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise XlplanError(
            f"マスター {path} を読み込めません（{reason}）。",
            english=f"The master {path} cannot be read ({reason}).",
        ) from None
    except InputRefused as refused:
        raise _refused(path, refused) from None
    except Exception as error:  # zipfile and expat raise several types on damaged files
        raise XlplanError(
            f"マスター {path} を読み込めません（{type(error).__name__}）。",
            english=f"The master {path} cannot be read ({type(error).__name__}).",
        ) from None
    try:
        return _read(path, hashlib.sha256(data).hexdigest(), workbook)
    except InputRefused as refused:  # a sheet over a limit, found as it was read
        raise _refused(path, refused) from None
    finally:
        workbook.close()


def _refused(path: Path, refused: InputRefused) -> XlplanError:
    """The error for a master over a reading limit, in both languages."""
    finding = refused.finding(str(path))
    return XlplanError(
        f"マスター {path} を読み込めません: {finding.message()}",
        english=f"The master {path} cannot be read: {finding.message('en')}",
    )


def _read(path: Path, sha256: str, workbook: WorkbookParts) -> Master:
    if META_SHEET not in workbook.sheet_names:
        raise WrongKindError(
            f"{path} は xlplan のマスターではありません（管理用シート「{META_SHEET}」がありません）。",
            english=f"{path} is not an xlplan master (it has no '{META_SHEET}' sheet).",
        )
    meta = {
        str(r[0]).strip(): str(r[1]).strip()
        for r in workbook.scan_sheet(META_SHEET).rows()
        if len(r) >= 2 and str(r[0]).strip()
    }
    found = meta.get("master_format", "")
    if not is_master(meta):
        raise WrongKindError(
            f"{path} は xlplan のマスターではありません（課所室の様式か、別のブックです）。",
            english=f"{path} is not an xlplan master (a section workbook, or another workbook).",
        )
    if found != MASTER_FORMAT_VERSION:
        raise XlplanError(
            f"{path} のマスター形式 {found} はこの xlplan では読めません（対応: {MASTER_FORMAT_VERSION}）。"
            "同じ版の xlplan で作り直してください。",
            english=f"{path} has master format {found}, which this xlplan cannot read "
            f"(supported: {MASTER_FORMAT_VERSION}). Make it again with the same version of xlplan.",
        )
    fiscal_year = int(meta.get("evaluated_fy", "0") or 0)
    book = SectionWorkbook(path=str(path), sha256=sha256)
    origins: dict[tuple[str, int], RowSource] = {}
    for layout in DATA_SHEETS:
        if layout.name not in workbook.sheet_names:
            raise XlplanError(
                f"マスター {path} にシート「{layout.name}」がありません。",
                english=f"The master {path} has no sheet '{layout.name}'.",
            )
        grid = workbook.scan_sheet(layout.name).rows()
        book.sheets[layout.key] = _table(path, layout, grid, origins)
    content = assemble_section(book, fiscal_year)
    measures = content.measures
    if KPI_YEARS_SHEET in workbook.sheet_names:
        measures = _with_kpi_years(measures, workbook.scan_sheet(KPI_YEARS_SHEET).rows(), fiscal_year)
    plan = Plan(
        name=meta.get("plan_name", ""),
        version=meta.get("plan_version", ""),
        period=(int(meta.get("period_start", "2024")), int(meta.get("period_end", "2026"))),
        evaluated_fy=fiscal_year,
        measures=measures,
        projects=content.projects,
    )
    grades = _grades(workbook, fiscal_year) if GRADES_SHEET in workbook.sheet_names else ()
    history: tuple[Measure, ...] = ()
    if HISTORY_SHEET in workbook.sheet_names:
        plan, history = _with_history(plan, workbook.scan_sheet(HISTORY_SHEET).rows())
    return Master(str(path), sha256, meta, plan, origins, grades, history)


def _with_history(plan: Plan, grid: list[list[object]]) -> tuple[Plan, tuple[Measure, ...]]:
    """Absorbed IDs onto the active measures; retired and merged-away measures as history."""
    if len(grid) < HEADER_ROW:
        return plan, ()
    columns = _headers(grid[HEADER_ROW - 1])
    absorbed: dict[str, tuple[str, ...]] = {}
    history = []
    for row in grid[FIRST_DATA_ROW - 1 :]:
        values = {
            c.field: str(row[columns[c.header]]).strip() if c.header in columns and columns[c.header] < len(row) else ""
            for c in HISTORY_COLUMNS
        }
        if not values["measure_id"]:
            continue
        ids = tuple(i for i in values["absorbed_ids"].replace("、", ",").split(",") if i.strip())
        if values["status"] == HISTORY_ACTIVE:
            absorbed[values["measure_id"]] = ids
        else:
            history.append(
                Measure(
                    measure_id=values["measure_id"],
                    name=values["name"],
                    merged_into=values["merged_into"],
                    absorbed_ids=ids,
                    retired_fy=parse_fiscal_year(values["retired_fy"]),
                )
            )
    measures = tuple(replace(m, absorbed_ids=absorbed.get(m.measure_id, m.absorbed_ids)) for m in plan.measures)
    return replace(plan, measures=measures), tuple(history)


def _headers(row: Sequence[object]) -> dict[str, int]:
    return {str(v).strip(): i for i, v in enumerate(row) if str(v).strip()}


def _table(
    path: Path, layout: SheetLayout, grid: list[list[object]], origins: dict[tuple[str, int], RowSource]
) -> SheetRows:
    headers = _headers(grid[HEADER_ROW - 1]) if len(grid) >= HEADER_ROW else {}
    missing = [c.header for c in layout.columns if c.header not in headers]
    if missing:
        raise XlplanError(
            f"マスター {path} のシート「{layout.name}」に見出し {'・'.join(missing)} "
            f"がありません（{HEADER_ROW}行目）。",
            english=f"The master {path}, sheet '{layout.name}', lacks the header(s) {', '.join(missing)} "
            f"(row {HEADER_ROW}).",
        )
    positions = {c.field: headers[c.header] for c in layout.columns}
    provenance = {_PROVENANCE_HEADERS[h]: i for h, i in headers.items() if h in _PROVENANCE_HEADERS}
    table = SheetRows(layout, layout.name, {f: column_letter(i + 1) for f, i in positions.items()})
    for index in range(HEADER_ROW, len(grid)):
        row = grid[index]
        raw = {f: row[i] if i < len(row) else "" for f, i in positions.items()}
        if all(v in ("", None) for v in raw.values()):
            continue
        record = {c.field: normalize_cell(c, raw[c.field]).value for c in layout.columns}
        table.rows.append(index + 1)
        table.records.append(record)
        if origin := _origin(row, provenance):
            origins[(layout.name, index + 1)] = origin
    return table


def _origin(row: Sequence[object], provenance: Mapping[str, int]) -> RowSource | None:
    def get(name: str) -> str:
        i = provenance.get(name)
        return str(row[i]).strip() if i is not None and i < len(row) and row[i] not in (None, "") else ""

    file, cell = get("source_file"), get("source_cell")
    if not file:
        return None
    excel_row, _ = split_cell(cell.split(":")[0]) if cell else (0, 0)
    return RowSource(file, get("source_sheet"), excel_row, get("source_sha256"))


def _with_kpi_years(measures: Sequence[Measure], grid: list[list[object]], fiscal_year: int) -> tuple[Measure, ...]:
    """Add the KPI年度値 rows (other years' targets, actuals, references) to the KPIs they belong to."""
    if len(grid) < HEADER_ROW:
        return tuple(measures)
    headers = _headers(grid[HEADER_ROW - 1])
    position = {c.field: headers.get(c.header) for c in KPI_YEARS_COLUMNS}

    def get(row: Sequence[object], name: str) -> object:
        i = position.get(name)
        return row[i] if i is not None and i < len(row) and row[i] not in ("", None) else None

    def number(value: object) -> float | None:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    years: dict[str, list[KpiYear]] = {}
    for row in grid[HEADER_ROW:]:
        kpi_id, year = get(row, "kpi_id"), parse_fiscal_year(get(row, "fiscal_year"))
        if not isinstance(kpi_id, str) or year is None:
            continue
        item = KpiYear(
            str(get(row, "measure_id") or ""),
            kpi_id,
            year,
            number(get(row, "yearly_target")),
            number(get(row, "actual")),
            number(get(row, "reference")),
        )
        years.setdefault(kpi_id, []).append(item)
    return tuple(
        replace(m, kpis=tuple(with_other_years(k, years.get(k.kpi_id, ()), fiscal_year) for k in m.kpis))
        for m in measures
    )


def _grades(workbook: WorkbookParts, fiscal_year: int) -> tuple[MeasureGrade, ...]:
    grid = workbook.scan_sheet(GRADES_SHEET).rows()
    if len(grid) < HEADER_ROW:
        return ()
    headers = _headers(grid[HEADER_ROW - 1])
    position = {c.field: headers.get(c.header) for c in GRADES_COLUMNS}
    grades = []
    for row in grid[HEADER_ROW:]:

        def get(name: str, row: Sequence[object] = row) -> str:
            i = position.get(name)
            return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""

        measure_id = get("measure_id")
        if not measure_id:
            continue
        grades.append(
            MeasureGrade(
                measure_id=measure_id,
                fiscal_year=parse_fiscal_year(get("fiscal_year")) or fiscal_year,
                stage=_STAGES.get(get("stage")),
                basis=_enum(Basis, get("basis")),
                grade=_enum(Grade, get("grade")),
                self_grade=_enum(Grade, get("self_grade")),
                trace=get("trace"),
                kpis=(),
                override_reason=get("override_reason"),
            )
        )
    return tuple(grades)


def _enum(enum, value: str):  # type: ignore[no-untyped-def]
    try:
        return enum(value)
    except ValueError:
        return None

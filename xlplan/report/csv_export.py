"""Open data as CSV: UTF-8 with a BOM (Excel opens it), CRLF, and no cell Excel would run.

Tables, in the spirit of the national RS system's published data (one fact per row):

    measures.csv      施策一覧: one row per measure (stage, grade, budget, results)
    kpis.csv          評価指標の実績（縦持ち）: measure, KPI, type, fiscal year, target, actual,
                      achievement rate — one row per KPI and fiscal year
    projects.csv      予算事業: one row per project (each counted once), with its measures
    budget_lines.csv  事業費内訳（縦持ち）: one row per expense item or funding source of a project
    findings.csv      監査観点からの指摘 (the rows of the master's 監査観点 sheet)

A text cell that begins with = + - @ (or a tab or carriage return) is written with a leading
apostrophe so that a spreadsheet shows it as text instead of evaluating it (CSV injection).
Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.audit.context import AuditRules
from ..core.audit.kpi_types import kpi_type_of
from ..core.audit.sheet import AUDIT_SHEET_COLUMNS, audit_sheet_rows
from ..core.findings import Finding
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.model import Amounts, Kpi, Plan
from ..io.atomic import atomic_output
from .view import achievement_rate

__all__ = ["Cell", "Table", "cell_text", "neutralise", "open_data_tables", "read_csv", "write_csv"]

Cell = str | int | float | None
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One CSV file: its name, what it holds (Japanese), headers and rows."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would take for a formula: 「=1+1」 → 「'=1+1」."""
    return "'" + text if text.startswith(_DANGEROUS) else text


def cell_text(value: Cell) -> str:
    """How a cell is written: numbers plainly (24000.0 → 24000), text neutralised, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def write_csv(path: Path, table: Table) -> Path:
    """Write one table as UTF-8 with BOM and CRLF line ends, atomically."""
    with atomic_output(Path(path)) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in table.headers])
        writer.writerows([cell_text(v) for v in row] for row in table.rows)
    return Path(path)


def read_csv(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Read a CSV written by `write_csv`: headers and rows, as the texts written."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = [tuple(r) for r in csv.reader(handle)]
    return rows[0], rows[1:]


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _measures(plan: Plan, grades: Mapping[str, MeasureGrade], year: int) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for m in plan.measures:
        total = Amounts()
        projects = [p for p in plan.projects if p.fiscal_year == year and m.measure_id in p.measure_ids]
        for project in projects:
            total = total + project.total
        grade = grades.get(m.measure_id)
        stage = m.stage_in(year)
        basis = m.basis_in(year)
        rows.append(
            (
                m.measure_id,
                m.name,
                " > ".join(m.hierarchy),
                m.primary_section,
                "、".join(m.co_sections),
                year,
                stage.value if stage else None,
                basis.value if basis else None,
                grade.grade.value if grade and grade.grade else None,
                m.self_grades[year].value if year in m.self_grades else None,
                total.initial if projects else None,
                total.final_budget if projects else None,
                total.settlement if projects else None,
                _ratio(total.execution_rate),
                "、".join(p.project_id for p in projects),
                m.results.get(year),
                m.causes.get(year),
                m.responses.get(year),
            )
        )
    headers = (
        "施策ID",
        "施策名",
        "体系",
        "主担当課所室",
        "関連課所室",
        "年度",
        "ライフサイクル段階",
        "評価方法",
        "進捗評価",
        "自己評価",
        "当初予算（千円）",
        "補正後予算（千円）",
        "決算（千円）",
        "執行率（%）",
        "予算事業ID",
        "取組結果",
        "原因",
        "今後の対応",
    )
    return Table("measures.csv", "施策一覧（施策ごとの段階・評価・予算）", headers, rows)


def kpi_years(kpi: Kpi, plan: Plan) -> list[int]:
    """The fiscal years a KPI has a row for: its baseline year, the plan's years, any year with a figure."""
    years = set(range(plan.period[0], plan.period[1] + 1))
    years |= set(kpi.actuals) | set(kpi.yearly_targets)
    for year in (kpi.baseline_fy, kpi.target_fy):
        if year is not None:
            years.add(year)
    return sorted(years)


def _kpis(plan: Plan) -> Table:
    rules = AuditRules()
    rows: list[tuple[Cell, ...]] = []
    for m in plan.measures:
        for k in m.kpis:
            view = kpi_type_of(k, rules)
            for year in kpi_years(k, plan):
                actual = k.actuals.get(year)
                target_fy = k.target_fy if k.target_fy is not None else plan.period[1]
                rows.append(
                    (
                        m.measure_id,
                        m.name,
                        k.kpi_id,
                        k.name,
                        view.kpi_type.value if view.kpi_type else None,
                        "推定" if view.guessed else ("入力" if view.kpi_type else None),
                        k.unit,
                        k.aggregation.value,
                        k.direction.value,
                        year,
                        fy_label(year),
                        k.baseline,
                        k.baseline_fy,
                        k.target,
                        target_fy,
                        k.yearly_targets.get(year),
                        actual,
                        k.reference.get(year),
                        _ratio(achievement_rate(actual, k.target, lower_is_better=k.lower_is_better)),
                    )
                )
    headers = (
        "施策ID",
        "施策名",
        "指標ID",
        "指標名",
        "指標区分",
        "指標区分の根拠",
        "単位",
        "集計方法",
        "望ましい方向",
        "年度",
        "年度（和暦）",
        "基準値",
        "基準年度",
        "目標値",
        "目標年度",
        "年度目標値",
        "実績値",
        "参考値",
        "達成率（%）",
    )
    return Table("kpis.csv", "評価指標の実績（指標・年度ごとに1行。達成率＝実績値÷目標値）", headers, rows)


def _projects(plan: Plan, year: int) -> Table:
    rows: list[tuple[Cell, ...]] = []
    seen: set[str] = set()
    for p in plan.projects:
        if p.fiscal_year != year or p.project_id in seen:
            continue
        seen.add(p.project_id)
        rows.append(
            (
                p.project_id,
                p.name,
                year,
                p.section,
                "、".join(p.measure_ids),
                p.total.initial,
                p.total.revised,
                p.total.settlement,
                _ratio(p.total.execution_rate),
                p.main_contents,
                p.specific_funding_note,
            )
        )
    headers = (
        "予算事業ID",
        "予算事業名",
        "年度",
        "担当課所室",
        "関連施策ID",
        "当初予算（千円）",
        "補正後予算（千円）",
        "決算（千円）",
        "執行率（%）",
        "主な内容",
        "特定財源の内訳",
    )
    return Table("projects.csv", "予算事業（事業ごとに1行。複数施策に関連する事業も1回だけ）", headers, rows)


def _budget_lines(plan: Plan, year: int) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for p in plan.projects:
        if p.fiscal_year != year:
            continue
        for line in p.lines:
            a = line.amounts
            rows.append((p.project_id, p.name, year, "科目", line.item, a.initial, a.revised, a.settlement))
        for f in p.funding:
            a = f.amounts
            rows.append(
                (p.project_id, p.name, year, "財源", f.funding_source.value, a.initial, a.revised, a.settlement)
            )
    headers = (
        "予算事業ID",
        "予算事業名",
        "年度",
        "区分",
        "科目・財源",
        "当初予算（千円）",
        "補正後予算（千円）",
        "決算（千円）",
    )
    return Table("budget_lines.csv", "事業費内訳（科目別・財源別に1行）", headers, rows)


def _findings(findings: Sequence[Finding]) -> Table:
    rows: list[tuple[Cell, ...]] = [tuple(r) for r in audit_sheet_rows(findings)]
    return Table("findings.csv", "監査観点からの指摘", tuple(c.header for c in AUDIT_SHEET_COLUMNS), rows)


def open_data_tables(
    plan: Plan, grades: Mapping[str, MeasureGrade], findings: Sequence[Finding], *, fiscal_year: int | None = None
) -> list[Table]:
    """Every open-data table of a plan's year.

    :param plan: the plan.
    :param grades: computed grades by measure ID.
    :param findings: the audit findings.
    :param fiscal_year: the evaluated year (default: the plan's).
    """
    year = fiscal_year or plan.evaluated_fy
    return [
        _measures(plan, grades, year),
        _kpis(plan),
        _projects(plan, year),
        _budget_lines(plan, year),
        _findings(findings),
    ]

"""Open data as CSV: UTF-8 with a BOM (Excel opens it), CRLF, and no cell Excel would run.

Tables, in the spirit of the national RS system's published data (one fact per row):

    measures.csv      施策一覧: one row per measure (stage, grade, budget, results)
    kpis.csv          評価指標の実績（縦持ち）: measure, KPI, type, fiscal year, target, actual,
                      achievement rate — one row per KPI and fiscal year
    projects.csv      予算事業: one row per project (each counted once), with its measures
    budget_lines.csv  事業費内訳（縦持ち）: one row per expense item or funding source of a project
    findings.csv      監査観点からの指摘 (the rows of the master's 監査観点 sheet)
    metadata.json     what the files are: publisher, license, source, columns and units

Every table begins with 団体コード (全国地方公共団体コード) and 団体名, from the `[open_data]` table
of the rules file, so files of several cities can be stacked. Every amount column can be summed:
a shared project (共通事業, funding several measures) counts once in projects.csv and
budget_lines.csv, and in measures.csv its amounts are allocated to its measures in equal shares
(the thousand yen left over go one each to its first measures), with a 共通事業 flag column.

A text cell that begins with = + - @ (or a tab or carriage return) is written with a leading
apostrophe so that a spreadsheet shows it as text instead of evaluating it (CSV injection).
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..core.audit.context import AuditRules
from ..core.audit.kpi_types import kpi_type_of
from ..core.audit.sheet import AUDIT_SHEET_COLUMNS, audit_sheet_rows
from ..core.findings import Finding
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.master.view import achievement_rate
from ..core.model import Amounts, BudgetProject, Kpi, Plan
from ..errors import XlplanError
from .atomic import atomic_output

__all__ = [
    "METADATA_FILE",
    "Cell",
    "Publisher",
    "Table",
    "allocated_budget",
    "cell_text",
    "neutralise",
    "open_data_metadata",
    "open_data_tables",
    "read_csv",
    "write_csv",
    "write_csv_rows",
    "write_open_data_metadata",
]

METADATA_FILE = "metadata.json"
ALLOCATION_RULE = (
    "共通事業（複数の施策に関連する予算事業）の予算・決算は、measures.csv では関連施策に均等に按分し、"
    "割り切れない千円は関連施策の順に1千円ずつ加えています（合計は事業の額に一致）。"
    "projects.csv と budget_lines.csv では共通事業も1回だけ計上しています。"
)

Cell = str | int | float | None
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_CODE = re.compile(r"^[0-9]{6}$")
_UNIT = re.compile(r"（([^（）]+)）$")


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the open data: the `[open_data]` table of the rules file (Akita's by default)."""

    code: str = "052019"  # 全国地方公共団体コード（6桁、検査数字を含む）
    name: str = "秋田市"
    license: str = "CC BY 4.0"
    license_url: str = "https://creativecommons.org/licenses/by/4.0/deed.ja"

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Publisher:
        """Read the `[open_data]` table; missing keys keep Akita's values.

        :raises XlplanError: on an unknown key, or a 団体コード that is not six digits with a
            correct check digit (the message says what to write).
        """
        default = cls()
        allowed = {"organisation_code", *_PUBLISHER_KEYS}
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise XlplanError(
                f"[open_data] のキー「{'」「'.join(unknown)}」は使えません。使えるキー: {'、'.join(sorted(allowed))}",
                english=f"In [open_data], the key(s) {', '.join(unknown)} are not allowed. "
                f"Allowed keys: {', '.join(sorted(allowed))}",
            )
        code = table.get("organisation_code", default.code)
        if not isinstance(code, str) or not _CODE.match(code) or code[5] != check_digit(code[:5]):
            raise XlplanError(
                "[open_data] の organisation_code は全国地方公共団体コード（検査数字を含む6桁、例: 秋田市は "
                f'"052019"）を文字列で書いてください（値: {code!r}）。',
                english="In [open_data], write organisation_code as a string: the six-digit local government "
                f'code with its check digit (e.g. "052019" for Akita City) (value: {code!r}).',
            )
        texts = {key: table.get(key, getattr(default, field)) for key, field in _PUBLISHER_KEYS.items()}
        for key, value in texts.items():
            if not isinstance(value, str) or not value.strip():
                raise XlplanError(
                    f"[open_data] の {key} は文字列で書いてください（値: {value!r}）。",
                    english=f"In [open_data], write {key} as a string (value: {value!r}).",
                )
        return cls(code, *(texts[key].strip() for key in _PUBLISHER_KEYS))


_PUBLISHER_KEYS = {"organisation_name": "name", "license": "license", "license_url": "license_url"}


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit local government code (総務省: weights 6–2, modulus 11)."""
    remainder = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True)) % 11
    return str((11 - remainder) % 10)


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
        write_csv_rows(handle, table)
    return Path(path)


def write_csv_rows(handle: TextIO, table: Table) -> None:
    """Write one table's header and rows to an open text stream: CRLF, formula-safe cells."""
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    writer.writerows([cell_text(v) for v in row] for row in table.rows)


def read_csv(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Read a CSV written by `write_csv`: headers and rows, as the texts written."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = [tuple(r) for r in csv.reader(handle)]
    return rows[0], rows[1:]


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _year_projects(plan: Plan, year: int) -> list[BudgetProject]:
    """The projects of a year, each once (a master may list a shared project more than once)."""
    seen: set[str] = set()
    found = []
    for p in plan.projects:
        if p.fiscal_year == year and p.project_id not in seen:
            seen.add(p.project_id)
            found.append(p)
    return found


def _share(amount: int | None, parts: int, position: int) -> int | None:
    if amount is None:
        return None
    base, left = divmod(amount, parts)
    return base + (1 if position < left else 0)


def allocated_budget(project: BudgetProject, measure_id: str, measure_ids: Sequence[str]) -> Amounts:
    """A measure's share of a project: the whole for its own project, an equal share of a shared one.

    The thousand yen left over go one each to the first measures, so the shares add up to the
    project's amounts exactly (2,417 over four measures: 605, 604, 604, 604).

    :param measure_ids: the project's measures that are in the plan, in the project's order.
    """
    if measure_id not in measure_ids:
        return Amounts()
    position, parts = measure_ids.index(measure_id), len(measure_ids)
    t = project.total
    return Amounts(
        _share(t.initial, parts, position), _share(t.revised, parts, position), _share(t.settlement, parts, position)
    )


def _measures(plan: Plan, grades: Mapping[str, MeasureGrade], year: int, publisher: Publisher) -> Table:
    rows: list[tuple[Cell, ...]] = []
    in_plan = {m.measure_id for m in plan.measures}
    year_projects = _year_projects(plan, year)
    members = {p.project_id: [m for m in p.measure_ids if m in in_plan] for p in year_projects}
    for m in plan.measures:
        total = Amounts()
        projects = [p for p in year_projects if m.measure_id in p.measure_ids]
        for project in projects:
            total = total + allocated_budget(project, m.measure_id, members[project.project_id])
        shared = [p.project_id for p in projects if len(members[p.project_id]) > 1]
        grade = grades.get(m.measure_id)
        stage = m.stage_in(year)
        basis = m.basis_in(year)
        rows.append(
            (
                publisher.code,
                publisher.name,
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
                1 if shared else 0,
                "、".join(shared),
                m.results.get(year),
                m.causes.get(year),
                m.responses.get(year),
            )
        )
    headers = (
        *_PUBLISHER,
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
        "共通事業を含む",
        "共通事業ID",
        "取組結果",
        "原因",
        "今後の対応",
    )
    title = "施策一覧（施策ごとの段階・評価・予算。共通事業の予算は関連施策に均等按分）"
    return Table("measures.csv", title, headers, rows)


_PUBLISHER = ("団体コード", "団体名")


def kpi_years(kpi: Kpi, plan: Plan) -> list[int]:
    """The fiscal years a KPI has a row for: its baseline year, the plan's years, any year with a figure."""
    years = set(range(plan.period[0], plan.period[1] + 1))
    years |= set(kpi.actuals) | set(kpi.yearly_targets)
    for year in (kpi.baseline_fy, kpi.target_fy):
        if year is not None:
            years.add(year)
    return sorted(years)


def _kpis(plan: Plan, publisher: Publisher) -> Table:
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
                        publisher.code,
                        publisher.name,
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
        *_PUBLISHER,
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


def _projects(plan: Plan, year: int, publisher: Publisher) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for p in _year_projects(plan, year):
        rows.append(
            (
                publisher.code,
                publisher.name,
                p.project_id,
                p.name,
                year,
                p.section,
                "、".join(p.measure_ids),
                1 if len(p.measure_ids) > 1 else 0,
                p.total.initial,
                p.total.revised,
                p.total.settlement,
                _ratio(p.total.execution_rate),
                p.main_contents,
                p.specific_funding_note,
            )
        )
    headers = (
        *_PUBLISHER,
        "予算事業ID",
        "予算事業名",
        "年度",
        "担当課所室",
        "関連施策ID",
        "共通事業",
        "当初予算（千円）",
        "補正後予算（千円）",
        "決算（千円）",
        "執行率（%）",
        "主な内容",
        "特定財源の内訳",
    )
    return Table("projects.csv", "予算事業（事業ごとに1行。複数施策に関連する事業も1回だけ）", headers, rows)


def _budget_lines(plan: Plan, year: int, publisher: Publisher) -> Table:
    rows: list[tuple[Cell, ...]] = []
    org = (publisher.code, publisher.name)
    for p in _year_projects(plan, year):
        shared = 1 if len(p.measure_ids) > 1 else 0
        for line in p.lines:
            a = line.amounts
            rows.append(
                (*org, p.project_id, p.name, shared, year, "科目", line.item, a.initial, a.revised, a.settlement)
            )
        for f in p.funding:
            a = f.amounts
            kind = f.funding_source.value
            rows.append((*org, p.project_id, p.name, shared, year, "財源", kind, a.initial, a.revised, a.settlement))
    headers = (
        *_PUBLISHER,
        "予算事業ID",
        "予算事業名",
        "共通事業",
        "年度",
        "区分",
        "科目・財源",
        "当初予算（千円）",
        "補正後予算（千円）",
        "決算（千円）",
    )
    return Table("budget_lines.csv", "事業費内訳（科目別・財源別に1行）", headers, rows)


def _findings(findings: Sequence[Finding], publisher: Publisher) -> Table:
    org = (publisher.code, publisher.name)
    rows: list[tuple[Cell, ...]] = [(*org, *r) for r in audit_sheet_rows(findings)]
    headers = (*_PUBLISHER, *(c.header for c in AUDIT_SHEET_COLUMNS))
    return Table("findings.csv", "監査観点からの指摘", headers, rows)


def open_data_tables(
    plan: Plan,
    grades: Mapping[str, MeasureGrade],
    findings: Sequence[Finding],
    *,
    fiscal_year: int | None = None,
    publisher: Publisher | None = None,
) -> list[Table]:
    """Every open-data table of a plan's year.

    :param plan: the plan.
    :param grades: computed grades by measure ID.
    :param findings: the audit findings.
    :param fiscal_year: the evaluated year (default: the plan's).
    :param publisher: 団体コード, 団体名 and license (default: Akita's, as in `akita.toml`).
    """
    year = fiscal_year or plan.evaluated_fy
    who = publisher or Publisher()
    return [
        _measures(plan, grades, year, who),
        _kpis(plan, who),
        _projects(plan, year, who),
        _budget_lines(plan, year, who),
        _findings(findings, who),
    ]


_DESCRIPTIONS = {
    "団体コード": "全国地方公共団体コード（6桁、検査数字を含む）",
    "団体名": "データを公開する地方公共団体",
    "共通事業を含む": "1: 共通事業（複数の施策に関連する予算事業）の按分額を含む、0: 含まない",
    "共通事業": "1: 複数の施策に関連する予算事業（共通事業）、0: 一つの施策の事業",
    "共通事業ID": "按分額を含む共通事業の予算事業ID",
    "年度": "会計年度（西暦、4月始まり）",
    "達成率（%）": "実績値÷目標値×100（低いほど良い指標は目標値÷実績値×100）",
    "執行率（%）": "決算÷補正後予算×100（補正がなければ当初予算）",
}


def open_data_metadata(
    plan: Plan, tables: Sequence[Table], publisher: Publisher, *, fiscal_year: int
) -> dict[str, Any]:
    """The metadata file's content: publisher, license, source, and every file's columns with units.

    The unit of a column is the one its header names in brackets (「当初予算（千円）」 → 千円).
    """
    return {
        "title": f"{plan.name}（第{plan.version}版） {fy_label(fiscal_year)}の進捗評価・予算",
        "publisher": {"団体コード": publisher.code, "団体名": publisher.name},
        "license": {"name": publisher.license, "url": publisher.license_url},
        "source": f"{publisher.name}「{plan.name}」第{plan.version}版のマスター計画（xlplan report で作成）",
        "fiscal_year": fiscal_year,
        "encoding": "UTF-8（BOM付き）、改行CRLF、数式に見える文字列は先頭に ' を付加",
        "amounts": "金額の単位は千円。" + ALLOCATION_RULE,
        "files": [
            {
                "name": t.name,
                "title": t.title,
                "rows": len(t.rows),
                "columns": [
                    {
                        "name": h,
                        "unit": (m[1] if (m := _UNIT.search(h)) else ""),
                        "description": _DESCRIPTIONS.get(h, ""),
                    }
                    for h in t.headers
                ],
            }
            for t in tables
        ],
    }


def write_open_data_metadata(
    directory: Path,
    plan: Plan,
    tables: Sequence[Table],
    publisher: Publisher | None = None,
    *,
    fiscal_year: int | None = None,
) -> Path:
    """Write the metadata file (`metadata.json`) beside the CSVs, atomically.

    :param directory: the folder holding the CSVs.
    :param tables: the tables of `open_data_tables` written there.
    :param publisher: the publisher the tables were made with (default: Akita's).
    """
    metadata = open_data_metadata(plan, tables, publisher or Publisher(), fiscal_year=fiscal_year or plan.evaluated_fy)
    path = Path(directory) / METADATA_FILE
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

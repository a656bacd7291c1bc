"""The 入力チェック sheet, recalculated by a real spreadsheet engine, agrees with `xlplan check`.

Each case is the filled section workbook with one mistake a person makes (typed with openpyxl
as in Excel). LibreOffice headless recalculates all of them in one run and saves them, as a
section's Excel would before sending; `xlplan check` then reads those very files. For every
line of the sheet (a rule with a formula form, on one sheet and column) the count equals the
number of findings `check` reports for that code, sheet and column, and the first cell (a link)
is the first of them. A clean workbook shows zero and 「エラー 0 件 — 提出できます」.
LibreOffice is the oracle only: its files never leave the test's temporary folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import FILLED_RECORDS, SECTION
from tests.libreoffice import recalculate
from xlplan.app.check import check_paths
from xlplan.core.cells import split_cell
from xlplan.core.enums import Severity
from xlplan.core.findings import Finding
from xlplan.core.layout import SECTION_SHEETS
from xlplan.core.self_check import HQ_ONLY, SELF_CHECK_SHEET, SINGLE_WORKBOOK_CODES, UNKNOWN, formula_rules
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.io.self_check_sheet import CLEAN_TEXT, FIRST_LINE_ROW, HQ_LABEL, TOTAL_CELL

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

# name → cells typed over the correctly filled workbook (tests/conftest.py FILLED_RECORDS)
CASES: dict[str, dict[str, object]] = {
    "clean": {},
    "text in a number": {"KPI!J3": "約30"},
    "three text numbers": {"KPI!H3": "多数", "KPI!L3": "x", "予算事業!E3": "二千"},
    "target left empty": {"KPI!J3": None},
    "baseline left empty": {"KPI!H3": None},
    "required value missing": {"KPI!F3": None, "施策!B4": "  "},
    "dash for nothing in a required ID": {"スケジュール!A3": "-"},
    "unknown measure": {"KPI!A3": "M-999"},
    "KPI ID wrong pattern": {"KPI!B3": "K1"},
    "project IDs wrong pattern": {"予算!A3": "P_001", "財源!A3": "p-001-123", "予算事業!A3": "Ｐ－ＡＢＣ１２３４５"},
    "project IDs as typed": {"予算!A3": " p-001-1 ", "財源!A3": "Ｐ－００１－１", "予算事業!A3": "P-001-1 "},
    "measure IDs wrong pattern twice": {"ライフサイクル!A3": "m1", "ライフサイクル!A4": "M-01"},
    "duplicate measure": {"施策!A4": "M-001"},
    "duplicate stage row": {"ライフサイクル!A4": "M-001", "ライフサイクル!C4": "2"},
    "stage of another year": {"ライフサイクル!B3": "令和5年度"},
    "schedule emptied": {f"スケジュール!{c}3": None for c in "ABCDE"},
    "budget lines off": {"予算!E3": 2000},
    "funding off": {"財源!C3": 2000},
    "unknown project": {"予算!A3": "P-002-1"},
    "negative amount": {"予算!C3": -5},
    "cell shows an error": {"KPI!L3": "=1/0", "予算事業!F3": "=NA()"},
    "done without date": {"スケジュール!E3": "完了"},
    "basis chosen against the stage": {"ライフサイクル!D4": "評価指標"},
}


@dataclass(frozen=True)
class Line:
    """One formula line of the sheet after recalculation."""

    kind: str
    code: str
    sheet: str
    column: str
    count: int
    first: str
    message: str


@dataclass
class Case:
    total: str
    warnings: str
    lines: list[Line]
    hq: list[str]
    findings: list[Finding]


def _read_sheet(path: Path) -> tuple[str, str, list[Line], list[str]]:
    sheet = openpyxl.load_workbook(path, data_only=True)[SELF_CHECK_SHEET]
    lines, hq = [], []
    for row in sheet.iter_rows(min_row=FIRST_LINE_ROW, max_col=7, values_only=True):
        if row[0] == HQ_LABEL:
            hq.append(row[1])
        elif row[1] and row[4] is not None:
            lines.append(Line(row[0], row[1], row[2], row[3], int(row[4]), row[5] or "", row[6]))
    return sheet[TOTAL_CELL].value, sheet["A3"].value or "", lines, hq


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    folder = tmp_path_factory.mktemp("self-check")
    sources = []
    for index, cells in enumerate(CASES.values()):
        path = folder / f"case{index:02d}.xlsx"
        write_section_workbook(path, TemplateOptions(fiscal_year=2024, section=SECTION, blank_rows=8), FILLED_RECORDS)
        workbook = openpyxl.load_workbook(path)
        for address, value in cells.items():
            sheet, cell = address.split("!")
            workbook[sheet][cell] = value
        workbook.save(path)
        sources.append(path)
    saved = recalculate(sources, folder / "saved")  # as the section's spreadsheet saves them
    checked = check_paths(saved)
    out = {}
    for name, path, result in zip(CASES, saved, checked, strict=True):
        total, warnings, lines, hq = _read_sheet(path)
        out[name] = Case(total, warnings, lines, hq, result.report.findings)
    return out


def _headers(line: Line) -> set[str]:
    layout = next(s for s in SECTION_SHEETS if s.name == line.sheet)
    return {c.header for c in layout.columns} if line.column == "（すべての列）" else {line.column}


def _counted(line: Line, findings: list[Finding]) -> list[Finding]:
    found = [f for f in findings if f.code == line.code and f.sheet == line.sheet and f.column in _headers(line)]
    return sorted(found, key=lambda f: split_cell(f.cell))


def _matches(sheet_message: str, message: str) -> bool:
    """The sheet's message is check's, word for word, with 「…」 where only another row could tell."""
    pattern = ".+?".join(re.escape(piece) for piece in sheet_message.split(UNKNOWN))
    return re.fullmatch(pattern, message) is not None


@pytest.mark.parametrize("name", list(CASES))
def test_the_sheet_counts_what_check_finds(cases, name):
    case = cases[name]
    assert len(case.lines) == len(formula_rules())
    for line in case.lines:
        found = _counted(line, case.findings)
        assert line.count == len(found), (line, [(f.cell, f.code) for f in case.findings])
        if found:
            assert line.first == f"{line.sheet}!{found[0].cell}", line
            assert _matches(line.message, found[0].message()), (line.message, found[0].message())
        else:
            assert line.first == ""
    errors = sum(line.count for line in case.lines if line.kind == "エラー")
    assert errors == sum(1 for f in case.findings if f.severity is Severity.ERROR and _on_a_line(f, case.lines))
    if errors == 0:
        assert case.total == CLEAN_TEXT
    else:
        assert case.total.startswith(f"エラー {errors} 件")


def _on_a_line(finding: Finding, lines: list[Line]) -> bool:
    return any(finding in _counted(line, [finding]) for line in lines)


def test_a_clean_workbook_shows_zero(cases):
    case = cases["clean"]
    assert [f for f in case.findings if f.severity is not Severity.INFO] == []
    assert case.total == CLEAN_TEXT
    assert case.warnings == ""
    assert all(line.count == 0 and line.first == "" for line in case.lines)


def test_every_formula_rule_is_exercised(cases):
    """The oracle covers every code with a formula form (and most lines), with counts above one."""
    hit = {(line.code, line.sheet, line.column) for case in cases.values() for line in case.lines if line.count}
    assert {code for code, _, _ in hit} == {str(rule.code) for rule in formula_rules()}
    assert max(line.count for case in cases.values() for line in case.lines) >= 2
    findings = [f for case in cases.values() for f in case.findings if f.severity is not Severity.INFO]
    assert not [f for f in findings if f.code not in SINGLE_WORKBOOK_CODES]


def test_the_sheet_lists_every_hq_rule(cases):
    assert set(cases["clean"].hq) == {str(code) for code in HQ_ONLY}

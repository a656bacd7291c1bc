"""Mark up a section workbook open in Excel: colour the cells with problems, explain them in notes.

The workbook is checked as it is on screen (a copy is saved, unsaved edits included, and read
by the same reader as `xlplan check`), then each cell with an error or a warning gets a fill
and a note with the messages. The grades HQ recomputes (the same engine as `xlplan grade`)
go into a note on each measure's 算定評価 cell, with the full trace. Each note keeps the
cell's previous fill, so running again first removes the previous marks exactly; notes a
person wrote are kept. Sheet protection is lifted only while writing. Nothing is saved: HQ
reviews the workbook and saves it or sends it back.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..app.check import check_paths
from ..core.cells import column_letter, split_cell
from ..core.enums import Severity
from ..core.findings import FileReport, Finding, sorted_findings
from ..core.layout import HEADER_ROW, LISTS_SHEET, META_SHEET
from ..core.tables import SectionWorkbook
from ..errors import XlplanError
from . import features
from .booklike import BookLike, unprotected
from .features import GradeRow

__all__ = [
    "GRADE_HEADER",
    "MARKER",
    "SEVERITY_FILL",
    "MarkResult",
    "clear_marks",
    "mark_section_book",
]

MARKER = "【xlplan 本部チェック】"
SEVERITY_FILL = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C"}
SEVERITY_LABEL = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}
GRADE_HEADER = "算定評価"  # the 施策 sheet's computed grade column
_HEADER_SCAN = 40  # columns searched for GRADE_HEADER
_NOT_MARKED = {META_SHEET, LISTS_SHEET}  # very hidden: nobody would see a mark there
_PREVIOUS_FILL = re.compile(r"（元の塗りつぶし: ([0-9A-F]{6}|なし)）")
_RANK = {SEVERITY_FILL[Severity.ERROR]: 2, SEVERITY_FILL[Severity.WARNING]: 1}


@dataclass(slots=True)
class _Mark:
    """What one cell gets: a fill (None keeps the cell's own) and lines for the note."""

    fill: str | None = None
    lines: list[str] = field(default_factory=list)

    def add(self, line: str, fill: str | None) -> None:
        self.lines.append(line)
        if fill and _RANK.get(fill, 0) >= _RANK.get(self.fill or "", 0):
            self.fill = fill


@dataclass(slots=True)
class MarkResult:
    """What marking a section workbook did."""

    report: FileReport  # what checking found (all severities), attributed to the open workbook
    section: SectionWorkbook  # the workbook as read
    findings: list[Finding]  # errors and warnings, attributed to the open workbook
    marked: list[tuple[str, str]] = field(default_factory=list)  # (sheet, cell) coloured for a finding
    unplaced: list[Finding] = field(default_factory=list)  # file-level, or on a sheet not in the book
    grades: list[GradeRow] = field(default_factory=list)
    graded_cells: list[tuple[str, str]] = field(default_factory=list)  # 算定評価 cells given a note
    grades_unavailable: str = ""  # why no grade was written ('' when grades were computed)

    @property
    def errors(self) -> int:
        """How many errors were found."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many warnings were found."""
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


def mark_section_book(book: BookLike, *, fiscal_year: int | None = None, grade: bool = True) -> MarkResult:
    """Check (and grade) the section workbook as it is open; mark every problem cell.

    :param book: the section workbook open in Excel.
    :param fiscal_year: the evaluated year; by default the workbook's own.
    :param grade: also recompute the grades (as `xlplan grade`) and note them on the 算定評価 cells.
    """
    label = book.fullname or book.name
    report, section, grades, extra, unavailable = _read_as_open(book, fiscal_year, grade=grade, label=label)
    findings = [f for f in sorted_findings([*report.findings, *extra]) if f.severity is not Severity.INFO]
    result = MarkResult(report, section, findings, grades=grades, grades_unavailable=unavailable)
    names = set(book.sheet_names())
    marks: dict[tuple[str, str], _Mark] = {}
    for finding in findings:
        if finding.sheet in names and finding.sheet not in _NOT_MARKED and split_cell(finding.cell) != (0, 0):
            line = f"・{SEVERITY_LABEL[finding.severity]}（{finding.code}）: {finding.message()}"
            marks.setdefault((finding.sheet, finding.cell), _Mark()).add(line, SEVERITY_FILL[finding.severity])
        else:
            result.unplaced.append(finding)
    result.marked = list(marks)
    grade_marks = _grade_marks(book, section, grades)
    for key, mark in grade_marks.items():
        target = marks.setdefault(key, _Mark())
        for line in mark.lines:
            target.add(line, mark.fill)
    result.graded_cells = list(grade_marks)
    clear_marks(book)
    _apply(book, marks)
    return result


def _read_as_open(
    book: BookLike, fiscal_year: int | None, *, grade: bool, label: str
) -> tuple[FileReport, SectionWorkbook, list[GradeRow], list[Finding], str]:
    """Save a copy of the book as it is now; check it like `xlplan check` and grade it like `xlplan grade`."""
    name = Path(book.name).name or "section.xlsx"
    if not Path(name).suffix:
        name += ".xlsx"
    unavailable = ""
    with tempfile.TemporaryDirectory(prefix="xlplan-") as folder:
        copy = Path(folder) / name
        book.save_copy(copy)
        if grade:
            try:
                graded = features.grade_file(copy, fiscal_year, label=label)
            except XlplanError as error:  # not gradable (or grading not in this version): check only
                unavailable = str(error).replace(str(copy), label)
            else:
                return _relabel(graded.report, label), graded.book, graded.grades, graded.mismatches, ""
        [checked] = check_paths([copy], fiscal_year=fiscal_year)
    return _relabel(checked.report, label), checked.book, [], [], unavailable


def _relabel(report: FileReport, label: str) -> FileReport:
    """The report of the temporary copy, as the report of the open workbook."""
    return FileReport(label, [f.in_file(label) for f in report.findings], report.skipped)


def _grade_marks(book: BookLike, section: SectionWorkbook, grades: Iterable[GradeRow]) -> dict[tuple[str, str], _Mark]:
    """A note for each measure's 算定評価 cell: HQ's grade and its trace; a fill where it needs a look."""
    table = section.sheets.get("measures")
    if table is None or table.sheet_name not in book.sheet_names():
        return {}
    sheet = book.sheet(table.sheet_name)
    [header] = sheet.values(f"A{HEADER_ROW}:{column_letter(_HEADER_SCAN)}{HEADER_ROW}")
    texts = [str(v).strip() if v is not None else "" for v in header]
    if GRADE_HEADER not in texts:
        return {}  # a template without the computed grade column
    letter = column_letter(texts.index(GRADE_HEADER) + 1)
    marks: dict[tuple[str, str], _Mark] = {}
    for grade in grades:
        if not grade.row or grade.sheet != table.sheet_name:
            continue
        cell = f"{letter}{grade.row}"
        shown = sheet.value(cell)
        computed = grade.label
        mark = marks.setdefault((table.sheet_name, cell), _Mark())
        fill = None
        line = f"・本部の再計算: {computed}\n　根拠: {grade.trace}"
        if grade.mismatch:
            line += f"\n・自己評価 {grade.self_grade} と異なります。根拠を確認してください。"
            fill = SEVERITY_FILL[Severity.WARNING]
        if isinstance(shown, str) and shown.strip() and shown.strip() != (grade.grade or ""):
            line += (
                f"\n・この欄の自動計算（{shown.strip()}）と異なります。"
                "入力の表記（全角数字・単位など）を確認してください。"
            )
            fill = SEVERITY_FILL[Severity.WARNING]
        mark.add(line, fill)
    return marks


def _apply(book: BookLike, marks: dict[tuple[str, str], _Mark]) -> None:
    by_sheet: dict[str, list[tuple[str, _Mark]]] = {}
    for (sheet_name, cell), mark in marks.items():
        by_sheet.setdefault(sheet_name, []).append((cell, mark))
    for sheet_name, cells in by_sheet.items():
        with unprotected(book.sheet(sheet_name)) as sheet:
            notes = sheet.notes()
            for cell, mark in cells:
                previous = sheet.fill(cell)
                if mark.fill:
                    sheet.set_fill(cell, mark.fill)
                block = "\n".join([MARKER, *mark.lines, f"（元の塗りつぶし: {previous or 'なし'}）"])
                own = notes.get(cell, "").rstrip()
                sheet.set_note(cell, f"{own}\n\n{block}" if own else block)


def clear_marks(book: BookLike) -> int:
    """Remove every mark a previous run left: restore fills, drop our part of each note.

    Notes a person wrote are kept. Returns the number of cells restored.
    """
    restored = 0
    for sheet_name in book.sheet_names():
        sheet = book.sheet(sheet_name)
        ours = {cell: text for cell, text in sheet.notes().items() if MARKER in text}
        if not ours:
            continue
        with unprotected(sheet):
            for cell, text in ours.items():
                own, _, block = text.partition(MARKER)
                match = _PREVIOUS_FILL.search(block)
                if match:
                    sheet.set_fill(cell, None if match.group(1) == "なし" else match.group(1))
                sheet.set_note(cell, own.rstrip() or None)
                restored += 1
    return restored

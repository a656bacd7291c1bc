"""`xlplan report`: the council pack from a master plan — HTML report, card PDF, open data.

Everything goes into one folder: `report.html` (self-contained, Japanese), `cards.pdf` (one
page or more per measure, printed by LibreOffice or Excel) and the open-data CSVs. The
findings are those of `xlplan lint`, so the report and the 監査観点 sheet agree.

The PDF is optional: which engine prints it is decided before any work (`pdf_engine`), and a
missing or failing engine leaves a note in `ReportResult.notes`, never a missing report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.findings import Finding
from ..core.grading import MeasureGrade
from ..core.model import Plan
from ..errors import XlplanError
from ..io.atomic import atomic_directory, atomic_output
from ..io.csv_export import METADATA_FILE, Publisher, open_data_tables, write_csv, write_open_data_metadata
from ..io.input_guard import refuse_overwriting_inputs
from ..io.lint_rules import load_publisher
from ..report.cards_pdf import write_cards_pdf
from ..report.html import render_html
from ..report.pdf_engine import SKIPPED_NOTE, SKIPPED_NOTE_EN, PdfChoice, choose_pdf_engine
from ..report.view import report_view
from .lint import LintResult, lint_master
from .result import CommandResult, Note, Output, note_text

__all__ = ["CARDS_FILE", "REPORT_FILE", "ReportResult", "build_report", "pdf_choice", "report_master"]

REPORT_FILE = "report.html"
CARDS_FILE = "cards.pdf"


@dataclass(slots=True)
class ReportResult:
    """The files of the council pack."""

    directory: Path
    html: Path
    pdf: Path | None = None
    csv: dict[str, Path] = field(default_factory=dict)
    metadata: Path | None = None  # the open data's metadata.json (license, source, columns, units)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was skipped and how to get it (the PDF)

    def command_result(self, lint: LintResult) -> CommandResult:
        """The result of `xlplan report`: the audit findings on the master (warnings do not fail a
        report), the files of the pack, and the pack under `report`."""
        outputs = [Output("html", str(self.html))]
        if self.pdf:
            outputs.append(Output("pdf", str(self.pdf)))
        outputs += [Output(f"csv:{name}", str(path)) for name, path in self.csv.items()]
        if self.metadata:
            outputs.append(Output("metadata", str(self.metadata)))
        pack = {
            "directory": str(self.directory),
            "html": str(self.html),
            "pdf": str(self.pdf) if self.pdf else None,
            "csv": {name: str(path) for name, path in self.csv.items()},
            "fiscal_year": lint.plan.evaluated_fy,
        }
        return CommandResult(
            "report", [lint.report], outputs, payload_key="report", payload=pack, notes=list(self.notes)
        )


def pdf_choice(pdf: PdfChoice | bool) -> PdfChoice:
    """A PDF choice from what callers pass: a decided `PdfChoice`, True (find one) or False (no PDF)."""
    if isinstance(pdf, PdfChoice):
        return pdf
    return choose_pdf_engine() if pdf else PdfChoice()


def build_report(
    plan: Plan,
    grades: Mapping[str, MeasureGrade],
    findings: Sequence[Finding],
    directory: Path,
    *,
    pdf: PdfChoice | bool = True,
    fiscal_year: int | None = None,
    generated_at: dt.datetime | None = None,
    publisher: Publisher | None = None,
) -> ReportResult:
    """Write the council pack of a plan into `directory`, as a whole (`io.atomic.atomic_directory`).

    :param plan: the plan.
    :param grades: computed grades by measure ID.
    :param findings: the audit findings.
    :param directory: the output folder.
    :param pdf: the engine printing the measure cards (`choose_pdf_engine`), True to find one, False for none.
    :param fiscal_year: the evaluated year (default: the plan's).
    :param generated_at: the time printed on the report (default: now).
    :param publisher: 団体コード, 団体名 and license of the open data (default: Akita's).
    :raises OutputError: when the folder cannot be written (nothing is left half-made).
    """
    choice = pdf_choice(pdf)
    directory = Path(directory)
    with atomic_directory(directory) as work:
        written = _write_pack(
            plan,
            grades,
            findings,
            work,
            pdf=choice,
            fiscal_year=fiscal_year,
            generated_at=generated_at,
            publisher=publisher,
        )
    return moved_report(written, work, directory)


def moved_report(result: ReportResult, old: Path, new: Path) -> ReportResult:
    """`result` with its paths under `new`, where the folder `old` it was written into now is."""

    def moved(path: Path) -> Path:
        return new / Path(path).relative_to(old)

    return ReportResult(
        directory=moved(result.directory),
        html=moved(result.html),
        pdf=moved(result.pdf) if result.pdf else None,
        csv={name: moved(path) for name, path in result.csv.items()},
        metadata=moved(result.metadata) if result.metadata else None,
        findings=result.findings,
        notes=result.notes,
    )


def _write_pack(
    plan: Plan,
    grades: Mapping[str, MeasureGrade],
    findings: Sequence[Finding],
    directory: Path,
    *,
    pdf: PdfChoice,
    fiscal_year: int | None,
    generated_at: dt.datetime | None,
    publisher: Publisher | None,
) -> ReportResult:
    tables = open_data_tables(plan, grades, findings, fiscal_year=fiscal_year, publisher=publisher)
    result = ReportResult(directory=directory, html=directory / REPORT_FILE, findings=list(findings))
    for table in tables:
        result.csv[table.name] = write_csv(directory / table.name, table)
    files = {name: table.title for name, table in zip(result.csv, tables, strict=True)}
    result.metadata = write_open_data_metadata(directory, plan, tables, publisher, fiscal_year=fiscal_year)
    files[METADATA_FILE] = "オープンデータの説明（ライセンス・出典・列と単位、JSON）"
    if pdf.printer is not None:
        try:
            result.pdf = write_cards_pdf(directory / CARDS_FILE, plan, grades, printer=pdf.printer)
        except XlplanError as error:  # the engine failed: the rest of the pack still goes out
            result.notes.append(Note(f"{SKIPPED_NOTE}{error}", f"{SKIPPED_NOTE_EN}{error.message('en')}"))
        else:
            files = {CARDS_FILE: "施策カード（施策ごとに1ページ以上、PDF）", **files}
    elif pdf.note:
        result.notes.append(Note(pdf.note, note_text(pdf.note, "en")))  # the English, when pdf_engine gave one
    view = report_view(plan, grades, findings, fiscal_year=fiscal_year, generated_at=generated_at)
    with atomic_output(result.html) as tmp:
        tmp.write_text(render_html(view, files=files), encoding="utf-8")
    return result


def report_master(
    path: Path,
    directory: Path,
    *,
    previous: Path | None = None,
    rules: Path | None = None,
    fiscal_year: int | None = None,
    pdf: PdfChoice | bool = True,
) -> tuple[ReportResult, LintResult]:
    """Lint a master, then write its council pack.

    :param path: the master workbook.
    :param directory: the output folder.
    :param previous: last year's master (for the two-year checks).
    :param rules: the rules file (grade rules and `[lint]` thresholds).
    :param fiscal_year: the evaluated year (default: the master's).
    :param pdf: the engine printing the measure cards, True to find one, False for none; decided
        before the master is read, so a missing engine is known before the work.
    :raises UsageError: when the folder holds an input.
    """
    pdf = pdf_choice(pdf)
    refuse_overwriting_inputs([path, previous, rules], folders=[directory])
    lint = lint_master(path, previous=previous, rules=rules, fiscal_year=fiscal_year)
    publisher = load_publisher(rules)
    result = build_report(
        lint.plan, lint.grades, lint.findings, directory, pdf=pdf, fiscal_year=fiscal_year, publisher=publisher
    )
    return result, lint

"""`xlplan check`: read section workbooks, validate every sheet, apply the cross-sheet rules."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.assemble import SectionContent, assemble_section
from ..core.findings import Code, FileReport, Finding
from ..core.section_rules import check_section
from ..core.tables import SectionWorkbook
from ..io.xlsx.limits import DEFAULT_LIMITS, ReadLimits
from .inputs import require_inputs, scan_inputs
from .reading import read_all
from .result import CommandResult

__all__ = ["CheckedWorkbook", "check_paths", "check_result", "check_workbooks"]


@dataclass(slots=True)
class CheckedWorkbook:
    """One input after checking: the workbook as read, its report and (if readable) its content."""

    book: SectionWorkbook
    report: FileReport
    content: SectionContent | None = None


def check_paths(
    paths: Iterable[Path],
    *,
    fiscal_year: int | None = None,
    progress: Callable[[Path], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    jobs: int | None = 1,
) -> list[CheckedWorkbook]:
    """Check every workbook given or found under the folders; one bad file never stops the others.

    :param paths: files and folders.
    :param fiscal_year: the evaluated year; by default each workbook's own (from its stamp).
    :param progress: called once per file read (for progress bars).
    :param limits: what one file may cost (size, rows, cells...); a file over a limit is reported.
    :param jobs: processes reading the files (see `reading.read_all`); 1 reads in this process.
    """
    paths = list(paths)
    items = require_inputs(scan_inputs(paths), paths)
    done = iter(items)
    advance = (lambda: progress(next(done).path)) if progress else None
    books = read_all(items, jobs=jobs, limits=limits, advance=advance, meanwhile=prepare_validation)
    return check_workbooks(books, fiscal_year=fiscal_year)


def prepare_validation() -> None:
    """Import pandas and pandera and build the sheet schemas (about a second of CPU).

    Imported here, not when the module is: `--help` and a run's start-up skip them, and while
    worker processes read the workbooks this process imports them instead of waiting.
    """
    from xlplan_validators import prepare

    prepare()


def check_workbooks(books: Sequence[SectionWorkbook], *, fiscal_year: int | None = None) -> list[CheckedWorkbook]:
    """Validate workbooks already read: pandera over all of them at once, then per-file rules."""
    from xlplan_validators import validate_sheets  # pandas and pandera: imported when first needed

    by_file: dict[str, list[Finding]] = {b.path: list(b.findings) for b in books}
    for finding in validate_sheets(books):
        by_file[finding.file].append(finding)
    checked = []
    for book in books:
        content = None
        if book.readable:
            year = fiscal_year or book.fiscal_year or 0
            by_file[book.path].extend(check_section(book, year))
            content = assemble_section(book, year)
        skipped = not book.readable
        checked.append(CheckedWorkbook(book, FileReport(book.path, by_file[book.path], skipped), content))
    return checked


def check_result(
    paths: Iterable[Path],
    *,
    fiscal_year: int | None = None,
    skip: Collection[Code] = (),
    limits: ReadLimits = DEFAULT_LIMITS,
    jobs: int | None = 1,
) -> CommandResult:
    """`xlplan check` as a result: one file report per input, `skip` codes left out.

    :raises NoInputError: when no workbook is found under `paths`.
    """
    checked = check_paths(paths, fiscal_year=fiscal_year, limits=limits, jobs=jobs)
    return CommandResult("check", [c.report for c in checked]).without(skip)

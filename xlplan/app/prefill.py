"""Section workbooks pre-filled from a plan: one section (`template --from`) or all of them.

The section receives what HQ already knows, so that it only types what changed: its own
measures in full, the measures it co-owns as reference rows, and its budget projects. For
another fiscal year than the plan's, last year's actual becomes 前年度実績値 and budget
projects keep their names and links but not their amounts (a new year has a new budget).

Every section workbook xlplan writes (demo, revise, template --all) is named here, through
`core.filenames`: a section called CON or 総務課. still gets a valid file of its own on Windows.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from ..core.disassemble import section_records
from ..core.filenames import file_names
from ..core.grading.rules import GradeRules
from ..core.model import Amounts, BudgetProject, Plan
from ..errors import UsageError
from ..io.atomic import atomic_directory
from ..io.master_reader import read_master
from ..io.rules_file import load_rules
from ..io.section_writer import TemplateOptions, write_section_workbook
from .sections import SectionShare, split_by_section

__all__ = ["prefill_all_from_master", "prefill_from_master", "write_section_workbooks"]


def prefill_from_master(
    master: Path,
    section: str,
    output: Path,
    *,
    fiscal_year: int | None = None,
    plan_version: str | None = None,
    blank_rows: int | None = None,
) -> Path:
    """Write one section's workbook, pre-filled from a master, atomically.

    :param master: the master workbook (`xlplan consolidate` output).
    :param section: the section (課所室) as the master names it.
    :param output: the .xlsx to write.
    :param fiscal_year: the year the section reports on (default: the master's evaluated year).
    :param plan_version: the version stamped into the workbook (default: the master's).
    :param blank_rows: empty input rows after the pre-filled ones (default: the template's).
    :raises UsageError: when the master does not name the section.
    """
    plan = read_master(master).plan
    shares = {share.section: share for share in split_by_section(plan)}
    if section not in shares:
        known = "、".join(shares) or "（なし）"
        raise UsageError(
            f"課所室「{section}」はマスター {master} にありません。マスターにある課所室: {known}",
            english=f"Section '{section}' is not in the master {master}. "
            f"Sections in the master: {', '.join(shares) or '(none)'}",
        )
    options = _options(plan, section, fiscal_year=fiscal_year, plan_version=plan_version, blank_rows=blank_rows)
    return write_section_workbook(output, options, _records(plan, shares[section], options.fiscal_year))


def prefill_all_from_master(
    master: Path,
    directory: Path,
    *,
    fiscal_year: int | None = None,
    plan_version: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write every section's pre-filled workbook into `directory` (`template --from MASTER --all`).

    The folder appears whole or not at all (`io.atomic.atomic_directory`). An existing non-empty
    folder is refused, so that nothing a section returned is ever written over.

    :raises UsageError: when `directory` exists and is not empty, or the master has no section.
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(
            f"出力先 {directory} は空ではありません。新しいフォルダ名を -o で指定してください。",
            english=f"The output {directory} is not empty. Give a new folder name with -o.",
        )
    plan = read_master(master).plan
    if not split_by_section(plan):
        raise UsageError(
            f"マスター {master} に課所室のある施策がありません。",
            english=f"The master {master} has no measure with a section.",
        )
    with atomic_directory(directory) as work:
        written = write_section_workbooks(
            plan, work, fiscal_year=fiscal_year, plan_version=plan_version, progress=progress, names_in=directory
        )
    return [directory / path.name for path in written]


def write_section_workbooks(
    plan: Plan,
    directory: Path,
    *,
    fiscal_year: int | None = None,
    plan_version: str | None = None,
    rules: GradeRules | None = None,
    blank_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
    names_in: Path | None = None,
) -> list[Path]:
    """Write one pre-filled section workbook per section of the plan into `directory`.

    :param fiscal_year: the year the sections report on (default: the plan's evaluated year).
    :param plan_version: the version stamped into the workbooks (default: the plan's).
    :param rules: the grade rules the workbooks' live formulas follow (default: Akita's).
    :param blank_rows: empty, formatted input rows after the pre-filled ones (default: the template's).
    :param names_in: the folder whose path length the file names must fit (default: `directory`).
    """
    directory.mkdir(parents=True, exist_ok=True)
    rules = rules or load_rules()  # once, not once per workbook (a TOML parse each)
    shares = split_by_section(plan)
    names = file_names([share.section for share in shares], str((names_in or directory).absolute()))
    written = []
    with _collector_skipping_what_lives():
        for share in shares:
            options = _options(
                plan,
                share.section,
                fiscal_year=fiscal_year,
                plan_version=plan_version,
                blank_rows=blank_rows,
                rules=rules,
            )
            path = write_section_workbook(
                directory / names[share.section], options, _records(plan, share, options.fiscal_year)
            )
            written.append(path)
            if progress:
                progress(share.section)
    return written


@contextlib.contextmanager
def _collector_skipping_what_lives() -> Iterator[None]:
    """Let the cyclic garbage collector's passes skip every object alive now (the plan, read
    data): each workbook makes and drops many objects, and at 2,000 sections the full passes
    over the plan cost more than a tenth of the writing. Undone on exit."""
    if gc.get_freeze_count():  # a caller froze already: theirs to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _options(
    plan: Plan,
    section: str,
    *,
    fiscal_year: int | None,
    plan_version: str | None,
    blank_rows: int | None,
    rules: GradeRules | None = None,
) -> TemplateOptions:
    options = TemplateOptions(
        fiscal_year=fiscal_year or plan.evaluated_fy,
        section=section,
        plan_name=plan.name,
        plan_version=plan_version or plan.version,
        rules=rules,
    )
    return options if blank_rows is None else replace(options, blank_rows=blank_rows)


def _records(plan: Plan, share: SectionShare, year: int) -> dict:
    """The share's rows for `year`: budget amounts only for the plan's own year."""
    projects = share.projects if year == plan.evaluated_fy else tuple(_without_amounts(p, year) for p in share.projects)
    return section_records(share.measures, projects, year)


def _without_amounts(project: BudgetProject, year: int) -> BudgetProject:
    return replace(
        project,
        fiscal_year=year,
        total=Amounts(),
        lines=tuple(replace(line, amounts=Amounts()) for line in project.lines),
        funding=tuple(replace(line, amounts=Amounts()) for line in project.funding),
    )

"""`xlplan template --from MASTER`: a section's workbook pre-filled from the master plan.

The section receives what HQ already knows, so that it only types what changed: its own
measures in full, the measures it co-owns as reference rows, and its budget projects. For
another fiscal year than the master's, last year's actual becomes 前年度実績値 and budget
projects keep their names and links but not their amounts (a new year has a new budget).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..core.disassemble import section_records
from ..core.model import Amounts, BudgetProject
from ..errors import UsageError
from ..io.master_reader import read_master
from ..io.section_writer import TemplateOptions, write_section_workbook
from .sections import split_by_section

__all__ = ["prefill_from_master"]


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
        raise UsageError(f"課所室「{section}」はマスター {master} にありません。マスターにある課所室: {known}")
    share = shares[section]
    year = fiscal_year or plan.evaluated_fy
    projects = share.projects if year == plan.evaluated_fy else tuple(_without_amounts(p, year) for p in share.projects)
    options = TemplateOptions(
        fiscal_year=year, section=section, plan_name=plan.name, plan_version=plan_version or plan.version
    )
    if blank_rows is not None:
        options = replace(options, blank_rows=blank_rows)
    return write_section_workbook(output, options, section_records(share.measures, projects, year))


def _without_amounts(project: BudgetProject, year: int) -> BudgetProject:
    return replace(
        project,
        fiscal_year=year,
        total=Amounts(),
        lines=tuple(replace(line, amounts=Amounts()) for line in project.lines),
        funding=tuple(replace(line, amounts=Amounts()) for line in project.funding),
    )

"""`xlplan demo`: the whole job on the bundled sample plan, as HQ would run it.

1. write one section workbook per section, filled as that section would have filled it;
2. check them all (as returned by the sections);
3. grade them, and (where available) consolidate them into the master plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.disassemble import section_records
from ..core.model import Plan
from ..io.section_writer import TemplateOptions, write_section_workbook
from ..sample import load_sample_plan
from .check import CheckedWorkbook, check_paths
from .sections import split_by_section

__all__ = ["DemoResult", "run_demo", "write_section_workbooks"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(slots=True)
class DemoResult:
    """Where the demo wrote what, and what checking found."""

    directory: Path
    section_files: list[Path] = field(default_factory=list)
    checked: list[CheckedWorkbook] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)  # label → file


def write_section_workbooks(
    plan: Plan, directory: Path, *, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write one pre-filled section workbook per section of the plan into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for share in split_by_section(plan):
        path = directory / f"{_UNSAFE.sub('_', share.section)}.xlsx"
        options = TemplateOptions(
            fiscal_year=plan.evaluated_fy, section=share.section, plan_name=plan.name, plan_version=plan.version
        )
        write_section_workbook(path, options, section_records(share.measures, share.projects, plan.evaluated_fy))
        written.append(path)
        if progress:
            progress(share.section)
    return written


def run_demo(directory: Path, *, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Run the sample plan through the tool; outputs go under `directory`."""
    plan = load_sample_plan()
    result = DemoResult(directory=directory)
    result.section_files = write_section_workbooks(plan, directory / "sections", progress=progress)
    result.checked = check_paths(result.section_files, fiscal_year=plan.evaluated_fy)
    return result

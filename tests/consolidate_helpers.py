"""Shared by the consolidation tests: the sample plan as returned section workbooks, and its master.

Both are built once per test session with the real template writer and the real command
(few blank rows, to keep the session quick), then copied by tests that change them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from click.testing import CliRunner

from xlplan.app.sections import split_by_section
from xlplan.cli.main import cli
from xlplan.core.disassemble import section_records
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.sample import load_sample_plan

BLANK_ROWS = 5
_CACHE: dict[str, Path] = {}
_SUMMARY: dict[str, dict] = {}


def sample_sections(factory: pytest.TempPathFactory) -> Path:
    """A folder with one workbook per section of the sample plan, as the sections return them."""
    if "sections" not in _CACHE:
        folder = factory.mktemp("returned")
        write_plan_sections(load_sample_plan(), folder)
        _CACHE["sections"] = folder
    return _CACHE["sections"]


def sample_master(factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The master of the sample (第2.1版) and the JSON summary `xlplan consolidate` printed."""
    if "master" not in _CACHE:
        folder = sample_sections(factory)
        master = factory.mktemp("hq") / "master.xlsx"
        code, summary = run_consolidate(folder, "-o", master, "--plan-version", "2.1")
        assert code == 1, summary  # the sample's M-067 has no target: one real error
        _CACHE["master"] = master
        _SUMMARY["master"] = summary
    return _CACHE["master"], json.loads(json.dumps(_SUMMARY["master"]))  # a copy per test


def write_plan_sections(plan, folder: Path, *, blank_rows: int = BLANK_ROWS) -> list[Path]:  # type: ignore[no-untyped-def]
    """One pre-filled section workbook per section of `plan`, named NN_section.xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index, share in enumerate(split_by_section(plan)):
        options = TemplateOptions(
            fiscal_year=plan.evaluated_fy,
            section=share.section,
            plan_name=plan.name,
            plan_version=plan.version,
            blank_rows=blank_rows,
        )
        path = folder / f"{index:02d}_{share.section}.xlsx"
        records = section_records(share.measures, share.projects, plan.evaluated_fy)
        written.append(write_section_workbook(path, options, records))
    return written


def copy_folder(source: Path, target: Path) -> Path:
    """A copy of a folder of workbooks that a test may change."""
    shutil.copytree(source, target)
    return target


def run_consolidate(*args: object) -> tuple[int, dict]:
    """Run `xlplan consolidate --json ARGS…`; return the exit code and the printed envelope."""
    result = CliRunner().invoke(cli, ["consolidate", "--json", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def inputs_of(document: dict) -> dict[str, int]:
    """Files found, merged, skipped and with errors, from a consolidate envelope."""
    found = [f for f in document["files"] if f["status"] != "related"]
    merged = document["master"]["merged"]
    with_errors = sum(1 for f in found if f["errors"])
    return {
        "files": document["master"]["files"],
        "merged": merged,
        "skipped": len(found) - merged,
        "with_errors": with_errors,
    }


def conflicts_of(document: dict) -> list[dict[str, str]]:
    """The consolidation-conflict findings of an envelope: where, the value, and the other cell and value."""
    return [
        {**{k: f[k] for k in ("file", "sheet", "cell", "column", "value")}, **f["params"]}
        for file in document["files"]
        for f in file["findings"]
        if f["code"] == "consolidation-conflict"
    ]


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    """Every row of a sheet as python-calamine reads it (values only)."""
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        workbook.close()


def open_master(path: Path) -> openpyxl.Workbook:
    """The master as openpyxl sees it (formats, formulas, merged cells)."""
    return openpyxl.load_workbook(path)

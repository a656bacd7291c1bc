"""Section names that Windows would refuse or merge still give valid, distinct file names."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PureWindowsPath

import openpyxl
import pytest
from click.testing import CliRunner

from xlplan.app.check import check_paths
from xlplan.cli.main import cli
from xlplan.core.filenames import MAX_PATH, file_names, safe_stem
from xlplan.core.grading import grade_plan
from xlplan.core.grading.rules import GradeRules
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.sample import load_sample_plan

_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}
_FORBIDDEN = set('\\/:*?"<>|')


def windows_accepts(name: str) -> bool:
    """What Windows requires of a file name (the rules of Naming Files, Paths, and Namespaces)."""
    return (
        bool(name)
        and not (_FORBIDDEN & set(name))
        and all(ord(c) >= 32 for c in name)
        and not name.endswith((".", " "))
        and name.split(".")[0].rstrip(" ").upper() not in _DEVICES
        and len(name) <= 255
    )


@pytest.mark.parametrize(
    ("section", "stem"),
    [
        ("企画財政部情報統計課", "企画財政部情報統計課"),
        ("CON", "_CON"),
        ("con", "_con"),
        ("Nul.課", "_Nul.課"),
        ("COM1", "_COM1"),
        ("LPT9 ", "_LPT9"),
        ("CONSOLE", "CONSOLE"),
        ("総務課.", "総務課"),
        ("総務課 . ", "総務課"),
        ("企画/財政:課", "企画_財政_課"),
        ('"引用"<課>|?*', "_引用__課____"),
        ("", "_"),
        ("...", "_"),
    ],
)
def test_a_stem_windows_accepts(section, stem):
    assert safe_stem(section) == stem
    assert windows_accepts(stem + ".xlsx")


def test_names_stay_distinct_as_windows_compares_them():
    sections = ["総務課", "総務課.", "総務課 ", "CON", "con", "Con.", "a/b", "a_b", "a:b"]
    names = file_names(sections, r"C:\xlplan\様式")
    assert list(names) == sections
    assert names["総務課"] == "総務課.xlsx" and names["CON"] == "_CON.xlsx" and names["a_b"] != "a_b.xlsx"
    assert len({n.casefold() for n in names.values()}) == len(sections)
    assert all(windows_accepts(n) for n in names.values())
    assert file_names(sections, r"C:\xlplan\様式") == names  # the same every run


def test_paths_keep_within_max_path_and_stay_distinct():
    folder = PureWindowsPath("C:\\" + "\\".join(["深いフォルダ" * 5] * 6))  # 6 levels, 185 characters
    long_names = ["企画財政部" * 30 + "情報統計課", "企画財政部" * 30 + "情報政策課", "短い課"]
    names = file_names(long_names, str(folder))
    for name in names.values():
        assert len(str(folder / name)) <= MAX_PATH and windows_accepts(name)
    assert len(set(names.values())) == 3 and names["短い課"] == "短い課.xlsx"
    assert all(n.startswith("企画財政部") and "~" in n for n in list(names.values())[:2])


def test_every_section_workbook_writer_uses_it(tmp_path):
    """template --from MASTER --all (and demo, revise: the same writer) with hostile section names."""
    sample = load_sample_plan()
    hostile = ["CON", "con.", "総務課", "総務課.", "企画/財政課", "PRN"]
    measures = tuple(
        replace(m, primary_section=s, co_sections=()) for m, s in zip(sample.measures, hostile, strict=False)
    )
    ids = {m.measure_id for m in measures}
    projects = tuple(replace(p, section="") for p in sample.projects if set(p.measure_ids) <= ids)
    plan = replace(sample, measures=measures, projects=projects)
    master = write_master(tmp_path / "master.xlsx", MasterContent(plan=plan, grades=grade_plan(plan, GradeRules())))
    out = tmp_path / "様式"
    result = CliRunner().invoke(cli, ["template", "--from", str(master), "--all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == len(hostile) and all(windows_accepts(p.name) for p in files)
    assert len({p.name.casefold() for p in files}) == len(hostile)
    assert {c.book.section for c in check_paths(files)} == set(hostile)  # each file is its own section's
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left
    book = openpyxl.load_workbook(out / "総務課.xlsx", read_only=True)
    assert "施策" in book.sheetnames

    again = CliRunner().invoke(cli, ["template", "--from", str(master), "--all", "-o", str(out)])
    assert again.exit_code == 2 and "空ではありません" in again.output  # returned workbooks are never overwritten
    assert sorted(out.iterdir()) == files

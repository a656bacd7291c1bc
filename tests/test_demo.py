"""`xlplan demo`: the whole job on the bundled sample plan, from the command line."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from xlplan.cli.main import cli


def test_demo_writes_checks_and_grades_the_sample_plan(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sections = sorted((out / "sections").glob("*.xlsx"))
    graded = sorted((out / "graded").glob("*.xlsx"))
    assert len(sections) == 44
    assert [p.name for p in graded] == [p.name for p in sections]
    assert "進捗評価: 67 施策を算定、自己評価と一致 67/67 施策" in result.output
    assert "KPI!J3" in result.output  # the real finding: M-067 has no target
    book = openpyxl.load_workbook(out / "graded" / "企画財政部情報統計課.xlsx", read_only=True)
    assert "評価" in book.sheetnames

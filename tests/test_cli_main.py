"""The command starts light: commands load when they run, so spawned readers skip pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from xlplan.cli.main import cli


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()


def test_the_command_group_imports_no_command_module_and_no_pandas() -> None:
    heavy = "('pandas', 'openpyxl', 'xlplan.app')"
    loaded = run_python(f"import sys, xlplan.cli.main; print(sorted(m for m in sys.modules if m.startswith({heavy})))")
    assert loaded == "[]"



def test_consolidate_imports_no_openpyxl() -> None:
    # it reads with its own reader and writes with XlsxWriter: openpyxl (with numpy under it)
    # would only add to every run's start-up
    loaded = run_python("import sys, xlplan.app.consolidate; print('openpyxl' in sys.modules)")
    assert loaded == "False"


def test_every_command_is_listed_and_loads_on_use() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("check", "consolidate", "demo", "excel", "grade", "lint", "report", "revise", "template"):
        assert f"  {name} " in result.output
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0
    assert CliRunner().invoke(cli, ["no-such-command"]).exit_code == 2


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "xlplan", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("xlplan, version")


def test_version_names_the_rules_file_in_use() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    version, rules, _python = result.output.splitlines()
    assert version == "xlplan, version 0.1.0"
    path = rules.removeprefix("評価基準ファイル: ").split("（")[0]
    assert path.endswith("akita.toml") and Path(path).is_file()
    assert "秋田市デジタル化推進計画2.0" in rules and "--rules" in rules

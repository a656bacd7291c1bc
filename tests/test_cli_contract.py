"""One command-line contract: every command's --json is the one envelope, on every exit path.

Each row runs a command as a user would (real workbooks in tmp folders) with --json and
checks the document against xlplan/schemas/result.schema.json, the exit code against the
envelope's, and what the code means: 0 clean, 1 findings at the error level (lint: warning),
2 a wrong command line or input of the wrong kind, 3 nothing could be written (an injected
read-only folder, as tests/test_output_faults.py provokes it), 130 interrupted (an injected Ctrl-C).
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.faults import inject_fault
from tests.test_output_faults import COMMANDS, World
from tests.test_output_faults import world as world  # the module-scoped fixture, under its own name
from xlplan.cli.main import cli
from xlplan.core.audit.catalog import AUDIT_CATALOG

SCHEMA = json.loads(resources.files("xlplan.schemas").joinpath("result.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def run_json(args: list[str]) -> dict:
    """Run `xlplan ARGS --json`; the document on stdout, valid against the schema, its exit code the run's."""
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert document["exit_code"] == result.exit_code, result.output
    return document


@pytest.fixture(scope="module")
def bad_sections(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one returned workbook whose target cell holds text: a number-invalid error."""
    import openpyxl

    folder = tmp_path_factory.mktemp("bad")
    workbook = openpyxl.load_workbook(world.section_file)
    sheet = workbook["KPI"]
    target = next(c for c in sheet[2] if c.value == "目標値")
    sheet.cell(row=3, column=target.column, value="約30")
    workbook.save(folder / world.section_file.name)
    return folder


@pytest.fixture(scope="module")
def refused_changes(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A changes workbook moving a measure that is not in the master: revise refuses it."""
    import openpyxl

    path = tmp_path_factory.mktemp("changes") / "変更.xlsx"
    assert CliRunner().invoke(cli, ["revise", "--changes-template", "-o", str(path)]).exit_code == 0
    workbook = openpyxl.load_workbook(path)
    workbook["段階の変更"]["A3"] = "M-999"
    workbook["段階の変更"]["B3"] = "2"
    workbook.save(path)
    return path


ALL_AUDITS = [arg for check in AUDIT_CATALOG for arg in ("--skip", str(check.code))]

# (command, expected exit, arguments given the world, the bad folder, the refused changes and an out folder)
Args = Callable[[World, Path, Path, Path], list[str]]
CASES: list[tuple[str, int, Args]] = [
    ("check", 0, lambda w, bad, ch, out: ["check", str(w.sections), "--skip", "self-grade-mismatch"]),
    ("check", 1, lambda w, bad, ch, out: ["check", str(bad)]),
    ("check", 2, lambda w, bad, ch, out: ["check", str(out)]),  # an empty folder
    ("check", 2, lambda w, bad, ch, out: ["check", str(w.sections), "--skip", "no-such-code"]),
    ("check", 2, lambda w, bad, ch, out: ["check"]),  # click's own usage error
    ("codes", 0, lambda w, bad, ch, out: ["codes"]),
    ("codes", 2, lambda w, bad, ch, out: ["codes", "--format", "xml"]),
    ("consolidate", 0, lambda w, bad, ch, out: ["consolidate", str(w.sections), "-o", str(out / "m.xlsx")]),
    ("consolidate", 1, lambda w, bad, ch, out: ["consolidate", str(bad), "-o", str(out / "m.xlsx")]),
    (
        "consolidate",
        2,
        lambda w, bad, ch, out: ["consolidate", str(out), "-o", str(out / "m.xlsx"), "--fiscal-year", "R6"],
    ),
    ("consolidate", 2, lambda w, bad, ch, out: ["consolidate", str(w.sections)]),  # -o missing
    ("grade", 0, lambda w, bad, ch, out: ["grade", str(w.section_file), "-o", str(out / "g.xlsx")]),
    ("grade", 1, lambda w, bad, ch, out: ["grade", str(bad)]),
    ("grade", 2, lambda w, bad, ch, out: ["grade", str(w.master)]),  # a master, not a section workbook
    ("lint", 0, lambda w, bad, ch, out: ["lint", str(w.master), *ALL_AUDITS]),
    ("lint", 1, lambda w, bad, ch, out: ["lint", str(w.master)]),
    ("lint", 2, lambda w, bad, ch, out: ["lint", str(w.section_file)]),  # a section workbook, not a master
    ("lint", 2, lambda w, bad, ch, out: ["lint", str(w.master), "--skip", "value-missing"]),  # not a lint code
    ("lint", 0, lambda w, bad, ch, out: ["lint", "--catalog"]),
    ("report", 0, lambda w, bad, ch, out: ["report", str(w.master), "-o", str(out / "r"), "--no-pdf"]),
    ("report", 2, lambda w, bad, ch, out: ["report", str(w.section_file), "-o", str(out / "r"), "--no-pdf"]),
    ("revise", 0, lambda w, bad, ch, out: ["revise", str(w.master), "-o", str(out / "rev")]),
    ("revise", 1, lambda w, bad, ch, out: ["revise", str(w.master), "-o", str(out / "rev"), "--changes", str(ch)]),
    ("revise", 2, lambda w, bad, ch, out: ["revise", "-o", str(out / "rev")]),  # MASTER missing
    ("revise", 0, lambda w, bad, ch, out: ["revise", "--changes-template", "-o", str(out / "c.xlsx")]),
    ("template", 0, lambda w, bad, ch, out: ["template", "-o", str(out / "t.xlsx")]),
    ("template", 2, lambda w, bad, ch, out: ["template", "-o", str(out)]),  # a folder
    ("demo", 2, lambda w, bad, ch, out: ["demo", "--variant", "no-such-variant"]),
    ("excel", 0, lambda w, bad, ch, out: ["excel", "init", str(out / "hq")]),
    ("excel", 2, lambda w, bad, ch, out: ["excel", "init"]),
]


@pytest.mark.parametrize(("command", "code", "args"), CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_every_command_prints_the_envelope_on_every_exit_path(
    command,
    code,
    args,
    world,
    bad_sections,
    refused_changes,
    tmp_path,
):
    out = tmp_path / "out"
    out.mkdir()
    document = run_json(args(world, bad_sections, refused_changes, out))
    assert (document["command"], document["exit_code"]) == (command, code), document["error"]
    assert document["ok"] is (code == 0)
    if code == 2:
        assert document["error"]["code"] in ("usage", "no-input", "wrong-kind", "unknown-code")
        assert document["files"] == [] and document["outputs"] == []
    else:
        assert document["error"] is None
    if code == 1:
        failing = ("error", "warning") if command == "lint" else ("error",)
        found = [f for file in document["files"] for f in file["findings"] if f["severity"] in failing]
        assert found and sum(document["summary"]["by_code"].values()) >= len(found)
    for output in document["outputs"]:
        assert Path(output["path"]).exists(), output


@pytest.mark.parametrize("command", list(COMMANDS))
def test_nothing_writable_is_exit_3_in_the_envelope(command, world, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with inject_fault(out, errno.EROFS, at=1):
        document = run_json(COMMANDS[command](world, out))
    assert document["exit_code"] == 3 and document["error"]["code"] == "output-unwritable"
    assert "読み取り専用の場所です" in document["error"]["message"]
    assert document["command"] == command.split()[0]


def test_the_demo_envelope_counts_what_the_sample_found(tmp_path):
    document = run_json(["demo", "-o", str(tmp_path / "demo"), "--no-pdf"])
    assert document["exit_code"] == 0 and document["demo"]["section_workbooks"] > 0
    assert {o["kind"] for o in document["outputs"]} and all(Path(o["path"]).exists() for o in document["outputs"])


def test_the_schema_lists_every_status_and_error_code():
    """The enums in the schema are the ones the code uses (a new status or error needs the schema too)."""
    from xlplan import errors

    codes = {cls.code for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.XlplanError)}
    error_codes = SCHEMA["properties"]["error"]["oneOf"][1]["properties"]["code"]["enum"]
    assert codes | {"usage", "interrupted"} == set(error_codes)  # two stops that are no XlplanError
    import click

    with click.Context(cli) as ctx:
        commands = set(cli.list_commands(ctx))
    assert set(SCHEMA["properties"]["command"]["enum"]) == commands | {""}  # "": no command given


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_ctrl_c_is_exit_130_in_the_envelope(lang, world, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with inject_fault(out, 0, at=2, interrupt=True) as fault:
        document = run_json([*COMMANDS["consolidate"](world, out), "--lang", lang])
    assert fault.raised == 1
    assert (document["command"], document["exit_code"], document["ok"]) == ("consolidate", 130, False)
    assert document["error"]["code"] == "interrupted"
    assert document["error"]["message"].startswith("中断しました。" if lang == "ja" else "Interrupted.")
    assert list(out.iterdir()) == []

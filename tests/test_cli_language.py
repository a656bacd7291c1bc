"""Japanese by default, English on request: help, click's own usage errors, messages, the catalog.

Also the parts of the contract a person sees: `xlplan codes`, --skip checked against the
catalog, the summary by code after the per-file table, the findings as CSV, and `main`
returning the exit code when called with standalone_mode=False.
"""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from xlplan.cli.i18n import untranslated
from xlplan.cli.main import cli
from xlplan.core.findings import Code, code_catalog


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, prog_name="xlplan")


def test_help_is_japanese_by_default_and_english_on_request():
    japanese = run("--help").output
    assert japanese.startswith("使い方: xlplan [OPTIONS] COMMAND [ARGS]...")
    assert "オプション:" in japanese and "コマンド:" in japanese and "このヘルプを表示して終了します。" in japanese
    assert "  codes        指摘のコードの一覧（区分・意味・直し方）を表示します。\n" in japanese
    for english in (run("--lang", "en", "--help").output, run("--help", env={"XLPLAN_LANG": "en"}).output):
        assert english.startswith("Usage: xlplan [OPTIONS] COMMAND [ARGS]...")
        assert "Show this message and exit." in english and "  codes        List every finding code" in english


def test_every_help_text_of_every_command_has_its_english():
    with click.Context(cli) as ctx:
        commands = [cli.get_command(ctx, name) for name in cli.list_commands(ctx)]
    assert all(commands)
    assert [text for command in [cli, *commands] for text in untranslated(command)] == []
    check_help = run("check", "--lang", "en", "--help").output
    assert "Leave out findings of this code" in check_help and "このコードの指摘" not in check_help


def test_a_usage_error_of_click_in_both_languages(tmp_path):
    returned = str(tmp_path)
    japanese = run("consolidate", returned)
    assert japanese.exit_code == 2
    assert japanese.stderr.endswith("エラー: 指定されていないオプション: '-o' / '--output'.\n")
    assert japanese.stderr.startswith("使い方: xlplan consolidate [OPTIONS] PATHS...")
    english = run("consolidate", returned, "--lang", "en")
    assert english.exit_code == 2
    assert english.stderr.endswith("Error: Missing option '-o' / '--output'.\n")
    assert run("consolidate", returned, env={"XLPLAN_LANG": "en"}).stderr == english.stderr



def test_the_word_for_a_path_follows_each_runs_language(tmp_path):
    # click names a path ("Path", "File") once, when it builds a command's parameters: runs in
    # one process (the tests, the demo) must each say it in their own language, in either order
    missing = str(tmp_path / "nothing_here")
    for _ in range(2):
        for command in ("check", "grade"):
            japanese = run(command, missing).stderr
            assert japanese.endswith(f"エラー: 'PATHS...' の値が正しくありません: パス '{missing}' がありません。\n")
            english = run(command, missing, "--lang", "en").stderr
            assert english.endswith(f"Error: Invalid value for 'PATHS...': Path '{missing}' does not exist.\n")

@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ja", "'--format' の値が正しくありません: 'xml' は 'table', 'json', 'csv' のどれでもありません。"),
        ("en", "Invalid value for '--format': 'xml' is not one of 'table', 'json', 'csv'."),
    ],
)
def test_a_usage_error_under_json_is_the_envelope(lang, message):
    result = run("check", "--json", "--format", "xml", "--lang", lang, "x.xlsx")
    assert result.exit_code == 2 and result.stderr == ""
    document = json.loads(result.stdout)
    assert (document["command"], document["ok"], document["exit_code"]) == ("check", False, 2)
    assert document["error"] == {"code": "usage", "message": message}


def test_main_returns_the_exit_code_instead_of_exiting(filled_workbook, edit_workbook):
    assert cli.main(["check", str(filled_workbook)], standalone_mode=False) == 0
    edit_workbook(filled_workbook, {"KPI!J3": "約30"})
    assert cli.main(["check", str(filled_workbook)], standalone_mode=False) == 1
    assert cli.main(["check", str(filled_workbook), "--skip", "nope"], standalone_mode=False) == 2
    assert cli.main(["check"], standalone_mode=False) == 2  # click's usage error, no SystemExit


def test_codes_lists_the_one_catalog_in_both_languages():
    document = json.loads(run("codes", "--json").stdout)
    assert [c["code"] for c in document["codes"]] == [str(c) for c in Code]
    entry = {c["code"]: c for c in document["codes"]}["number-invalid"]
    assert entry["severity"] == "error"
    assert entry["meaning"]["ja"].startswith("「{column}」の「{value}」は数値として読めません。")
    assert entry["fix"]["en"].startswith("Type the number only")
    assert all(c["meaning"]["ja"] and c["meaning"]["en"] for c in document["codes"])
    table = run("codes").stdout
    assert "number-invalid" in table and f"{len(code_catalog())} 件のコード。" in table
    rows = list(
        csv.reader(io.StringIO(run("codes", "--format", "csv", "--lang", "en").stdout_bytes.decode("utf-8-sig")))
    )
    assert rows[0] == ["code", "severity", "meaning", "fix"] and len(rows) == 1 + len(Code)


def test_skip_takes_only_codes_of_the_catalog(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!J3": "約30"})
    unknown = run("check", str(filled_workbook), "--skip", "number-invalidd")
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "エラー: --skip のコード number-invalidd はこのコマンドの指摘にありません。"
        "xlplan codes で一覧を確認してください。\n"
    )
    skipped = run("check", str(filled_workbook), "--skip", "number-invalid", "--json")
    assert skipped.exit_code == 0 and json.loads(skipped.stdout)["summary"]["by_code"] == {}


def test_check_prints_a_summary_by_code_and_the_findings_as_csv(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!J3": "約30"})
    shown = run("check", str(filled_workbook))
    assert shown.exit_code == 1
    table = shown.stdout[shown.stdout.index("コード別の件数") :]
    [row] = [line for line in table.splitlines() if "number-invalid" in line]
    assert [cell.strip() for cell in row.strip("│ ").split("│")][:4] == ["number-invalid", "エラー", "1", "1"]
    result = run("check", str(filled_workbook), "--format", "csv")
    assert result.exit_code == 1 and result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0] == ["ファイル", "シート", "セル", "列", "値", "区分", "コード", "内容"]
    assert [r[1:7] for r in rows[1:]] == [
        ["KPI", "J3", "目標値", "約30", "エラー", "number-invalid"],
    ]
    assert rows[1][0] == str(filled_workbook) and rows[1][7].startswith("「目標値」の「約30」は数値として読めません。")

"""The self-check's catalog: every rule `check` applies to one workbook is declared once, with or
without a formula form, and `check` says which findings the section's 入力チェック sheet showed."""

from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from xlplan.cli.main import cli
from xlplan.core.findings import Code
from xlplan.core.messages import CATALOG
from xlplan.core.self_check import (
    HQ_ONLY,
    SELF_CHECK_SHEET,
    SINGLE_WORKBOOK_CODES,
    Tables,
    formula_rules,
    self_check_lines,
    shown_by_self_check,
)


def test_every_single_workbook_code_is_a_formula_or_checked_by_hq():
    formula_codes = {rule.code for rule in formula_rules()}
    assert formula_codes | set(HQ_ONLY) >= SINGLE_WORKBOOK_CODES
    assert formula_codes <= SINGLE_WORKBOOK_CODES
    # only ID patterns are split: measure, KPI and project IDs have a formula, lists of IDs not
    assert formula_codes & set(HQ_ONLY) == {Code.ID_INVALID}
    assert shown_by_self_check(Code.ID_INVALID, "KPI", "指標ID")
    assert shown_by_self_check(Code.ID_INVALID, "予算", "予算事業ID")
    assert not shown_by_self_check(Code.ID_INVALID, "予算事業", "関連施策ID")


def test_the_messages_are_checks_own():
    """Each line's text is the catalog's Japanese template with what the line knows filled in."""
    lines = self_check_lines(
        Tables({key: 12 for key in ("measures", "lifecycle", "schedule", "kpi", "projects", "budget", "funding")})
    )
    assert len(lines) == len(formula_rules())
    [target] = [line for line in lines if line.rule.code is Code.NUMBER_INVALID and line.column == "目標値"]
    assert target.message == (
        "「目標値」の「",
        "」は数値として読めません。半角の数値だけを入力してください（例: 30.0）。単位や注記は「備考」へ。",
    )
    assert target.placeholders == ("value",)
    assert "".join(target.message).replace("「」", "「{value}」") == CATALOG["number-invalid"][0].format(
        column="目標値", value="{value}", example="30.0"
    )
    # whole-table ranges: every formatted row counts
    assert "'KPI'!$J$3:$J$12" in target.count


def test_check_says_which_findings_the_sheet_showed(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!J3": "約30", "KPI!D3": "成果"})
    assert openpyxl.load_workbook(filled_workbook).sheetnames[1] == SELF_CHECK_SHEET
    result = CliRunner().invoke(cli, ["check", "--json", str(filled_workbook)])
    [report] = json.loads(result.stdout)["files"]
    assert [(f["cell"], f["code"], f["self_check"]) for f in report["findings"]] == [
        ("D3", "value-not-in-list", False),  # the dropdown guards it; HQ reads the spellings
        ("J3", "number-invalid", True),
    ]
    text = CliRunner().invoke(cli, ["check", str(filled_workbook)]).output
    assert "うち 1 件は、ブックの「入力チェック」シートに出るエラーです" in text

"""`xlplan revise` end to end: master in; changes workbook; new master, 新旧対照表, 改訂資料, section workbooks out."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlplan.app.check import check_paths
from xlplan.cli.main import cli
from xlplan.core.enums import Stage
from xlplan.core.grading import grade_plan
from xlplan.core.grading.rules import GradeRules
from xlplan.io.master_reader import read_master
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.sample import load_sample_plan

from .conftest import sha256

KEPT = ("M-012", "M-014", "M-021", "M-022", "M-023", "M-035")
MERGED = ("M-021", "M-022", "M-023")
NAME = "自治体情報システムの標準化"
REASON = "監査意見11: 標準システムへの移行として1施策に統合"
HELD = (
    "目標値を達成し、前年度から達成を維持しているため安定期へ移行"
    "（削減した業務時間: 令和6年度 358時間、令和5年度 246時間、目標値 246時間）"
)
BUILT = "すべての工程が完了（構築完了）したため拡大期へ移行"
EXPECTED = [
    ["区分", "施策ID", "施策名", "指標ID", "項目", "旧（第2.0版）", "新（第2.1版）", "理由"],
    ["段階の変更", "M-012", "SNSやAIを活用した災害情報の集約および効果的な情報の提供", "", "ライフサイクル段階",
     "段階2（拡大期）", "段階1（構築期）",
     "段階2だが構築段階で目標値を設定できず、年度中の見直しにより段階1（スケジュール管理）の基準で評価"],
    ["段階の変更", "M-014", "災害ボランティアセンターICT導入事業", "", "ライフサイクル段階", "段階1（構築期）",
     "段階2（拡大期）", f"{BUILT}（工程2件すべて完了、評価指標（目標値）は未設定）"],
    ["統合", "M-021", "基幹系システムの標準化", "", "施策", "基幹系システムの標準化", f"M-069 {NAME}に統合", REASON],
    ["統合", "M-022", "戸籍システムの標準化", "", "施策", "戸籍システムの標準化", f"M-069 {NAME}に統合", REASON],
    ["統合", "M-023", "障がい福祉等システムの標準化", "", "施策", "障がい福祉等システムの標準化", f"M-069 {NAME}に統合",
     REASON],
    ["段階の変更", "M-035", "福祉医療、児童手当、児童扶養手当業務へのRPA・AI-OCRの導入", "", "ライフサイクル段階",
     "段階2（拡大期）", "段階3（安定期）", HELD],
]  # fmt: skip


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    """A 第2.0版 master with six of the real measures, as `xlplan consolidate` writes it."""
    sample = load_sample_plan()
    plan = replace(
        sample,
        version="2.0",
        measures=tuple(m for m in sample.measures if m.measure_id in KEPT),
        projects=tuple(p for p in sample.projects if set(p.measure_ids) & set(KEPT)),
    )
    path = tmp_path_factory.mktemp("master") / "計画_第2.0版.xlsx"
    return write_master(path, MasterContent(plan=plan, grades=grade_plan(plan, GradeRules())))


@pytest.fixture(scope="module")
def changes(master, tmp_path_factory) -> Path:
    """The changes workbook written for the master, filled in by HQ."""
    path = tmp_path_factory.mktemp("changes") / "changes.xlsx"
    result = CliRunner().invoke(cli, ["revise", str(master), "--changes-template", "-o", str(path)])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(path)
    proposals = workbook["改訂案"]
    rows = {proposals.cell(row=r, column=1).value: r for r in range(3, 10)}
    assert set(rows) - {None} == {"M-014", "M-035"}  # what the rules propose for these six measures
    proposals.cell(row=rows["M-014"], column=7, value="採用")
    proposals.cell(row=rows["M-035"], column=7, value="採用")
    merge = workbook["施策の統合"]
    for cell, value in {"A3": "M-069", "B3": NAME, "E3": "、".join(MERGED), "F3": REASON}.items():
        merge[cell] = value
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def revised(master, changes, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("out") / "改訂"
    before = sha256(master), sha256(changes)
    result = CliRunner().invoke(
        cli, ["revise", str(master), "-o", str(out), "--to-version", "2.1", "--changes", str(changes)]
    )
    assert result.exit_code == 0, result.output
    assert (sha256(master), sha256(changes)) == before  # inputs are only read
    return out, result


def test_the_comparison_csv_lists_exactly_the_changes(revised):
    out, result = revised
    path = out / "新旧対照表_第2.0版_第2.1版.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # UTF-8 with BOM, as Excel expects
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == EXPECTED
    assert "新旧対照表: 6 件（段階の変更 3・統合 3）" in result.output
    assert "改訂案: 2 件（採用 2・不採用 0・未判断 0）" in result.output


def test_the_revision_workbook_shows_the_same_rows_and_the_decisions(revised):
    out, _ = revised
    workbook = openpyxl.load_workbook(out / "改訂資料_第2.1版.xlsx")
    assert workbook.sheetnames == ["新旧対照表", "改訂案", "評価履歴", "検証結果"]
    table = [
        [c if c is not None else "" for c in row]
        for row in workbook["新旧対照表"].iter_rows(min_row=2, values_only=True)
    ]
    assert table == EXPECTED
    decisions = [(r[0], r[2], r[3], r[6]) for r in workbook["改訂案"].iter_rows(min_row=3, values_only=True)]
    assert decisions == [
        ("M-014", "段階1（構築期）", "段階2（拡大期）", "採用"),
        ("M-035", "段階2（拡大期）", "段階3（安定期）", "採用"),
    ]
    history = {r[0]: (r[2], r[5]) for r in workbook["評価履歴"].iter_rows(min_row=3, values_only=True)}
    assert history["M-035"] == ("令和6年度", "A")  # the evaluated year's grade, kept


def test_the_new_master_is_the_plan_for_the_next_year(revised):
    out, _ = revised
    master = read_master(out / "計画_第2.1版.xlsx")
    plan = master.plan
    assert (plan.version, plan.evaluated_fy) == ("2.1", 2025)
    assert [m.measure_id for m in plan.measures] == ["M-012", "M-014", "M-069", "M-035"]
    merged = plan.measure("M-069")
    assert merged.stages == {2025: Stage.STABLE_RENOVATING}
    assert merged.co_sections == ("市民生活部市民課", "福祉保健部障がい福祉課")
    assert plan.measure("M-035").stages == {2024: Stage.EXPAND, 2025: Stage.STABLE}
    [kpi] = plan.measure("M-035").kpis
    assert kpi.actuals == {2023: 246.0, 2024: 358.0}  # the history of actuals carries on (KPI年度値)
    standard = next(p for p in plan.projects if p.project_id == "P-021-1")
    assert standard.measure_ids == ("M-069",) and standard.total.initial is None


def test_next_years_section_workbooks_are_prefilled_for_each_section(revised):
    out, _ = revised
    files = sorted(p.name for p in (out / "sections").glob("*.xlsx"))
    assert files == sorted(
        f"{s}.xlsx"
        for s in (
            "総務部防災安全対策課",
            "福祉保健部福祉総務課",
            "企画財政部情報統計課",
            "市民生活部市民課",
            "福祉保健部障がい福祉課",
            "子ども未来部子ども福祉課",
        )
    )
    [checked] = check_paths([out / "sections" / "子ども未来部子ども福祉課.xlsx"])
    assert checked.book.fiscal_year == 2025
    [measure] = checked.content.measures
    assert measure.stages == {2024: Stage.EXPAND, 2025: Stage.STABLE}
    assert measure.kpis[0].actuals == {2024: 358.0} and measure.kpis[0].target == 246.0
    [project] = checked.content.projects
    assert (project.project_id, project.fiscal_year, project.total.initial) == ("P-035-1", 2025, None)
    assert [f.code.value for f in checked.report.findings if f.severity.value == "error"] == []


def test_json_lists_the_same_comparison(master, changes, tmp_path):
    result = CliRunner().invoke(
        cli, ["revise", str(master), "-o", str(tmp_path / "o"), "--changes", str(changes), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)["revision"]
    assert (document["from_version"], document["to_version"], document["fiscal_year"]) == ("2.0", "2.1", 2025)
    rows = [[r[k] for k in ("kind", "measure_id", "name", "kpi_id", "item", "old", "new", "reason")]
            for r in document["comparison"]]  # fmt: skip
    assert rows == EXPECTED[1:]


def test_a_refused_change_writes_nothing_and_names_the_cell(master, changes, tmp_path):
    path = tmp_path / "refused.xlsx"
    workbook = openpyxl.load_workbook(changes)
    proposals = workbook["改訂案"]
    [row] = [r for r in range(3, 10) if proposals.cell(row=r, column=1).value == "M-035"]
    proposals.cell(row=row, column=7, value="不採用")
    workbook["段階の変更"]["A3"] = "M-035"
    workbook["段階の変更"]["B3"] = "1"  # 2 → 1 is outside the lifecycle model; no reason given
    workbook.save(path)
    out = tmp_path / "out"
    args = ["revise", str(master), "-o", str(out), "--changes", str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "エラーが 1 件あるため、何も書き出していません。" in result.output
    assert not out.exists()
    document = json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)
    findings = [f for file in document["files"] for f in file["findings"]]
    errors = [(f["file"], f["sheet"], f["cell"], f["code"]) for f in findings if f["severity"] == "error"]
    assert errors == [(str(path), "段階の変更", "C3", "stage-move-not-allowed")]
    assert document["summary"]["errors"] == 1 and document["summary"]["by_code"]["stage-move-not-allowed"] == 1
    assert document["outputs"] == [] and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to-version", "1.9"], "より後の版"),
        (["--to-version", "第3版"], "「2.2」の形"),
    ],
)
def test_usage_errors_exit_2(master, tmp_path, args, message):
    result = CliRunner().invoke(cli, ["revise", str(master), "-o", str(tmp_path / "o"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "o").exists()


def test_revise_needs_a_master_unless_writing_the_template(tmp_path):
    result = CliRunner().invoke(cli, ["revise", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "MASTER" in result.output
    blank = tmp_path / "blank.xlsx"
    result = CliRunner().invoke(cli, ["revise", "--changes-template", "-o", str(blank), "--to-version", "2.2"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(blank)["改訂案"]["A3"].value is None


def test_the_new_master_keeps_the_merge_history_and_ids_are_never_reused(revised, tmp_path):
    out, _ = revised
    master = read_master(out / "計画_第2.1版.xlsx")
    assert master.plan.measure("M-069").absorbed_ids == ("M-021", "M-022", "M-023")
    assert [(m.measure_id, m.merged_into, m.retired_fy) for m in master.history] == [
        ("M-021", "M-069", 2025),
        ("M-022", "M-069", 2025),
        ("M-023", "M-069", 2025),
    ]
    # 2.1 → 2.2 with no change: the history is carried on, the merged IDs stay taken
    again = tmp_path / "2.2"
    result = CliRunner().invoke(
        cli, ["revise", str(out / "計画_第2.1版.xlsx"), "-o", str(again), "--to-version", "2.2"]
    )
    assert result.exit_code == 0, result.output
    later = read_master(again / "計画_第2.2版.xlsx")
    assert later.plan.measure("M-069").absorbed_ids == ("M-021", "M-022", "M-023")
    assert [m.measure_id for m in later.history] == ["M-021", "M-022", "M-023"]


def _grade_formulas(out: Path) -> list[str]:
    workbook = sorted((out / "sections").glob("*.xlsx"))[0]
    return [
        cell.value
        for row in openpyxl.load_workbook(workbook)["施策"].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]


def test_next_years_workbooks_grade_by_the_rules_the_revision_used(master, tmp_path):
    """A city's own rules file (`--rules`) reaches the live grade formulas of next year's workbooks,
    not only the proposals: a workbook grading by Akita's letters would disagree with HQ's grades."""
    rules = tmp_path / "rules.toml"
    rules.write_text('name = "独自の基準"\n[kpi]\nreached = "B"\npartly_reached = "C"\n', encoding="utf-8")
    outputs = {}
    for name, extra in (("akita", []), ("own", ["--rules", str(rules)])):
        outputs[name] = tmp_path / name
        result = CliRunner().invoke(cli, ["revise", str(master), "-o", str(outputs[name]), *extra])
        assert result.exit_code == 0, result.output
    akita, own = (_grade_formulas(outputs[n]) for n in ("akita", "own"))
    assert akita and len(akita) == len(own)
    # every KPI grade: all reached → reached letter, some reached → partly_reached letter
    kpi_letters = re.compile(r'"目標達成"\)=COUNTIFS\([^)]*\),"(.)",IF\(COUNTIFS\([^)]*"目標達成"\)>0,"(.)",')
    assert {m.groups() for f in akita for m in kpi_letters.finditer(f)} == {("A", "B")}
    assert {m.groups() for f in own for m in kpi_letters.finditer(f)} == {("B", "C")}

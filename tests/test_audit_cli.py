"""`xlplan lint` and `xlplan report` on a real master workbook, as HQ runs them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import sha256
from tests.test_audit_sample import SAMPLE_COUNTS
from xlplan.cli.main import cli
from xlplan.core.grading import grade_plan
from xlplan.core.grading.rules import GradeRules
from xlplan.core.model import Plan
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan()


def next_year(plan: Plan) -> Plan:
    """The sample plan a year on, as if every section reported the same figures again for FY2025."""

    def carry(values: dict) -> dict:
        return {2025: values[2024]} if 2024 in values else {}

    measures = tuple(
        replace(
            m,
            stages={2025: s} if (s := m.stages.get(2025) or m.stages.get(2024)) else {},
            basis_overrides={},
            self_grades=carry(m.self_grades),
            results=carry(m.results),
            causes=carry(m.causes),
            responses=carry(m.responses),
            kpis=tuple(replace(k, actuals={**k.actuals, **carry(k.actuals)}) for k in m.kpis),
        )
        for m in plan.measures
    )
    projects = tuple(replace(p, fiscal_year=2025) for p in plan.projects)
    return replace(plan, version="2.1", evaluated_fy=2025, measures=measures, projects=projects)


@pytest.fixture(scope="module")
def masters(tmp_path_factory) -> tuple[Path, Path]:
    """The FY2024 master of the sample plan and a FY2025 master that repeats its figures."""
    folder = tmp_path_factory.mktemp("masters")
    paths = []
    for name, plan in (("第2.0版.xlsx", PLAN), ("第2.1版.xlsx", next_year(PLAN))):
        content = MasterContent(plan=plan, grades=grade_plan(plan, GradeRules()), cards=False)
        paths.append(write_master(folder / name, content))
    return paths[0], paths[1]


def run(*args: str):
    """Invoke the CLI like a user, stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args))


def test_lint_json_has_the_shape_of_check_and_finds_the_audits_findings(masters):
    master, _ = masters
    before = sha256(master)
    result = run("lint", "--json", str(master))
    assert result.exit_code == 1, result.output
    [report] = json.loads(result.stdout)["files"]
    assert (report["path"], report["ok"], report["skipped"]) == (str(master), True, False)
    assert set(report["findings"][0]) == {
        "file", "sheet", "cell", "address", "column", "value", "severity", "code", "message", "params", "self_check"
    }  # fmt: skip
    counts = Counter(f["code"] for f in report["findings"])
    assert counts == SAMPLE_COUNTS
    m060 = next(f for f in report["findings"] if f["code"] == "audit-cause-response-missing" and f["value"] == "M-060")
    assert (m060["sheet"], m060["column"], m060["severity"]) == ("施策", "原因", "warning")
    assert m060["cell"].endswith("62")  # M-060's row in the master's 施策 sheet (header on row 2)
    assert sha256(master) == before  # the master is only read


def test_lint_prints_a_table_and_the_counts_by_check(masters):
    master, _ = masters
    result = run("lint", str(master))
    assert result.exit_code == 1
    assert "監査観点ごとの件数" in result.stdout
    assert "audit-near-duplicate" in result.stdout and "意見11" in result.stdout


def test_lint_with_last_years_master_finds_two_weak_years(masters):
    master, current = masters
    result = run("lint", "--json", "--skip", "audit-no-change", "--previous", str(master), str(current))
    [report] = json.loads(result.stdout)["files"]
    weak = [f["value"] for f in report["findings"] if f["code"] == "audit-weak-two-years"]
    assert weak == ["M-005", "M-018", "M-049", "M-054", "M-060", "M-065"]
    assert not [f for f in report["findings"] if f["code"] in ("audit-no-change", "audit-stage-move-unusual")]


def test_lint_refuses_a_previous_master_that_is_not_earlier(masters):
    master, current = masters
    result = run("lint", "--previous", str(current), str(master))
    assert result.exit_code == 2
    assert "より前の年度のマスター" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(("lint",), "マスター"), (("lint", "--skip", "no-such-code", "MASTER"), "no-such-code")],
)
def test_lint_usage_errors_exit_2(masters, args, message):
    result = run(*(str(masters[0]) if a == "MASTER" else a for a in args))
    assert result.exit_code == 2
    assert message in result.stderr


def test_lint_catalog_lists_every_check_with_its_opinion():
    result = run("lint", "--catalog")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "コード\t区分\t監査意見\t観点\t基準値（[lint]）"
    assert lines[1].split("\t")[:3] == [
        "audit-kpi-output-only",
        "警告",
        "意見5・意見6・意見10・意見12・意見13・意見14・意見15・意見18",
    ]
    assert len(lines) == 1 + 18
    rows = json.loads(run("lint", "--catalog", "--json").stdout)["checks"]
    assert {r["code"]: r["opinions"] for r in rows}["audit-settlement-over-budget"] == ["視点④"]


def test_lint_on_a_section_workbook_says_it_is_not_a_master(filled_workbook):
    result = run("lint", str(filled_workbook))
    assert result.exit_code == 2  # an input of the wrong kind, not "warnings found"
    assert "マスターではありません" in result.stderr


def test_report_writes_the_pack(masters, tmp_path):
    master, _ = masters
    out = tmp_path / "council"
    result = run("report", str(master), "-o", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    tables = ("budget_lines", "findings", "kpis", "measures", "projects")
    assert {p.name for p in out.iterdir()} == {"report.html", "metadata.json", *(f"{t}.csv" for t in tables)}
    assert f"報告書: {out / 'report.html'}" in result.stdout
    assert "監査観点の指摘: 警告 51 件、情報 22 件" in result.stdout

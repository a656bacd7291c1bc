"""The open data can be summed: shared projects once, publisher columns, a metadata file beside."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from xlplan.app.lint import lint_plan
from xlplan.app.report import build_report
from xlplan.errors import XlplanError
from xlplan.io.csv_export import METADATA_FILE, Publisher, allocated_budget, check_digit
from xlplan.io.lint_rules import load_publisher
from xlplan.io.rules_file import load_rules, rules_text
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan()
FINDINGS, GRADES = lint_plan(PLAN, grade_rules=load_rules())


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return build_report(PLAN, GRADES, FINDINGS, tmp_path_factory.mktemp("open"), pdf=False)


def frame(pack, name: str) -> pd.DataFrame:
    return pd.read_csv(pack.directory / name, encoding="utf-8-sig", dtype={"団体コード": str})


def test_every_amount_column_sums_to_the_plans_total(pack):
    total = PLAN.budget_total()
    assert (total.initial, total.settlement) == (640_613, 611_662)  # shared projects counted once
    for name in ("measures.csv", "projects.csv"):
        table = frame(pack, name)
        assert table["当初予算（千円）"].sum() == total.initial, name
        assert table["決算（千円）"].sum() == total.settlement, name
    lines = frame(pack, "budget_lines.csv")
    for kind in ("科目", "財源"):
        assert lines[lines["区分"] == kind]["当初予算（千円）"].sum() == total.initial, kind


def test_shared_projects_are_flagged_and_allocated_with_the_rule_stated(pack):
    measures = frame(pack, "measures.csv").set_index("施策ID")
    line_measures = ["M-008", "M-013", "M-059", "M-060"]  # P-901 秋田市公式LINE運用経費, 2,417 千円
    assert measures.loc[line_measures, "当初予算（千円）"].tolist() == [605, 604, 604, 604]
    assert measures.loc[line_measures, "共通事業を含む"].tolist() == [1, 1, 1, 1]
    assert measures.loc["M-001", "共通事業を含む"] == 0
    assert measures["共通事業を含む"].sum() == 8  # four measures each for P-901 and P-902
    projects = frame(pack, "projects.csv").set_index("予算事業ID")
    assert projects["共通事業"].sum() == 2 and projects.loc["P-902", "当初予算（千円）"] == 1318
    metadata = json.loads((pack.directory / METADATA_FILE).read_text(encoding="utf-8"))
    assert "均等に按分" in metadata["amounts"] and "1回だけ" in metadata["amounts"]


def test_a_measures_shares_add_up_to_its_project():
    [project] = [p for p in PLAN.projects if p.project_id == "P-902"]
    shares = [allocated_budget(project, m, project.measure_ids) for m in project.measure_ids]
    assert sum(s.initial for s in shares) == project.total.initial == 1318
    assert sum(s.settlement for s in shares) == project.total.settlement


def test_every_file_begins_with_the_publisher(pack):
    for name in pack.csv:
        table = frame(pack, name)
        assert list(table.columns[:2]) == ["団体コード", "団体名"], name
        assert set(table["団体コード"]) <= {"052019"} and set(table["団体名"]) <= {"秋田市"}, name


def test_the_metadata_names_license_source_columns_and_units(pack):
    metadata = json.loads((pack.directory / METADATA_FILE).read_text(encoding="utf-8"))
    assert metadata["publisher"] == {"団体コード": "052019", "団体名": "秋田市"}
    assert metadata["license"]["name"] == "CC BY 4.0"
    assert "秋田市デジタル化推進計画2.0" in metadata["source"]
    files = {f["name"]: f for f in metadata["files"]}
    assert set(files) == set(pack.csv)
    for name, described in files.items():
        headers = frame(pack, name).columns.tolist()
        assert [c["name"] for c in described["columns"]] == headers, name
        assert described["rows"] == len(frame(pack, name)), name
    units = {c["name"]: c["unit"] for c in files["measures.csv"]["columns"]}
    assert (units["当初予算（千円）"], units["執行率（%）"], units["施策名"]) == ("千円", "%", "")
    assert pack.metadata == pack.directory / METADATA_FILE


def test_another_city_sets_its_code_and_name_in_the_rules_file(tmp_path):
    path = tmp_path / "chiyoda.toml"
    text = rules_text().replace('organisation_code = "052019"', 'organisation_code = "131016"')
    path.write_text(text.replace('organisation_name = "秋田市"', 'organisation_name = "千代田区"'), encoding="utf-8")
    assert load_publisher(path) == Publisher(code="131016", name="千代田区")
    assert load_rules(path) == load_rules()  # grading ignores the table
    assert load_publisher() == Publisher()  # Akita's file holds Akita's defaults


@pytest.mark.parametrize("code", ["052010", "52019", "05201９", 52019])
def test_a_wrong_organisation_code_says_what_to_write(tmp_path, code):
    assert check_digit("05201") == "9"
    path = tmp_path / "wrong.toml"
    path.write_text(rules_text().replace('"052019"', repr(code) if isinstance(code, int) else f'"{code}"'), "utf-8")
    with pytest.raises(XlplanError, match="全国地方公共団体コード"):
        load_publisher(path)

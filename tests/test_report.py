"""The council pack of the sample plan: the HTML report's content and the open-data CSVs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from html.parser import HTMLParser

import pandas as pd
import pytest

from xlplan.app.lint import lint_plan
from xlplan.app.report import build_report
from xlplan.core.enums import KpiType
from xlplan.io.csv_export import cell_text, neutralise, open_data_tables, read_csv, write_csv
from xlplan.io.rules_file import load_rules
from xlplan.report.view import kpi_progress, report_view
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan()
FINDINGS, GRADES = lint_plan(PLAN, grade_rules=load_rules())
WHEN = dt.datetime(2025, 6, 30, 10, 0)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The council pack of the sample plan without the PDF (LibreOffice is tested apart)."""
    return build_report(PLAN, GRADES, FINDINGS, tmp_path_factory.mktemp("pack"), pdf=False, generated_at=WHEN)


def test_the_pack_holds_the_report_and_five_csvs(pack):
    assert sorted(p.name for p in pack.directory.iterdir()) == [
        "budget_lines.csv",
        "findings.csv",
        "kpis.csv",
        "measures.csv",
        "metadata.json",
        "projects.csv",
        "report.html",
    ]
    assert pack.pdf is None
    assert {oct(p.stat().st_mode & 0o777) for p in pack.directory.iterdir()} == {"0o644"}  # to be published


def test_the_report_is_self_contained(pack):
    html = pack.html.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    references = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    assert sorted(set(references)) == sorted(p.name for p in pack.directory.iterdir() if p != pack.html)
    assert not re.search(r"url\(|@import|<link|<img", html)

    class Strict(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag != "meta":  # the only void element the report uses
                self.open.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass  # <rect .../> in SVG

        def handle_endtag(self, tag):
            assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
            self.open.pop()

    parser = Strict()
    parser.feed(html)
    assert parser.open == []


def test_the_report_says_what_the_master_says(pack):
    html = pack.html.read_text(encoding="utf-8")
    assert "<title>秋田市デジタル化推進計画2.0 第2.0版 令和6年度 進捗評価報告</title>" in html
    assert "2025年06月30日 10:00 作成" in html
    for figure in ("672,029千円", "611,662千円", "91.0%", "警告 51・情報 22"):
        assert f"<b>{figure}</b>" in html
    # grade distribution: 18 A, 43 B, 4 C, 2 D, M-067 not gradable (no target)
    assert '<td>計</td><td class="n">18</td><td class="n">43</td><td class="n">4</td><td class="n">2</td>' in html
    assert html.count("<svg") == 2 + sum(
        1 for m in PLAN.measures if m.basis_in(2024).value == "評価指標" for _ in m.kpis
    )
    assert "施策「M-060」（LINEを活用した子育て情報の配信）は評価Dです。" in html
    assert "2,417(*1)" in html  # the shared LINE project is marked in the list table


def test_report_view_counts_each_shared_project_once():
    view = report_view(PLAN, GRADES, FINDINGS, generated_at=WHEN)
    assert view.budget_total.projects == len(PLAN.projects) == 47
    assert view.budget_total.final_budget == 672029
    # The LINE project (P-901) and the video project (P-902) each span three groups: counted in each.
    assert sum(r.projects for r in view.budget_rows) == 47 + 2 + 2
    assert view.budget_rows[0].label == "I デジタル化の基礎条件整備 (i) デジタル基盤の整備"


@pytest.mark.parametrize(
    ("measure_id", "progress", "achievement", "reached"),
    [
        ("M-001", (22.6 - 21.1) / (30 - 21.1), 22.6 / 30, False),
        ("M-060", (83 - 84) / (86 - 84), 83 / 86, False),  # worse than the baseline: negative progress
        ("M-058", 1.0, 1.0, True),  # baseline = target = actual
    ],
)
def test_kpi_progress_runs_from_baseline_to_target(measure_id, progress, achievement, reached):
    [kpi] = PLAN.measure(measure_id).kpis
    assert kpi_progress(kpi, 2024) == pytest.approx((progress, achievement, reached))


def test_csvs_are_utf8_with_bom_and_crlf_and_read_back_equal(pack):
    tables = open_data_tables(PLAN, GRADES, FINDINGS)
    for table in tables:
        path = pack.directory / table.name
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), table.name
        assert data.count(b"\r\n") == len(table.rows) + 1, table.name  # line breaks inside a cell stay quoted
        headers, rows = read_csv(path)
        assert headers == table.headers
        assert rows == [tuple(cell_text(v) for v in row) for row in table.rows], table.name
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert frame.shape == (len(table.rows), len(table.headers)), table.name


def test_the_kpi_table_is_long_one_row_per_kpi_and_year(pack):
    headers, rows = read_csv(pack.directory / "kpis.csv")
    assert headers[2:12] == (
        "施策ID",
        "施策名",
        "指標ID",
        "指標名",
        "指標区分",
        "指標区分の根拠",
        "単位",
        "集計方法",
        "望ましい方向",
        "年度",
    )
    m001 = [dict(zip(headers, r, strict=True)) for r in rows if r[2] == "M-001"]
    assert [(r["年度"], r["年度（和暦）"], r["目標値"], r["実績値"], r["達成率（%）"]) for r in m001] == [
        ("2023", "令和5年度", "30", "21.1", "70.3"),
        ("2024", "令和6年度", "30", "22.6", "75.3"),
        ("2025", "令和7年度", "30", "", ""),
        ("2026", "令和8年度", "30", "", ""),
    ]
    line = [dict(zip(headers, r, strict=True)) for r in rows if r[2] == "M-008" and r[11] == "2024"]
    assert [(r["年度目標値"], r["実績値"], r["指標区分"], r["指標区分の根拠"]) for r in line] == [
        ("16000", "21408", "アウトプット", "入力")
    ]
    assert len(rows) == sum(4 if k.baseline_fy == 2023 else 3 for m in PLAN.measures for k in m.kpis)


def test_projects_are_listed_once_and_lines_in_long_format(pack):
    headers, rows = read_csv(pack.directory / "projects.csv")
    assert len(rows) == 47
    line = next(dict(zip(headers, r, strict=True)) for r in rows if r[2] == "P-901")
    assert (line["関連施策ID"], line["当初予算（千円）"], line["執行率（%）"]) == (
        "M-008、M-013、M-059、M-060",
        "2417",
        "100",
    )
    headers, rows = read_csv(pack.directory / "budget_lines.csv")
    m021 = [r for r in rows if r[2] == "P-021-1" and r[6] == "科目"]
    assert [(r[7], r[8], r[9], r[10]) for r in m021] == [("委託料", "20978", "52394", "52394")]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+81-18", "'+81-18"),
        ("-検討中", "'-検討中"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("電子申請", "電子申請"),
        ("1=1", "1=1"),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text, written):
    assert neutralise(text) == written


def test_formula_like_cells_are_written_as_text_and_numbers_stay_numbers(tmp_path):
    [measure] = [m for m in PLAN.measures if m.measure_id == "M-001"]
    hostile = replace(
        measure,
        name='=HYPERLINK("http://example.invalid","x")',
        results={2024: "-5件の減少"},
        kpis=(replace(measure.kpis[0], kpi_type=KpiType.OUTCOME, actuals={2024: -5.0}, baseline=-7.0),),
    )
    plan = replace(PLAN, measures=(hostile,), projects=())
    [measures, kpis, *_] = open_data_tables(plan, {}, [])
    write_csv(tmp_path / "m.csv", measures)
    write_csv(tmp_path / "k.csv", kpis)
    _, [row] = read_csv(tmp_path / "m.csv")
    assert row[3] == '\'=HYPERLINK("http://example.invalid","x")' and row[19] == "'-5件の減少"
    _, rows = read_csv(tmp_path / "k.csv")
    assert rows[1][5] == measure.kpis[0].name and rows[1][13] == "-7" and rows[1][18] == "-5"

"""`xlplan demo`: the whole job on the bundled sample plan, from the command line."""

from __future__ import annotations

import os

import openpyxl
import pytest
from click.testing import CliRunner

from xlplan.cli.main import cli
from xlplan.report.pdf_engine import find_libreoffice


def test_demo_writes_checks_and_grades_the_sample_plan(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sections = sorted((out / "sections").glob("*.xlsx"))
    graded = sorted((out / "graded").glob("*.xlsx"))
    assert len(sections) == 44
    assert [p.name for p in graded] == [p.name for p in sections]
    assert "令和6年度実績、worked）" in result.output  # the default variant
    assert "進捗評価: 67 施策を算定、自己評価と一致 67/67 施策" in result.output
    assert (
        "スケジュール管理の 23 施策の評価は、公表された評価が導かれるよう転記者が構成した工程によるもの"
        in result.output
    )
    assert "KPI!J3" in result.output  # the real finding: M-067 has no target
    book = openpyxl.load_workbook(out / "graded" / "企画財政部情報統計課.xlsx", read_only=True)
    assert "評価" in book.sheetnames
    assert (
        "集約: 施策 68、予算事業 47、当初予算 640,613 千円・決算 611,662 千円（共通事業は1回だけ計上）" in result.output
    )
    master = openpyxl.load_workbook(out / "master.xlsx", read_only=True)
    assert {"表紙", "一覧", "集計", "評価", "施策カード", "検証結果", "監査観点"} <= set(master.sheetnames)
    report = out / "report"
    assert (report / "report.html").read_text(encoding="utf-8").count("M-060") >= 1
    if find_libreoffice() or os.environ.get("CI"):  # CI installs LibreOffice; a fresh machine gets the note
        assert (report / "cards.pdf").read_bytes().startswith(b"%PDF")
    else:
        assert "施策カードのPDFは作成していません" in result.output
    assert (report / "kpis.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM


@pytest.mark.slow
def test_demo_as_published_grades_what_the_report_proves_and_says_why_the_rest_cannot_be(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--variant", "as-published", "--no-pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "令和6年度実績、as-published）" in result.output
    assert "進捗評価: 44 施策を算定、自己評価と一致 44/44 施策" in result.output
    assert "評価指標の 44 施策は報告書の基準値・目標値・実績値から再計算しました。" in result.output
    assert (
        "スケジュール管理の 23 施策は判定不可（マイルストーン未登録）: 報告書は工程を公表していません。"
        in result.output
    )
    # The section check asks every schedule-managed measure for its milestones, and M-067 for a target.
    assert "入力チェック: エラー 24 件" in result.output
    assert "KPI!J3" in result.output
    assert "監査観点の点検: 154 件" in result.output
    master = openpyxl.load_workbook(out / "master.xlsx", read_only=True)
    assert "監査観点" in master.sheetnames


def test_an_unknown_variant_is_a_usage_error():
    result = CliRunner().invoke(cli, ["demo", "--variant", "published"])
    assert result.exit_code == 2
    assert "as-published" in result.output

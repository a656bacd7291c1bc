"""`xlplan consolidate` on real section workbooks: what HQ sees when sections reply, late or twice."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from rich.console import Console

from tests.conftest import sha256
from tests.consolidate_helpers import (
    conflicts_of,
    copy_folder,
    inputs_of,
    run_consolidate,
    sample_master,
    sample_sections,
    sheet_rows,
)
from xlplan.app.consolidate import consolidate
from xlplan.cli.consolidate import _Bar
from xlplan.cli.main import cli
from xlplan.core.master.provenance import strip_sources
from xlplan.errors import OutputError
from xlplan.io import master_writer
from xlplan.io.master_reader import read_master
from xlplan.io.roster import RosterEntry, read_roster

HQ_FILE = "00_デジタル化推進本部.xlsx"  # M-001's primary owner
STATS_FILE = "01_企画財政部情報統計課.xlsx"  # co-owner of M-001


@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> Path:
    return sample_sections(tmp_path_factory)


@pytest.fixture
def folder(returned, tmp_path) -> Path:
    return copy_folder(returned, tmp_path / "returned")


def test_the_sample_consolidates_and_its_inputs_stay_untouched(folder, tmp_path):
    before = {p.name: sha256(p) for p in folder.iterdir()}
    master = tmp_path / "hq" / "第2.1版.xlsx"
    code, summary = run_consolidate(folder, "-o", master, "--plan-version", "2.1")
    assert code == 1  # the sample's own M-067 lacks its target: one error, the master is written anyway
    plan = summary["master"]
    assert summary["outputs"] == [{"kind": "master", "path": str(master)}]
    assert (plan["name"], plan["version"], plan["fiscal_year"]) == ("秋田市デジタル化推進計画2.0", "2.1", 2024)
    assert inputs_of(summary) == {"files": 44, "merged": 44, "skipped": 0, "with_errors": 1}
    assert (plan["measures"], plan["projects"], summary["summary"]["errors"]) == (68, 47, 1)
    assert summary["summary"]["by_code"]["kpi-target-missing"] == 1
    assert (conflicts_of(summary), plan["missing_sections"], plan["not_returned_measures"]) == ([], [], [])
    assert plan["budget"]["initial"] == 640613
    assert sum(plan["grades"].values()) == 68
    assert {p.name: sha256(p) for p in folder.iterdir()} == before
    assert sorted(p.name for p in master.parent.iterdir()) == ["第2.1版.xlsx"]  # no temporary file left


def test_a_workbook_sent_twice_with_a_changed_value_is_a_conflict_naming_both_cells(folder, tmp_path, edit_workbook):
    resent = folder / "00_デジタル化推進本部（修正版）.xlsx"
    edit_workbook(folder / HQ_FILE, {"KPI!M3": 25.0}, target=resent)  # M-001-K1 実績値 22.6 → 25.0
    code, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx")
    assert code == 1
    assert conflicts_of(summary) == [
        {
            "file": str(folder / HQ_FILE),
            "sheet": "KPI",
            "cell": "M3",
            "column": "実績値",
            "value": "22.6",
            "other": f"{resent}!KPI!M3",
            "other_value": "25",
        }
    ]
    plan = read_master(tmp_path / "master.xlsx").plan
    assert plan.measure("M-001").kpis[0].actuals[2024] == 22.6  # the first file (by name) is kept, not overwritten
    findings = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    codes = {(r[5], Path(r[1]).name) for r in findings[2:]}
    assert ("section-sent-twice", resent.name) in codes
    assert ("consolidation-conflict", HQ_FILE) in codes


def test_the_same_workbook_twice_unchanged_counts_everything_once(folder, tmp_path):
    shutil.copy(folder / HQ_FILE, folder / "zz_再送.xlsx")
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx")
    assert conflicts_of(summary) == []
    plan = summary["master"]
    assert (plan["measures"], plan["projects"], plan["budget"]["initial"]) == (68, 47, 640613)
    rows = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    duplicates = [r for r in rows[2:] if r[5] == "consolidation-duplicate"]
    assert len(duplicates) > 10 and {Path(r[1]).name for r in duplicates} == {"zz_再送.xlsx"}
    assert all(r[4] == "情報" for r in duplicates)


def test_roster_lists_who_sent_nothing(folder, tmp_path):
    (folder / STATS_FILE).unlink()
    roster = tmp_path / "名簿.csv"
    names = [p.name.split("_", 1)[1].removesuffix(".xlsx") for p in sorted(folder.iterdir())]
    rows = ["課所室", *names, "企画財政部情報統計課", "総務部契約課"]
    roster.write_text("\n".join(rows) + "\n", encoding="cp932")
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx", "--roster", roster)
    assert summary["master"]["missing_sections"] == ["企画財政部情報統計課", "総務部契約課"]
    plan = read_master(tmp_path / "master.xlsx").plan
    assert len(plan.measures) == 66  # two measures only 情報統計課 reports are gone
    assert plan.measure("M-004").summary == ""  # owned by 情報統計課: kept from 市民課's reference row
    findings = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    [owner_missing] = [r for r in findings if r[5] == "measure-owner-missing" and r[7] == "M-004"]
    assert "企画財政部情報統計課" in owner_missing[8]
    cover = {r[0]: r[1] for r in sheet_rows(tmp_path / "master.xlsx", "表紙") if r and r[0]}
    assert cover["未提出の課所室"] == "企画財政部情報統計課、総務部契約課"


def test_measures_of_the_previous_master_that_nobody_returned(folder, tmp_path_factory, tmp_path):
    previous, _ = sample_master(tmp_path_factory)
    (folder / "43_教育委員会中央図書館明德館.xlsx").unlink()  # owns M-067 only
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx", "--previous", previous)
    assert summary["master"]["not_returned_measures"] == ["M-067"]
    assert summary["master"]["version"] == "2.0"  # the workbooks' own version when none is given
    rows = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    [gone] = [r for r in rows if r[5] == "measure-not-returned"]
    assert (Path(gone[1]), gone[2], gone[3]) == (previous, "施策", "A69")  # its row in the previous master
    assert "図書館における電子書籍の提供" in gone[8]


def test_lock_files_masters_and_non_workbooks_are_skipped_with_a_note(folder, tmp_path_factory, tmp_path):
    previous, _ = sample_master(tmp_path_factory)
    shutil.copy(previous, folder / "前回マスター.xlsx")
    (folder / "~$00_デジタル化推進本部.xlsx").write_bytes(b"\x00" * 165)
    (folder / "メモ.txt").write_text("提出状況メモ")
    (folder / "報告.xlsx").write_text("施策ID,実績\nM-001,22.6\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00")  # system files are not even noted
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx")
    status = {Path(f["path"]).name: f["status"] for f in summary["files"]}
    assert (status["前回マスター.xlsx"], status["~$00_デジタル化推進本部.xlsx"], status["報告.xlsx"]) == (
        "master",
        "skipped",
        "skipped",
    )
    assert status["メモ.txt"] == "skipped"
    assert inputs_of(summary) == {"files": 48, "merged": 44, "skipped": 4, "with_errors": 2}
    rows = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    notes = {Path(r[1]).name: (r[4], r[5]) for r in rows[2:] if r[3] == ""}
    assert notes["前回マスター.xlsx"] == ("情報", "file-is-master")
    assert notes["~$00_デジタル化推進本部.xlsx"] == ("情報", "file-lock-skipped")
    assert notes["報告.xlsx"] == ("エラー", "file-csv")
    assert notes["メモ.txt"] == ("情報", "file-not-workbook")  # a PDF sent instead of the workbook shows up too


def test_a_workbook_of_another_year_is_left_out(folder, tmp_path, edit_workbook):
    edit_workbook(folder / "43_教育委員会中央図書館明德館.xlsx", {"_meta!B3": "2023"})
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx")
    assert (summary["master"]["measures"], summary["master"]["merged"]) == (67, 43)
    [other] = [f for f in summary["files"] if f["status"] == "other-year"]
    assert Path(other["path"]).name == "43_教育委員会中央図書館明德館.xlsx"
    rows = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    [finding] = [r for r in rows if r[5] == "input-fiscal-year-mismatch"]
    assert "令和5年度" in finding[8] and "令和6年度" in finding[8]


def test_a_co_owner_who_renames_a_measure_or_reports_its_results(folder, tmp_path, edit_workbook):
    stats = folder / STATS_FILE
    rows = sheet_rows(stats, "施策")
    m001 = next(i + 1 for i, r in enumerate(rows) if r[0] == "M-001")
    edit_workbook(stats, {f"施策!B{m001}": "オンライン化の推進", f"施策!J{m001}": "情報統計課も協力した。"})
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx")
    [conflict] = conflicts_of(summary)
    assert (Path(conflict["file"]).name, conflict["cell"], conflict["column"]) == (HQ_FILE, "B3", "施策名")
    assert conflict["other"] == f"{stats}!施策!B{m001}"
    findings = sheet_rows(tmp_path / "master.xlsx", "検証結果")
    not_owner = sorted((Path(r[1]).name, r[3], r[4]) for r in findings if r[5] == "measure-not-owner")
    # check warned at the typed cell (the section could see it before sending); consolidate at the row it left out
    assert not_owner == [(STATS_FILE, f"A{m001}", "警告"), (STATS_FILE, f"J{m001}", "警告")]
    assert read_master(tmp_path / "master.xlsx").plan.measure("M-001").name == "オンライン化による行政サービスの推進"


def test_the_output_may_not_overwrite_an_input(folder):
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(folder / HQ_FILE)])
    assert result.exit_code == 2
    assert "入力ファイルと同じ" in result.output


def test_a_failed_write_leaves_the_previous_master_as_it_was(folder, tmp_path, monkeypatch):
    master = tmp_path / "master.xlsx"
    master.write_bytes(b"previous master")

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(master_writer, "_write_meta", broken)
    with pytest.raises(OutputError, match="disk full"):
        consolidate([folder], master)
    assert master.read_bytes() == b"previous master"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["master.xlsx"]


def test_the_summary_for_people(folder, tmp_path, edit_workbook):
    edit_workbook(folder / HQ_FILE, {"KPI!M3": 25.0}, target=folder / "zz.xlsx")
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 1
    assert "提出ファイル 45 件（統合 45・読み飛ばし 0・エラーあり 1）、施策 68、予算事業 47" in result.output
    assert "競合 1 件" in result.output
    assert f"{HQ_FILE}!KPI!M3" in result.output
    assert "zz.xlsx!KPI!M3" in result.output
    assert f"マスターを書き出しました: {tmp_path / 'm.xlsx'}" in result.output


def test_json_goes_to_stdout_alone(folder, tmp_path):
    result = CliRunner().invoke(cli, ["consolidate", "--json", str(folder), "-o", str(tmp_path / "m.xlsx")])
    assert json.loads(result.stdout)["master"]["measures"] == 68


def test_reading_in_several_processes_gives_the_same_master(folder, tmp_path):
    _, alone = run_consolidate(folder, "-o", tmp_path / "one.xlsx")
    _, together = run_consolidate(folder, "-o", tmp_path / "two.xlsx", "--jobs", "2")
    for summary in (alone, together):
        summary.pop("outputs")
    assert together == alone
    one, two = read_master(tmp_path / "one.xlsx"), read_master(tmp_path / "two.xlsx")
    assert strip_sources(two.plan) == strip_sources(one.plan)
    assert two.origins == one.origins  # the same section cells behind every row


def test_an_empty_folder_is_a_usage_error_saying_where_it_looked(tmp_path):
    empty = tmp_path / "returned"
    empty.mkdir()
    for year in ([], ["--fiscal-year", "R6"]):
        result = CliRunner().invoke(cli, ["consolidate", str(empty), "-o", str(tmp_path / "m.xlsx"), *year])
        assert result.exit_code == 2
        assert (
            result.stderr == f"エラー: 読み込むブック（.xlsx など）が見つかりません（探した場所: {empty}）。"
            "提出されたファイルのあるフォルダかファイルを指定してください。\n"
        )
    assert not (tmp_path / "m.xlsx").exists()  # no empty master


@pytest.mark.parametrize(("terminal", "total", "drawn"), [(False, 44, False), (False, 2000, True), (True, 5, True)])
def test_the_progress_bar_is_drawn_for_a_terminal_or_a_long_run(terminal, total, drawn):
    stream = io.StringIO()
    with _Bar(Console(file=stream, force_terminal=terminal, width=100)) as bar:
        bar.phase("読み込み", total)
        bar.advance(total)
        bar.phase("書き出し")
    assert (bar.progress is not None) is drawn
    if drawn and not terminal:  # a log keeps the final state of each phase
        assert "読み込み" in stream.getvalue() and f"{total}/{total}" in stream.getvalue()
    if not drawn:
        assert stream.getvalue() == ""


def test_a_roster_as_excel_or_text(tmp_path):
    book = openpyxl.Workbook()
    for row in (
        ["課所室名", "担当者"],
        ["企画財政部情報統計課", "秋田"],
        [None],
        ["市民生活部市民課"],
        ["企画財政部情報統計課"],
    ):
        book.active.append(row)
    book.save(tmp_path / "名簿.xlsx")
    assert read_roster(tmp_path / "名簿.xlsx") == [
        RosterEntry("企画財政部情報統計課", "A2"),
        RosterEntry("市民生活部市民課", "A4"),
    ]
    (tmp_path / "名簿.txt").write_text("# 令和6年度\n課所室\n環境部環境都市推進課\t済\n", encoding="utf-8-sig")
    assert read_roster(tmp_path / "名簿.txt") == [RosterEntry("環境部環境都市推進課", "A3")]


def test_a_link_out_of_the_folder_is_reported_not_read(folder, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.move(folder / HQ_FILE, outside / HQ_FILE)
    (folder / HQ_FILE).symlink_to(outside / HQ_FILE)
    (folder / "報告.pdf").symlink_to(outside / HQ_FILE)  # a link is not even looked at
    _, summary = run_consolidate(folder, "-o", tmp_path / "master.xlsx")
    [link] = [f for f in summary["files"] if Path(f["path"]).name == HQ_FILE]
    assert (link["status"], link["errors"]) == ("skipped", 1)
    assert "報告.pdf" not in {Path(f["path"]).name for f in summary["files"]}
    assert summary["master"]["merged"] == 43

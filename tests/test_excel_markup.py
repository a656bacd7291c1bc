"""様式に指摘・評価を記入: a real mistaken section workbook, open in a fake Excel, marked cell by cell."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.fakebook import FakeApp, FakeBook
from tests.libreoffice import recalculate
from xlplan.app.check import check_paths
from xlplan.core.findings import Code, Finding
from xlplan.excel.actions import run_control
from xlplan.excel.build import HqOptions, write_hq_workbook
from xlplan.excel.control import State
from xlplan.excel.markup import MARKER, mark_section_book
from xlplan.io.self_check_sheet import self_check_link

MARK = "様式に指摘・評価を記入"
MISTAKES = {"KPI!J3": "約30", "スケジュール!E3": "完了", "施策!I4": "C"}
NOTE_J3 = (
    f"{MARKER}\n"
    "・エラー（number-invalid）: 「目標値」の「約30」は数値として読めません。"
    "半角の数値だけを入力してください（例: 30.0）。単位や注記は「備考」へ。\n"
    "（元の塗りつぶし: FFF9E5）"
)
NOTE_F3 = (
    f"{MARKER}\n"
    "・警告（milestone-done-without-date）: 「状況」が完了ですが「完了日」が空です。"
    "完了した年月（例: 2024/10）を入力してください。\n"
    "（元の塗りつぶし: FFF9E5）"
)
NOTE_I3 = (
    f"{MARKER}\n"
    "・警告（self-grade-mismatch）: 自己評価 B と算定評価 判定不可 が異なります。"
    "根拠を確認し、自己評価を直すか理由を「取組結果」に記載してください。\n"
    "（元の塗りつぶし: FFF9E5）"
)
NOTE_I4 = (
    f"{MARKER}\n"
    "・警告（self-grade-mismatch）: 自己評価 C と算定評価 A が異なります。"
    "根拠を確認し、自己評価を直すか理由を「取組結果」に記載してください。\n"
    "（元の塗りつぶし: FFF9E5）"
)


@pytest.fixture
def mistaken(filled_workbook: Path, edit_workbook) -> Path:
    """The section workbook as a section returned it: a text target, a milestone done without date, a self-grade."""
    return edit_workbook(filled_workbook, MISTAKES)


@pytest.fixture
def hq(tmp_path: Path) -> Path:
    """The HQ control workbook."""
    folder = tmp_path / "本部"
    write_hq_workbook(folder, HqOptions(fiscal_year=2024))
    (folder / "提出").mkdir()  # 入力 names this folder; for this action a folder means "the open workbook"
    return folder / "xlplan_hq.xlsm"


def press(control: FakeBook, **cells: object) -> object:
    """Pick the action, fill parameters, press 実行."""
    sheet = control.sheet("操作")
    sheet.set_value("B4", MARK)
    for cell, value in cells.items():
        sheet.set_value(cell, value)
    return run_control(control, now=lambda: dt.datetime(2025, 5, 20, 9, 30))


def snapshot(path: Path) -> dict[str, dict[str, tuple[object, str | None, str | None]]]:
    """Every cell of every sheet: value, solid fill, note."""
    workbook = openpyxl.load_workbook(path)
    cells: dict[str, dict[str, tuple[object, str | None, str | None]]] = {}
    for ws in workbook.worksheets:
        cells[ws.title] = {
            c.coordinate: (
                getattr(c.value, "text", c.value),  # an array formula (入力チェック) by its text
                str(c.fill.fgColor.rgb)[-6:] if c.fill.fill_type == "solid" else None,
                c.comment.text if c.comment else None,
            )
            for row in ws.iter_rows()
            for c in row
        }
    return cells


def protections(path: Path) -> dict[str, dict[str, object]]:
    """The protection settings of every sheet."""
    workbook = openpyxl.load_workbook(path)
    return {ws.title: dict(ws.protection) for ws in workbook.worksheets}


def test_each_problem_cell_is_coloured_and_explained(hq, mistaken):
    before, protected_before = snapshot(mistaken), protections(mistaken)
    app = FakeApp()
    control, section = app.open(hq), app.open(mistaken)
    outcome = press(control)  # 入力 holds the folder 提出: the one section workbook open is taken
    assert outcome.state is State.NEEDS_FIX
    assert control.sheet("操作").value("B11") == (
        "要修正: 「情報統計課.xlsx」の 4 個のセルに色とコメントを付けました（エラー 1 / 警告 3）。"
        "うち 2 件は様式の「入力チェック」シートにも出ています（「指摘一覧」のコードから開けます。"
        "提出前に確認するよう伝えてください）。"
        "2 件の施策の評価を再計算し、2 個の「算定評価」セルにコメントで記入しました（自己評価と異なる施策 1 件）。"
        "ブックは保存していません。確認して保存してください。"
    )
    assert snapshot(mistaken) == before  # nothing saved: HQ reviews the marks, then saves
    section.save()

    after = snapshot(mistaken)
    changed = {
        (sheet, cell): after[sheet][cell]
        for sheet in after
        for cell in after[sheet]
        if after[sheet][cell] != before[sheet].get(cell)
    }
    grade_m3, grade_m4 = changed.pop(("施策", "M3")), changed.pop(("施策", "M4"))
    assert changed == {
        ("KPI", "J3"): ("約30", "FFC7CE", NOTE_J3),
        ("スケジュール", "F3"): (None, "FFEB9C", NOTE_F3),
        ("施策", "I3"): ("B", "FFEB9C", NOTE_I3),  # M-001 cannot be graded while its target is text
        ("施策", "I4"): ("C", "FFEB9C", NOTE_I4),
    }
    assert grade_m3[1] == before["施策"]["M3"][1]  # no grade to compare: the fill stays
    assert grade_m3[2].startswith(f"{MARKER}\n・本部の再計算: 判定できません\n　根拠: 段階2（拡大期）: 評価指標で")
    assert "目標値が未入力のため判定できません" in grade_m3[2]
    assert grade_m4[1] == "FFEB9C"
    assert grade_m4[2].startswith(f"{MARKER}\n・本部の再計算: A\n　根拠: 段階3・4（安定期・改修検討）: スケジュール")
    assert "\n・自己評価 C と異なります。根拠を確認してください。\n" in grade_m4[2]
    assert protections(mistaken) == protected_before  # lifted while writing, restored exactly

    findings = control.sheet("指摘一覧")
    assert [row[:4] for row in findings.values("A2:D5")] == [
        ["情報統計課.xlsx", "KPI!J3", "エラー", "number-invalid"],
        ["情報統計課.xlsx", "スケジュール!F3", "警告", "milestone-done-without-date"],
        ["情報統計課.xlsx", "施策!I3", "警告", "self-grade-mismatch"],
        ["情報統計課.xlsx", "施策!I4", "警告", "self-grade-mismatch"],
    ]
    assert findings.hyperlink("B2") == f"{mistaken}#'KPI'!J3"
    # a code the section's 入力チェック sheet counts links to its line there; self-grade-mismatch has none
    number_line = self_check_link(Finding.of(Code.NUMBER_INVALID, sheet="KPI", cell="J3", column="目標値"))
    assert findings.hyperlink("D2") == f"{mistaken}#{number_line}"
    assert findings.hyperlink("D4") is None
    [[line_code, line_sheet, line_column]] = _line(section, number_line)
    assert (line_code, line_sheet, line_column) == ("number-invalid", "KPI", "目標値")
    # the marks add no finding of their own: the saved workbook checks exactly as before
    [checked] = check_paths([mistaken])
    assert sorted((f.sheet, f.cell, str(f.code)) for f in checked.report.findings) == [
        ("KPI", "J3", "number-invalid"),
        ("スケジュール", "F3", "milestone-done-without-date"),
    ]


def _line(book: FakeBook, link: str) -> list[list[object]]:
    """The code, sheet and column of the 入力チェック line a link points at."""
    sheet, cell = link.split("!")
    row = cell.lstrip("ABCDEFGH")
    return book.sheet(sheet.strip("'")).values(f"B{row}:D{row}")


def test_running_again_gives_the_same_marks(hq, mistaken):
    app = FakeApp()
    control, section = app.open(hq), app.open(mistaken)
    press(control)
    section.save()
    first = snapshot(mistaken)
    press(control)
    section.save()
    assert snapshot(mistaken) == first


def test_a_corrected_cell_loses_its_mark_and_a_persons_note_stays(hq, mistaken):
    app = FakeApp()
    control, section = app.open(hq), app.open(mistaken)
    kpi = section.sheet("KPI")
    state = kpi.unprotect()
    kpi.set_note("J3", "課長確認済み")
    kpi.protect(copy.copy(state))
    press(control)
    assert kpi.note("J3") == f"課長確認済み\n\n{NOTE_J3}"
    assert kpi.fill("J3") == "FFC7CE"

    state = kpi.unprotect()  # the section lead corrects the target in the open workbook, unsaved
    kpi.set_value("J3", 30)
    kpi.protect(state)
    press(control)
    assert kpi.note("J3") == "課長確認済み"
    assert kpi.fill("J3") == "FFF9E5"
    assert kpi.protected
    assert (
        control.sheet("操作")
        .value("B11")
        .startswith("完了: 「情報統計課.xlsx」の 2 個のセルに色とコメントを付けました（エラー 0 / 警告 2）。")
    )


def test_the_open_state_is_checked_not_the_saved_file(tmp_path, filled_workbook):
    section = FakeApp().open(filled_workbook)
    measures = section.sheet("施策")
    state = measures.unprotect()
    measures.set_value("I3", "S")  # typed, not saved
    measures.protect(state)
    result = mark_section_book(section, grade=False)
    assert [(f.address, str(f.code)) for f in result.findings] == [("施策!I3", "value-not-in-list")]
    assert result.grades == [] and result.grades_unavailable == ""
    assert measures.fill("I3") == "FFC7CE"


def test_which_section_workbook_is_marked(hq, mistaken, filled_workbook, tmp_path, edit_workbook):
    app = FakeApp()
    control = app.open(hq)
    press(control)
    assert control.sheet("操作").value("B11") == "エラー: 様式ブックを開くか、「入力」にファイル名を入力してください。"

    other = edit_workbook(mistaken, {}, target=tmp_path / "市民課.xlsx")
    app.open(mistaken), app.open(other)
    press(control)
    assert control.sheet("操作").value("B11") == (
        "エラー: 様式ブックが複数開いています（情報統計課.xlsx、市民課.xlsx）。「入力」にファイル名を入力してください。"
    )
    press(control, B5="市民課.xlsx")
    assert app.open(other).sheet("KPI").fill("J3") == "FFC7CE"
    assert app.open(mistaken).sheet("KPI").fill("J3") == "FFF9E5"


def test_a_workbook_on_disk_is_opened_and_marked(hq, mistaken):
    app = FakeApp()
    control = app.open(hq)
    press(control, B5=str(mistaken))
    [section] = control.other_books()
    assert section.fullname == str(mistaken)
    assert section.sheet("KPI").note("J3") == NOTE_J3


@pytest.mark.libreoffice
def test_a_formula_grade_that_disagrees_with_hq_is_pointed_out(tmp_path, filled_workbook, edit_workbook):
    # 「済」 is read as 完了 by xlplan, but the live formula only counts 完了: it shows another grade
    edit_workbook(filled_workbook, {"スケジュール!E3": "済", "スケジュール!F3": dt.datetime(2024, 10, 1)})
    [calculated] = recalculate([filled_workbook], tmp_path / "calc")
    section = FakeApp().open(calculated)
    shown = section.sheet("施策").value("M4")
    assert shown in ("B", "C", "D")
    result = mark_section_book(section)
    assert [(g.measure_id, g.grade) for g in result.grades] == [("M-001", "B"), ("M-002", "A")]
    note = section.sheet("施策").note("M4")
    assert f"・この欄の自動計算（{shown}）と異なります。入力の表記（全角数字・単位など）を確認してください。" in note
    assert section.sheet("施策").fill("M4") == "FFEB9C"

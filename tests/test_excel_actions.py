"""The 実行 button's actions, run on the real control workbook through a fake Excel (tests/fakebook.py).

Also: the whole year from the HQ workbook (報告資料作成, 様式一括作成) and paths as typed on a Windows PC.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path, PureWindowsPath

import openpyxl
import pytest

from tests.fakebook import FakeApp, FakeBook
from xlplan.app.check import check_paths
from xlplan.excel import actions, features
from xlplan.excel.actions import read_parameters, run_control, typed_path
from xlplan.excel.build import HqOptions, write_hq_workbook
from xlplan.excel.control import Action, State
from xlplan.io.master_reader import read_master

NOW = dt.datetime(2025, 5, 20, 9, 30)
UNAVAILABLE = "「{feature}」はこのバージョンの xlplan では利用できません（今後の版で対応予定）。"
NUMBER_INVALID = (
    "「目標値」の「約30」は数値として読めません。半角の数値だけを入力してください（例: 30.0）。単位や注記は「備考」へ。"
)


@pytest.fixture
def hq_folder(tmp_path: Path) -> Path:
    """HQ's folder: the control workbook, its module, and a 提出 folder for returned workbooks."""
    folder = tmp_path / "本部"
    write_hq_workbook(folder, HqOptions(fiscal_year=2024))
    (folder / "提出").mkdir()
    return folder


@pytest.fixture
def app() -> FakeApp:
    """One fake Excel."""
    return FakeApp()


def run(app: FakeApp, folder: Path, **cells: object) -> tuple[FakeBook, object]:
    """Open the control workbook, fill the parameter cells, press 実行."""
    book = app.open(folder / "xlplan_hq.xlsm")
    control = book.sheet("操作")
    for cell, value in cells.items():
        control.set_value(cell, value)
    return book, run_control(book, now=lambda: NOW)


def status(book: FakeBook) -> list[object]:
    """状態, 書き出したファイル, 実行日時."""
    return [row[0] for row in book.sheet("操作").values("B11:B13")]


def rows(book: FakeBook, sheet: str, last_column: str) -> list[list[object]]:
    """The result rows below the header, up to the first empty row."""
    table = book.sheet(sheet).values(f"A2:{last_column}40")
    return [row for row in table if any(v is not None for v in row)]


def test_check_lists_every_finding_with_links_into_the_file(app, hq_folder, filled_workbook, edit_workbook):
    good = shutil.copy(filled_workbook, hq_folder / "提出" / "a_情報統計課.xlsx")
    bad = edit_workbook(filled_workbook, {"KPI!J3": "約30"}, target=hq_folder / "提出" / "b_市民課.xlsx")
    book, outcome = run(app, hq_folder, B4="提出様式の確認", B5="提出")  # relative to the workbook's folder
    assert outcome.state is State.NEEDS_FIX
    assert status(book) == [
        "要修正: 2 件のファイルを確認し、1 件にエラーがあります（エラー 1 / 警告 0）。"
        "詳細は「指摘一覧」シートにあります。",
        None,
        "2025-05-20 09:30",
    ]
    assert book.sheet("操作").fill("B11") == "FFEB9C"
    assert rows(book, "指摘一覧", "G") == [
        ["b_市民課.xlsx", "KPI!J3", "エラー", "number-invalid", "目標値", "約30", NUMBER_INVALID]
    ]
    findings = book.sheet("指摘一覧")
    assert findings.hyperlink("A2") == str(bad)
    assert findings.hyperlink("B2") == f"{bad}#'KPI'!J3"
    assert Path(good).exists()


def test_a_clean_folder_is_done_and_old_findings_are_cleared(app, hq_folder, filled_workbook, edit_workbook):
    path = edit_workbook(filled_workbook, {"KPI!J3": "約30"}, target=hq_folder / "提出" / "情報統計課.xlsx")
    # 入力チェック: the action's name in an HQ workbook made before 提出様式の確認 (still accepted)
    book, _ = run(app, hq_folder, B4="入力チェック", B5=str(hq_folder / "提出"))
    assert len(rows(book, "指摘一覧", "G")) == 1
    shutil.copy(filled_workbook, path)  # the section sent a corrected file
    _, outcome = run(app, hq_folder)
    assert outcome.state is State.DONE
    assert status(book)[0] == (
        "完了: 1 件のファイルを確認し、0 件にエラーがあります（エラー 0 / 警告 0）。"
        "詳細は「指摘一覧」シートにあります。"
    )
    assert book.sheet("操作").fill("B11") == "C6EFCE"
    assert rows(book, "指摘一覧", "G") == []
    assert book.sheet("指摘一覧").hyperlink("A2") is None


def test_grades_are_recomputed_into_the_grades_sheet(app, hq_folder, filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"施策!I4": "C"}, target=hq_folder / "提出" / "情報統計課.xlsx")
    book, outcome = run(app, hq_folder, B4="評価再計算")
    assert outcome.state is State.NEEDS_FIX
    assert status(book)[0] == (
        "要修正: 1 件のファイルの 2 件の施策の評価を再計算しました（自己評価と異なる施策 1 件）。"
        "詳細は「評価一覧」シート、指摘は「指摘一覧」シートにあります。"
    )
    grades = rows(book, "評価一覧", "F")
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in grades] == [
        ("M-001", "B", "B", "○", "情報統計課.xlsx"),
        ("M-002", "B", "C", "×", "情報統計課.xlsx"),
    ]
    assert grades[0][4].startswith("段階2（拡大期）: 評価指標で評価。")
    assert book.sheet("評価一覧").fill("D3") == "FFEB9C"
    target = hq_folder / "提出" / "情報統計課.xlsx"
    assert book.sheet("評価一覧").hyperlink("F3") == f"{target}#'施策'!A4"
    # the self-grade that differs is listed as a finding at its cell, as `xlplan grade` reports it
    assert [(r[1], r[2], r[3]) for r in rows(book, "指摘一覧", "G")] == [("施策!I4", "警告", "self-grade-mismatch")]


def test_consolidate_writes_the_master_and_links_it(app, hq_folder, filled_workbook):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")
    book, outcome = run(app, hq_folder, B4="集約", B6="計画_第2.1版.xlsx", B7="2.1")
    master = hq_folder / "計画_第2.1版.xlsx"
    assert outcome.state is State.DONE
    assert status(book) == [
        "完了: 第2.1版（令和6年度）を保存しました: 計画_第2.1版.xlsx。提出 1 件（統合 1 件）、エラー 0 / 警告 0、"
        "競合 0 件。指摘は「指摘一覧」シートとマスターの「検証結果」シートにあります。",
        str(master),
        "2025-05-20 09:30",
    ]
    assert book.sheet("操作").hyperlink("B12") == str(master)
    plan = read_master(master).plan
    assert (plan.version, plan.evaluated_fy) == ("2.1", 2024)
    assert [m.measure_id for m in plan.measures] == ["M-001", "M-002"]


def test_the_audit_checks_run_on_the_consolidated_master(app, hq_folder, filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!D3": "アウトプット"}, target=hq_folder / "提出" / "情報統計課.xlsx")
    book, outcome = run(app, hq_folder, B4="集約", B6="計画_第2.1版.xlsx", B7="2.1")
    assert outcome.state is State.DONE
    _, outcome = run(app, hq_folder, B4="監査観点チェック")  # 入力 still names the folder of returned workbooks
    assert status(book)[0] == (
        "エラー: 「入力（フォルダ・ファイル）」に集約したマスターのファイル"
        "（例: 計画_第2.1版.xlsx）を入力してください。"
    )
    _, outcome = run(app, hq_folder, B5="計画_第2.1版.xlsx")
    assert outcome.state is State.NEEDS_FIX
    assert status(book)[0] == (
        "要修正: 「計画_第2.1版.xlsx」（令和6年度）を監査の観点で点検しました（エラー 0 / 警告 1 / 情報 0）。"
        "詳細は「指摘一覧」シートにあります。"
    )
    [row] = rows(book, "指摘一覧", "G")
    assert row[:5] == ["計画_第2.1版.xlsx", "KPI!D3", "警告", "audit-kpi-output-only", "指標区分"]
    assert "アウトカム指標" in row[6] and "監査意見5・6" in row[6]


def test_the_revision_writes_next_years_plan_and_workbooks(app, hq_folder, filled_workbook):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")
    book, _ = run(app, hq_folder, B4="集約", B6="計画_第2.1版.xlsx", B7="2.1")
    _, outcome = run(app, hq_folder, B4="次年度改訂", B5="計画_第2.1版.xlsx", B6="改訂")  # 計画の版 still 2.1
    assert status(book)[0] == "エラー: 新しい版 2.1 は、改訂する計画の版 2.1 より後の版にしてください。"
    _, outcome = run(app, hq_folder, B7="2.2")
    folder = hq_folder / "改訂"
    assert outcome.state is State.DONE
    assert status(book)[:2] == [
        "完了: 第2.1版から第2.2版を作成しました: 計画_第2.2版.xlsx、改訂資料_第2.2版.xlsx、"
        "新旧対照表_第2.1版_第2.2版.csv、次年度の様式 2 件（sections フォルダ）。",
        str(folder / "計画_第2.2版.xlsx"),
    ]
    assert sorted(p.name for p in (folder / "sections").iterdir()) == [
        "デジタル化推進本部.xlsx",
        "企画財政部情報統計課.xlsx",
    ]
    plan = read_master(folder / "計画_第2.2版.xlsx").plan
    assert (plan.version, [m.measure_id for m in plan.measures]) == ("2.2", ["M-001", "M-002"])


def test_a_missing_changes_workbook_is_named(app, hq_folder, filled_workbook):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")
    book, _ = run(app, hq_folder, B4="集約", B6="計画_第2.1版.xlsx")
    run(app, hq_folder, B4="次年度改訂", B5="計画_第2.1版.xlsx", B6="改訂", B7="2.2", B9="変更.xlsx")
    assert status(book)[0] == f"エラー: 変更ワークブックが見つかりません: {hq_folder / '変更.xlsx'}"
    assert not (hq_folder / "改訂").exists()


def test_grading_an_unreadable_file_is_reported_not_raised(app, hq_folder, filled_workbook):
    shutil.copy(filled_workbook, hq_folder / "提出" / "a.xlsx")
    (hq_folder / "提出" / "b.xlsx").write_bytes(b"PK\x03\x04broken")
    book, outcome = run(app, hq_folder, B4="評価再計算")
    assert outcome.state is State.NEEDS_FIX
    assert "評価できなかったファイル: b.xlsx。" in status(book)[0]
    assert [r[0] for r in rows(book, "評価一覧", "F")] == ["M-001", "M-002"]
    assert [(r[0], r[3]) for r in rows(book, "指摘一覧", "G")] == [("b.xlsx", "file-unreadable")]


@pytest.mark.parametrize(
    ("action", "module"),
    [
        ("評価再計算", "xlplan.app.grade"),
        ("集約", "xlplan.app.consolidate"),
        ("監査観点チェック", "xlplan.app.lint"),
        ("次年度改訂", "xlplan.app.revise"),
    ],
)
def test_a_library_part_left_out_is_unavailable_not_a_traceback(
    app, hq_folder, filled_workbook, monkeypatch, action, module
):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")
    shutil.copy(filled_workbook, hq_folder / "計画.xlsx")
    real_import = features.importlib.import_module

    def without(name: str) -> object:
        if name == module:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name)

    monkeypatch.setattr(features.importlib, "import_module", without)
    inputs = {"B5": "計画.xlsx"} if action in ("監査観点チェック", "次年度改訂") else {}
    book, outcome = run(app, hq_folder, B4=action, B6="出力", B7="2.2", **inputs)
    assert outcome.state is State.UNAVAILABLE
    assert status(book)[0] == f"未対応: {UNAVAILABLE.format(feature=action)}"
    assert book.sheet("操作").fill("B11") == "D9D9D9"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"B4": "印刷"}, "「処理」を▼から選んでください（提出様式の確認・評価再計算・集約・監査観点チェック・"),
        ({"B5": None}, "「入力（フォルダ・ファイル）」を入力してください（B5）。"),
        ({"B5": "どこにもない"}, "入力が見つかりません: "),
        ({"B8": "来年度"}, "年度として読めません: 来年度（例: 令和6年度、R6、2024）"),
        ({"B4": "集約", "B6": None}, "「出力（ファイル・フォルダ）」を入力してください（B6）。"),
    ],
)
def test_parameter_mistakes_end_in_the_status_cell(app, hq_folder, cells, message):
    book, outcome = run(app, hq_folder, **cells)
    assert outcome.state is State.FAILED
    assert status(book)[0].startswith(f"エラー: {message}")
    assert book.sheet("操作").fill("B11") == "FFC7CE"


def test_a_bug_is_shown_in_the_status_cell_and_raised_for_the_vba(app, hq_folder, filled_workbook, monkeypatch):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(features, "grade_file", broken)
    book = app.open(hq_folder / "xlplan_hq.xlsm")
    book.sheet("操作").set_value("B4", "評価再計算")
    with pytest.raises(ZeroDivisionError):
        run_control(book, now=lambda: NOW)
    assert status(book)[0] == (
        "エラー: 予期しないエラーです（ZeroDivisionError: division by zero）。"
        "表示された詳細を管理者に知らせてください。"
    )


def test_the_fiscal_year_cell_is_read_as_people_type_it(app, hq_folder, filled_workbook):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")  # stages recorded for 令和6年度 only
    book, outcome = run(app, hq_folder, B4="提出様式の確認", B8=2024)  # Excel hands a typed 2024 over as 2024.0
    assert outcome.state is State.DONE
    _, outcome = run(app, hq_folder, B8="R7")  # checked as 令和7年度: no stage for that year
    assert outcome.state is State.NEEDS_FIX
    assert [(r[1], r[3]) for r in rows(book, "指摘一覧", "G")] == [
        ("施策!A3", "stage-missing"),
        ("施策!A4", "stage-missing"),
    ]


# --- the whole year from the HQ workbook, and paths as typed on the HQ PC ----------------------

HQ = PureWindowsPath(r"C:\xlplan\本部")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (r"C:\xlplan\提出", r"C:\xlplan\提出"),
        (r'"C:\Users\本部\デジタル化 推進\提出"', r"C:\Users\本部\デジタル化 推進\提出"),  # Explorer's パスのコピー
        ("  C:/xlplan/計画_第2.1版.xlsx ", r"C:\xlplan\計画_第2.1版.xlsx"),
        (r"\\lgwan-fs01\デジタル\提出", r"\\lgwan-fs01\デジタル\提出"),  # a share on the LGWAN file server
        (r"提出\令和6年度", r"C:\xlplan\本部\提出\令和6年度"),
        (r"..\共有\計画.xlsx", r"C:\xlplan\本部\..\共有\計画.xlsx"),
        ("提出/令和6年度", r"C:\xlplan\本部\提出\令和6年度"),
        (r"D:提出", r"D:提出"),  # drive-relative: stays on its drive, as Windows reads it
    ],
)
def test_paths_are_read_as_windows_reads_them(typed, meant):
    assert typed_path(typed, HQ, PureWindowsPath) == PureWindowsPath(meant)


class _OnTheHqPc:
    """The fake workbook as Excel on the HQ PC reports it: a Windows full name."""

    def __init__(self, book: FakeBook, fullname: str) -> None:
        self._book, self.fullname = book, fullname

    def __getattr__(self, name: str) -> object:
        return getattr(self._book, name)


def _run(book: FakeBook, **cells: object) -> object:
    control = book.sheet("操作")
    for cell, value in cells.items():
        control.set_value(cell, value)
    return run_control(book, now=lambda: NOW)


def test_the_parameter_cells_of_the_hq_pc_resolve_against_its_drive(hq_folder, monkeypatch):
    monkeypatch.setattr(actions, "PATH_FLAVOUR", PureWindowsPath)
    book = FakeApp().open(hq_folder / "xlplan_hq.xlsm")
    for cell, value in {"B4": "集約", "B5": r'"提出\令和6年度"', "B6": r"\\lgwan-fs01\計画\計画_第2.1版.xlsx"}.items():
        book.sheet("操作").set_value(cell, value)
    params = read_parameters(_OnTheHqPc(book, str(HQ / "xlplan_hq.xlsm")))
    assert params.base == HQ
    assert typed_path(params.input, params.base) == HQ / "提出" / "令和6年度"
    assert typed_path(params.output, params.base) == PureWindowsPath(r"\\lgwan-fs01\計画\計画_第2.1版.xlsx")


def test_the_whole_year_from_the_hq_workbook(hq_folder, filled_workbook, no_pdf_engine):
    shutil.copy(filled_workbook, hq_folder / "提出" / "情報統計課.xlsx")
    book = FakeApp().open(hq_folder / "xlplan_hq.xlsm")
    # typed with backslashes and quotes, as on Windows: they work here too
    outcome = _run(book, B4="集約", B5='"提出\\"', B6="出力\\計画_第2.1版.xlsx", B7="2.1")
    master = hq_folder / "出力" / "計画_第2.1版.xlsx"
    assert outcome.state is State.DONE and master.is_file()

    outcome = _run(book, B4=Action.REPORT.value, B5="出力\\計画_第2.1版.xlsx", B6="報告資料", B7=None)
    pack = hq_folder / "報告資料"
    assert outcome.state is State.DONE, status(book)
    text = status(book)[0]
    assert text.startswith(f"完了: 報告資料を {pack} に作成しました: report.html、CSV ")
    assert "施策カードのPDFは作成していません" in text  # no engine here: a note, and everything else
    assert status(book)[1] == str(pack / "report.html")
    assert (pack / "report.html").is_file() and len(list(pack.glob("*.csv"))) >= 3
    assert book.sheet("操作").hyperlink("B12") == str(pack / "report.html")

    outcome = _run(book, B4=Action.TEMPLATES.value, B6="様式\\令和7年度", B8="R7")
    folder = hq_folder / "様式" / "令和7年度"
    assert outcome.state is State.DONE, status(book)
    assert status(book)[:2] == [
        "完了: 令和7年度の記入済みの様式を 2 件作成しました（令和7年度 フォルダ）。各課所室に送ってください。",
        str(folder),
    ]
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == ["デジタル化推進本部.xlsx", "企画財政部情報統計課.xlsx"]
    assert {c.book.section for c in check_paths(files)} == {"デジタル化推進本部", "企画財政部情報統計課"}
    meta = openpyxl.load_workbook(folder / "企画財政部情報統計課.xlsx")["_meta"]
    assert "2025" in [str(c.value) for row in meta.iter_rows() for c in row]

    outcome = _run(book)  # again into the same folder: refused, nothing written over
    assert outcome.state is State.FAILED and "空ではありません" in status(book)[0]
    assert sorted(folder.iterdir()) == files


def test_a_windows_path_on_another_os_is_named_not_guessed(hq_folder):
    book = FakeApp().open(hq_folder / "xlplan_hq.xlsm")
    outcome = _run(book, B4="提出様式の確認", B5=r"C:\xlplan\提出")
    assert outcome.state is State.FAILED
    assert status(book)[0].startswith(r"エラー: 「C:\xlplan\提出」は Windows のパスです。")

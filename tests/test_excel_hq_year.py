"""The HQ workbook does the whole year: 報告資料作成 and 様式一括作成, and paths as typed on a Windows PC."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path, PureWindowsPath

import openpyxl
import pytest

from tests.fakebook import FakeApp, FakeBook
from xlplan.app.check import check_paths
from xlplan.excel import actions
from xlplan.excel.actions import read_parameters, run_control, typed_path
from xlplan.excel.build import HqOptions, write_hq_workbook
from xlplan.excel.control import Action, State

NOW = dt.datetime(2025, 5, 20, 9, 30)
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


@pytest.fixture
def hq_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "本部"
    write_hq_workbook(folder, HqOptions(fiscal_year=2024))
    (folder / "提出").mkdir()
    return folder


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


def status(book: FakeBook) -> list[object]:
    return [row[0] for row in book.sheet("操作").values("B11:B13")]


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
    outcome = _run(book, B4="入力チェック", B5=r"C:\xlplan\提出")
    assert outcome.state is State.FAILED
    assert status(book)[0].startswith(r"エラー: 「C:\xlplan\提出」は Windows のパスです。")

"""Which program prints the cards PDF: LibreOffice where installers put it, Excel through xlwings, or a note."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from xlplan.app.report import CARDS_FILE, REPORT_FILE, build_report
from xlplan.core.grading import grade_plan
from xlplan.core.grading.rules import GradeRules
from xlplan.report import pdf_engine
from xlplan.report.pdf_engine import (
    PdfEngine,
    PdfPrinter,
    choose_pdf_engine,
    excel_unavailable_reason,
    find_libreoffice,
)
from xlplan.sample import load_sample_plan


def _install(folder: Path, *parts: str) -> Path:
    """A fake soffice at folder/parts (an empty executable file)."""
    path = folder.joinpath(*parts)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    path.chmod(0o755)
    return path


def _nowhere(_: str) -> None:
    return None


@pytest.fixture
def windows_places(monkeypatch) -> None:
    """The Windows install folders with "/" for "\\" (so that this OS can look in fake ones), without C:."""
    places = tuple(p.replace("\\", "/") for p in pdf_engine.INSTALL_PLACES["win32"] if not p.startswith("C:"))
    monkeypatch.setitem(pdf_engine.INSTALL_PLACES, "win32", places)


@pytest.mark.parametrize(
    ("variable", "parts"),
    [
        ("ProgramFiles", ("LibreOffice", "program", "soffice.exe")),
        ("ProgramFiles(x86)", ("LibreOffice", "program", "soffice.exe")),
        ("ProgramW6432", ("LibreOffice", "program", "soffice.exe")),
        ("LOCALAPPDATA", ("Programs", "LibreOffice", "program", "soffice.exe")),
    ],
)
def test_libreoffice_is_found_in_the_windows_install_folders(tmp_path, windows_places, variable, parts):
    installed = _install(tmp_path / "Program Files (x86) [1]", *parts)  # glob characters in a folder are literal
    empty = {"ProgramFiles": str(tmp_path / "empty"), "LOCALAPPDATA": str(tmp_path / "empty2")}
    env = {**empty, variable: str(tmp_path / "Program Files (x86) [1]")}
    assert find_libreoffice(env=env, platform="win32", which=_nowhere) == str(installed)
    assert find_libreoffice(env=empty, platform="win32", which=_nowhere) is None
    assert find_libreoffice(env={}, platform="win32", which=_nowhere) is None  # unset variables are no place


def test_the_windows_install_folders_are_the_real_ones():
    places = pdf_engine.INSTALL_PLACES["win32"]
    assert r"{ProgramFiles}\LibreOffice\program\soffice.exe" in places
    assert r"C:\Program Files\LibreOffice\program\soffice.exe" in places


def test_libreoffice_is_found_in_the_macos_applications_folders(tmp_path, monkeypatch):
    installed = _install(tmp_path, "Applications", "LibreOffice.app", "Contents", "MacOS", "soffice")
    monkeypatch.setitem(pdf_engine.INSTALL_PLACES, "darwin", pdf_engine.INSTALL_PLACES["darwin"][1:])
    assert find_libreoffice(env={"HOME": str(tmp_path)}, platform="darwin", which=_nowhere) == str(installed)
    assert find_libreoffice(env={"HOME": str(tmp_path / "nobody")}, platform="darwin", which=_nowhere) is None


def test_the_variable_comes_first_then_path_then_the_install_folders(tmp_path, windows_places):
    _install(tmp_path / "pf", "LibreOffice", "program", "soffice.exe")
    portable = _install(tmp_path / "portable", "soffice.exe")
    env = {"ProgramFiles": str(tmp_path / "pf")}
    on_path = "/usr/local/bin/soffice"
    assert find_libreoffice(env=env, platform="win32", which=lambda _: on_path) == on_path
    quoted = {**env, "XLPLAN_SOFFICE": f'"{portable}"'}  # as Explorer's "copy as path" gives it
    assert find_libreoffice(env=quoted, platform="win32", which=lambda _: on_path) == str(portable)
    gone = {**env, "XLPLAN_SOFFICE": str(tmp_path / "gone")}  # pointing nowhere: the search goes on
    assert find_libreoffice(env=gone, platform="win32", which=_nowhere) == str(
        tmp_path / "pf" / "LibreOffice" / "program" / "soffice.exe"
    )


def test_excel_prints_only_on_windows_with_xlwings_and_excel():
    assert "Windows" in excel_unavailable_reason(platform="linux")
    missing = excel_unavailable_reason(platform="win32", has_module=lambda _: False)
    assert 'pip install --no-index --find-links "' in missing and '"xlplan[excel]"' in missing
    assert "'" not in missing  # cmd.exe does not understand single quotes
    no_excel = excel_unavailable_reason(platform="win32", has_module=lambda _: True, excel_registered=lambda: False)
    assert no_excel == "Excel がインストールされていません"
    assert excel_unavailable_reason(platform="win32", has_module=lambda _: True, excel_registered=lambda: True) == ""


def test_auto_takes_libreoffice_then_excel_and_otherwise_leaves_a_note():
    found, absent = (lambda: "/opt/soffice"), (lambda: None)
    excel_ok, no_excel = (lambda: ""), (lambda: "Excel での印刷は Windows でだけ使えます")
    lo = choose_pdf_engine("auto", find_soffice=found, excel_reason=excel_ok)
    assert lo.printer == PdfPrinter(PdfEngine.LIBREOFFICE, "/opt/soffice") and lo.note == ""
    assert choose_pdf_engine("auto", find_soffice=absent, excel_reason=excel_ok).printer == PdfPrinter(PdfEngine.EXCEL)
    assert choose_pdf_engine("excel", find_soffice=found, excel_reason=excel_ok).printer == PdfPrinter(PdfEngine.EXCEL)
    nothing = choose_pdf_engine("auto", find_soffice=absent, excel_reason=no_excel)
    assert nothing.printer is None and nothing.wanted
    assert "施策カードのPDFは作成していません" in nothing.note and "LibreOffice" in nothing.note
    assert "C:\\Program Files\\LibreOffice" in nothing.note and "--no-pdf" in nothing.note
    named = choose_pdf_engine("libreoffice", find_soffice=absent, excel_reason=excel_ok)
    assert named.printer is None and "LibreOffice が見つかりません" in named.note
    excel = choose_pdf_engine("excel", find_soffice=found, excel_reason=no_excel)
    assert excel.printer is None and "Windows でだけ" in excel.note
    none = choose_pdf_engine("none", find_soffice=found, excel_reason=excel_ok)
    assert none.printer is None and none.note == "" and not none.wanted


class _FakeExcel:
    """xlwings as far as printing uses it: App, books.open, Book.to_pdf, close, quit."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[str] = []
        fake = self

        class Book:
            def to_pdf(self, path: str) -> str:
                fake.calls.append("to_pdf")
                if fake.fail:
                    raise RuntimeError("printer driver missing")
                Path(path).write_bytes(b"%PDF-1.7 fake")
                return path

            def close(self) -> None:
                fake.calls.append("close")

        class Books:
            def open(self, path: str, read_only: bool = False) -> Book:
                fake.calls.append(f"open {Path(path).name} read_only={read_only}")
                return Book()

        class App:
            def __init__(self, visible: bool = True, add_book: bool = True) -> None:
                fake.calls.append(f"App visible={visible} add_book={add_book}")
                self.books = Books()
                self.display_alerts = True

            def quit(self) -> None:
                fake.calls.append("quit")

        self.module = types.SimpleNamespace(App=App)


PLAN = load_sample_plan()
GRADES = {g.measure_id: g for g in grade_plan(PLAN, GradeRules())}


def test_excel_prints_the_cards_workbook_in_a_hidden_instance_of_its_own(tmp_path, monkeypatch):
    excel = _FakeExcel()
    monkeypatch.setitem(sys.modules, "xlwings", excel.module)
    choice = pdf_engine.PdfChoice(PdfPrinter(PdfEngine.EXCEL))
    pack = build_report(PLAN, GRADES, [], tmp_path, pdf=choice)
    assert pack.pdf == tmp_path / CARDS_FILE and pack.pdf.read_bytes().startswith(b"%PDF")
    assert excel.calls == [
        "App visible=False add_book=False",
        "open cards.xlsx read_only=True",
        "to_pdf",
        "close",
        "quit",
    ]
    assert pack.notes == []
    assert CARDS_FILE in (tmp_path / REPORT_FILE).read_text(encoding="utf-8")


def test_a_failing_engine_is_a_note_and_the_rest_of_the_pack_is_written(tmp_path, monkeypatch):
    excel = _FakeExcel(fail=True)
    monkeypatch.setitem(sys.modules, "xlwings", excel.module)
    pack = build_report(PLAN, GRADES, [], tmp_path, pdf=pdf_engine.PdfChoice(PdfPrinter(PdfEngine.EXCEL)))
    assert pack.pdf is None and excel.calls[-1] == "quit"  # Excel is closed after a failure too
    [note] = pack.notes
    assert "施策カードのPDFは作成していません" in note and "printer driver missing" in note
    assert not (tmp_path / CARDS_FILE).exists()
    assert CARDS_FILE not in (tmp_path / REPORT_FILE).read_text(encoding="utf-8")  # no link to a missing file
    assert len(pack.csv) >= 3 and all(path.exists() for path in pack.csv.values())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left

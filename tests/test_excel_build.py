"""`xlplan excel init`: the HQ control workbook is macro-enabled, its button runs a Sub that exists,
and every RunPython target in its VBA imports and is callable. The VBA is read back with oletools."""

from __future__ import annotations

import ast
import importlib
import re
import sys
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
import xlwings
from click.testing import CliRunner

from xlplan.cli.main import cli
from xlplan.excel.control import Action

ROOT = Path(__file__).resolve().parents[1]
MACRO_ENABLED = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
QUICKSTART = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
# What xlwings 0.37 ships in Module1 of its standalone quickstart workbook: the only Sub the
# generated workbook can bind its button to (XlsxWriter cannot add VBA).
SAMPLE_CALL = (
    'Attribute VB_Name = "Module1"\n'
    "Sub SampleCall()\n"
    '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))\n'
    '    RunPython "import " & mymodule & ";" & mymodule & ".main()"\n'
    "End Sub"
)


@pytest.fixture
def hq(tmp_path: Path) -> Path:
    """A folder with the HQ workbook and its module, written by the command line."""
    folder = tmp_path / "本部"
    options = ["--fiscal-year", "R6", "--plan-version", "2.1", "--pythonpath", "C:\\xlplan"]
    result = CliRunner().invoke(cli, ["excel", "init", str(folder), *options])
    assert result.exit_code == 0, result.output
    assert f"本部用ブックを書き出しました: {folder / 'xlplan_hq.xlsm'}" in result.output
    return folder


def vba_modules(path: Path) -> dict[str, str]:
    """Module name → source, extracted from a workbook by oletools."""
    with warnings.catch_warnings():  # oletools' pyparsing grammar warns about deprecated names
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {Path(stream).name: code.replace("\r\n", "\n") for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_workbook_is_macro_enabled_and_carries_the_xlwings_vba(hq):
    with zipfile.ZipFile(hq / "xlplan_hq.xlsm") as archive:
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        vba = archive.read("xl/vbaProject.bin")
    overrides = {t.get("PartName"): t.get("ContentType") for t in types if t.get("PartName")}
    defaults = {t.get("Extension"): t.get("ContentType") for t in types if t.get("Extension")}
    assert overrides["/xl/workbook.xml"] == MACRO_ENABLED
    assert defaults["bin"] == VBA_PROJECT
    with zipfile.ZipFile(QUICKSTART) as archive:  # taken from the installed package at run time
        assert vba == archive.read("xl/vbaProject.bin")


def test_the_shipped_vba_has_the_xlwings_runtime_and_one_sub_to_bind(hq):
    modules = vba_modules(hq / "xlplan_hq.xlsm")
    assert sorted(modules) == ["Dictionary", "Module1", "Sheet1", "Sheet2", "ThisWorkbook", "xlwings"]
    assert modules["Module1"].strip() == SAMPLE_CALL
    assert "Public Function RunPython(PythonCommand As String)" in modules["xlwings"]
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in modules["xlwings"]  # reads our xlwings.conf sheet
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in modules["xlwings"]


def test_the_button_runs_a_sub_that_exists(hq):
    with zipfile.ZipFile(hq / "xlplan_hq.xlsm") as archive:
        vml = archive.read("xl/drawings/vmlDrawing1.vml").decode("utf-8")
    assert re.findall(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", vml) == ["[0]!SampleCall"]
    assert ">実行</font>" in vml
    subs = {
        name
        for source in vba_modules(hq / "xlplan_hq.xlsm").values()
        for name in re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(", source, re.MULTILINE)
    }
    assert "SampleCall" in subs


def test_every_runpython_target_imports_and_is_callable(hq, monkeypatch):
    modules = vba_modules(hq / "xlplan_hq.xlsm")
    calls = [
        (name, expression)
        for name, source in modules.items()
        for expression in re.findall(r'^\s*RunPython\s+(".*)$', source, re.MULTILINE)
    ]
    assert calls == [("Module1", '"import " & mymodule & ";" & mymodule & ".main()"')]
    # mymodule is the workbook's name without its extension (see SAMPLE_CALL)
    command = "".join(
        "xlplan_hq" if part.strip() == "mymodule" else part.strip()[1:-1] for part in calls[0][1].split("&")
    )
    assert command == "import xlplan_hq;xlplan_hq.main()"
    imports, call = ast.parse(command).body
    monkeypatch.syspath_prepend(str(hq))  # xlwings adds the workbook's folder to sys.path
    monkeypatch.delitem(sys.modules, "xlplan_hq", raising=False)
    module = importlib.import_module(imports.names[0].name)
    assert Path(module.__file__) == hq / "xlplan_hq.py"
    target = getattr(module, ast.unparse(call.value.func).split(".", 1)[1])
    assert callable(target)


def test_book_caller_appears_in_one_line(hq):
    def calls(paths: list[Path], base: Path) -> list[str]:
        return [
            f"{path.relative_to(base)}:{line.strip()}"
            for path in paths
            for line in path.read_text(encoding="utf-8").splitlines()
            if "Book.caller()" in line
        ]

    # the macros are a thin adapter: the generated module gets the book, the library takes it from there
    assert calls(sorted(ROOT.joinpath("xlplan").rglob("*.py")), ROOT) == [
        "xlplan/excel/build.py:run_control(XwBook(xw.Book.caller()))"
    ]
    assert calls([hq / "xlplan_hq.py"], hq) == ["xlplan_hq.py:run_control(XwBook(xw.Book.caller()))"]


def test_the_control_sheet_and_the_xlwings_conf_sheet(hq):
    workbook = openpyxl.load_workbook(hq / "xlplan_hq.xlsm", keep_vba=True)
    assert workbook.sheetnames == ["操作", "指摘一覧", "評価一覧", "xlwings.conf"]
    control = workbook["操作"]
    assert [(control[f"A{r}"].value, control[f"B{r}"].value) for r in range(4, 10)] == [
        ("処理", "提出様式の確認"),
        ("入力（フォルダ・ファイル）", "提出"),
        ("出力（ファイル・フォルダ）", None),
        ("計画の版", "2.1"),
        ("年度", "令和6年度"),
        ("変更ワークブック", None),
    ]
    assert [control[f"A{r}"].value for r in (11, 12, 13)] == ["状態", "書き出したファイル", "実行日時"]
    [validation] = control.data_validations.dataValidation
    assert str(validation.sqref) == "B4"
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(a.value for a in Action) + '"'
    conf = workbook["xlwings.conf"]
    assert [(conf[f"A{r}"].value, conf[f"B{r}"].value) for r in range(1, 8)] == [
        ("Interpreter_Win", "python"),
        ("Interpreter_Mac", None),
        ("PYTHONPATH", "C:\\xlplan"),
        ("Conda Path", None),
        ("Conda Env", None),
        ("Show Console", False),
        (None, None),  # the xlwings VBA reads keys from A1 down to the first blank
    ]
    assert workbook["指摘一覧"]["A1"].value == "ファイル"
    assert workbook["評価一覧"]["B1"].value == "本部評価"


def test_sheet_code_names_match_the_document_modules_of_the_vba(hq):
    with zipfile.ZipFile(hq / "xlplan_hq.xlsm") as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode("utf-8")
        code_names = [
            re.search(r'codeName="(\w+)"', archive.read(f"xl/worksheets/sheet{i}.xml").decode()).group(1)
            for i in range(1, 5)
        ]
    assert 'codeName="ThisWorkbook"' in workbook_xml
    assert code_names == ["Sheet1", "Sheet3", "Sheet4", "Sheet2"]  # 操作 and xlwings.conf own the shipped modules


def test_init_refuses_to_overwrite_without_force(hq):
    (hq / "xlplan_hq.py").write_text("# edited by HQ\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["excel", "init", str(hq)])
    assert result.exit_code == 2  # a usage error: --force is needed
    assert "既にあります: xlplan_hq.xlsm、xlplan_hq.py（置き換える場合は --force）" in result.output
    assert (hq / "xlplan_hq.py").read_text(encoding="utf-8") == "# edited by HQ\n"
    assert CliRunner().invoke(cli, ["excel", "init", str(hq), "--force"]).exit_code == 0
    assert "def main() -> None:" in (hq / "xlplan_hq.py").read_text(encoding="utf-8")


def test_a_signed_vba_project_is_carried_over(tmp_path):
    signed = tmp_path / "signed.xlsm"
    with zipfile.ZipFile(QUICKSTART) as source, zipfile.ZipFile(signed, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProjectSignature.bin", b"signature made by HQ's certificate")
    result = CliRunner().invoke(cli, ["excel", "init", str(tmp_path / "hq"), "--vba-from", str(signed)])
    assert result.exit_code == 0, result.output
    assert "（署名付き）" in result.output
    with zipfile.ZipFile(tmp_path / "hq" / "xlplan_hq.xlsm") as archive:
        assert archive.read("xl/vbaProjectSignature.bin") == b"signature made by HQ's certificate"
        assert "vbaProjectSignature" in archive.read("xl/_rels/vbaProject.bin.rels").decode()


def test_a_workbook_without_vba_is_refused(tmp_path):
    plain = tmp_path / "plain.xlsm"
    openpyxl.Workbook().save(plain)
    result = CliRunner().invoke(cli, ["excel", "init", str(tmp_path / "hq"), "--vba-from", str(plain)])
    assert result.exit_code == 2  # an input of the wrong kind
    assert "VBAプロジェクト（xl/vbaProject.bin）がありません" in result.output
    assert not (tmp_path / "hq" / "xlplan_hq.xlsm").exists()


def test_the_xlwings_adapter_uses_only_what_the_installed_xlwings_has():
    # XwBook/XwSheet run only on the HQ PC; at least every xlwings name they use must exist here
    # (calls through `.api` go to Excel's COM object model and cannot be checked on Linux).
    used = {
        xlwings.Book: ["name", "fullname", "sheets", "app", "api", "caller", "set_mock_caller"],
        xlwings.Sheet: ["name", "range", "used_range", "notes", "api"],
        xlwings.Range: ["value", "options", "clear_contents", "color", "note", "add_note", "api", "shape", "last_cell"],
        xlwings.main.Sheets: ["add", "__getitem__", "__iter__"],
        xlwings.main.Books: ["open", "__iter__"],
        xlwings.main.Note: ["text", "delete", "location"],
    }
    missing = [f"{cls.__name__}.{name}" for cls, names in used.items() for name in names if not hasattr(cls, name)]
    assert missing == []
    source = (ROOT / "xlplan" / "excel" / "xw_adapter.py").read_text(encoding="utf-8")
    assert "import xlwings" not in source  # it wraps what xlplan_hq.main() hands it; imports on any OS


def test_a_vba_project_that_needs_the_xlwings_add_in_is_refused(tmp_path):
    # quickstart.xlsm has SampleCall but calls RunPython through the add-in: without it the button fails
    addin_based = Path(xlwings.__file__).parent / "quickstart.xlsm"
    result = CliRunner().invoke(cli, ["excel", "init", str(tmp_path / "hq"), "--vba-from", str(addin_based)])
    assert result.exit_code == 2  # an input of the wrong kind
    assert "VBA に RunPython の本体（xlwings モジュール）がありません。" in result.output
    assert not (tmp_path / "hq").exists()

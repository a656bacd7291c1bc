"""Write the HQ control workbook (`xlplan_hq.xlsm`) and the Python module its button runs.

Built with XlsxWriter on any OS, from the VBA project that the installed xlwings ships in its
standalone quickstart workbook (see `vba`). The workbook holds the 操作 sheet (action
dropdown, parameters, 実行 button, status), the result sheets and the `xlwings.conf` sheet
(interpreter, PYTHONPATH) that the xlwings VBA reads before starting Python.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.cells import split_cell
from ..core.fiscal import fy_label
from ..errors import XlplanError
from ..install import not_installed
from ..io.atomic import atomic_outputs
from ..io.input_guard import refuse_overwriting_inputs
from ..notes import note_text
from .control import (
    BUTTON_CELL,
    CONF_SHEET,
    CONTROL_SHEET,
    FINDINGS_COLUMNS,
    FINDINGS_SHEET,
    GRADES_COLUMNS,
    GRADES_SHEET,
    PARAMETERS,
    RESULT_LABELS,
    WORKBOOK_STEM,
    Action,
)
from .vba import (
    BUTTON_SUB,
    VbaProject,
    defines_runpython,
    module_sources,
    python_target,
    read_vba_project,
    resolve_command,
    runpython_commands,
    subs,
)

if TYPE_CHECKING:  # xlsxwriter is imported when a workbook is built (optional dependency)
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["HqOptions", "HqWorkbook", "build_hq_workbook", "conf_entries", "module_text", "write_hq_workbook"]

WORKBOOK_NAME = f"{WORKBOOK_STEM}.xlsm"
MODULE_NAME = f"{WORKBOOK_STEM}.py"
ENTRY_POINT = "main"


@dataclass(frozen=True, slots=True)
class HqOptions:
    """What to pre-fill in the control workbook."""

    interpreter: str = ""  # Interpreter_Win; '' → this Python on Windows, else "python"
    pythonpath: str = ""
    input: str = "提出"
    output: str = ""
    plan_version: str = ""
    fiscal_year: int | None = None
    vba_from: Path | None = None  # an .xlsm whose (signed) VBA project to reuse


@dataclass(frozen=True, slots=True)
class HqWorkbook:
    """The files written by `write_hq_workbook` and where their VBA came from."""

    workbook: Path
    module: Path
    vba_source: Path
    signed: bool


def write_hq_workbook(folder: Path, options: HqOptions | None = None, *, force: bool = False) -> HqWorkbook:
    """Write `xlplan_hq.xlsm` and `xlplan_hq.py` into a folder.

    :param folder: where both files go (created when missing); they must stay side by side.
    :param options: pre-filled parameters and the xlwings configuration.
    :param force: replace existing files (HQ may have edited them, so the default refuses).
    """
    options = options or HqOptions()
    folder = Path(folder)
    workbook_path, module_path = folder / WORKBOOK_NAME, folder / MODULE_NAME
    refuse_overwriting_inputs([options.vba_from], files=[workbook_path, module_path])
    existing = [p.name for p in (workbook_path, module_path) if p.exists()]
    if existing and not force:
        raise XlplanError(
            f"既にあります: {'、'.join(existing)}（置き換える場合は --force）",
            english=f"Already there: {', '.join(existing)} (to replace them, add --force)",
        )
    vba = read_vba_project(options.vba_from)
    _verify_button_target(vba)
    data = build_hq_workbook(vba, options)
    # both written before either is put in place: a failure leaves neither half of the pair
    with atomic_outputs(module_path, workbook_path) as (module_tmp, workbook_tmp):
        module_tmp.write_text(module_text(), encoding="utf-8")
        workbook_tmp.write_bytes(data)
    return HqWorkbook(workbook_path, module_path, vba.source, vba.signature is not None)


def _verify_button_target(vba: VbaProject) -> None:
    """Fail early unless the VBA carries RunPython itself and a `SampleCall` running `xlplan_hq.main()`.

    Needs oletools to read the VBA; without it nothing is checked (the tests check the same).
    """
    modules = module_sources(vba.project)
    if modules is None:
        return  # oletools is a dev dependency
    if not any(defines_runpython(source) for source in modules.values()):
        raise XlplanError(
            f"VBA に RunPython の本体（xlwings モジュール）がありません。xlwings アドインを前提とするブックは"
            f"使えません: {vba.source}",
            english=f"The VBA has no RunPython body (the xlwings module). A workbook that needs the xlwings "
            f"add-in cannot be used: {vba.source}",
        )
    expected = (WORKBOOK_STEM, f"{WORKBOOK_STEM}.{ENTRY_POINT}")
    for source in modules.values():
        if BUTTON_SUB in subs(source):
            commands = [resolve_command(c, source, WORKBOOK_NAME) for c in runpython_commands(source)]
            if expected in [python_target(c) for c in commands]:
                return
            raise XlplanError(
                f"VBA の {BUTTON_SUB} が想定外の処理を呼びます（{commands}）: {vba.source}",
                english=f"The VBA's {BUTTON_SUB} calls something unexpected ({commands}): {vba.source}",
            )
    raise XlplanError(
        f"VBA に Sub {BUTTON_SUB} がありません: {vba.source}", english=f"The VBA has no Sub {BUTTON_SUB}: {vba.source}"
    )


def module_text() -> str:
    """The Python module RunPython imports: one entry point, the rest lives in xlplan.excel."""
    return f'''"""Entry point of the xlplan HQ workbook {WORKBOOK_NAME} (written by `xlplan excel init`).

Keep this file beside {WORKBOOK_NAME} and do not rename either: the 実行 button runs the VBA
Sub {BUTTON_SUB}, which calls RunPython "import {WORKBOOK_STEM}; {WORKBOOK_STEM}.{ENTRY_POINT}()".
"""

import xlwings as xw

from xlplan.excel.actions import run_control
from xlplan.excel.xw_adapter import XwBook


def {ENTRY_POINT}() -> None:
    """Run the action chosen on the {CONTROL_SHEET} sheet and write its results into the workbook."""
    run_control(XwBook(xw.Book.caller()))


if __name__ == "__main__":
    xw.Book("{WORKBOOK_NAME}").set_mock_caller()
    {ENTRY_POINT}()
'''


def build_hq_workbook(vba: VbaProject, options: HqOptions) -> bytes:
    """The .xlsm as bytes (see `write_hq_workbook`)."""
    try:
        import xlsxwriter
    except ImportError as error:
        missing = not_installed("XlsxWriter", "excel")
        raise XlplanError(missing + "。", english=note_text(missing, "en") + ".") from error

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if vba.signature is not None:
        workbook.add_signed_vba_project(io.BytesIO(vba.project), io.BytesIO(vba.signature), True, True)
    else:
        workbook.add_vba_project(io.BytesIO(vba.project), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    styles = _Styles(workbook)
    control = workbook.add_worksheet(CONTROL_SHEET)
    control.set_vba_name("Sheet1")  # the document modules in the quickstart project are Sheet1, Sheet2
    findings = workbook.add_worksheet(FINDINGS_SHEET)
    findings.set_vba_name("Sheet3")
    grades = workbook.add_worksheet(GRADES_SHEET)
    grades.set_vba_name("Sheet4")
    conf = workbook.add_worksheet(CONF_SHEET)
    conf.set_vba_name("Sheet2")
    _write_control(control, options, styles)
    _write_table(findings, FINDINGS_COLUMNS, styles)
    _write_table(grades, GRADES_COLUMNS, styles)
    _write_conf(conf, options, styles)
    control.activate()
    workbook.close()
    return buffer.getvalue()


class _Styles:
    """The few formats the control workbook uses."""

    def __init__(self, workbook: Workbook) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
        self.label = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"})
        self.input = add({"bg_color": "#FFF9E5", "border": 1, "num_format": "@", "valign": "vcenter"})
        self.result = add({"border": 1, "text_wrap": True, "valign": "top"})
        self.help = add({"font_color": "#595959", "valign": "vcenter"})
        self.header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "border": 1})
        self.note = add({"font_color": "#595959"})


def _write_control(ws: Worksheet, options: HqOptions, styles: _Styles) -> None:
    ws.set_column("A:A", 24)
    ws.set_column("B:B", 72)
    ws.set_column("C:C", 16)  # the 実行 button
    ws.set_column("D:D", 84)
    ws.write("A1", "xlplan 本部用ワークブック（デジタル化推進計画）", styles.title)
    ws.write("A2", "処理を▼から選び、必要な項目を入力して「実行」を押してください。結果はこのブックに書き込まれます。")
    defaults = {
        "action": Action.CHECK.value,
        "input": options.input,
        "output": options.output,
        "version": options.plan_version,
        "fiscal_year": fy_label(options.fiscal_year) if options.fiscal_year else "",
        "changes": "",
    }
    for item in PARAMETERS:
        ws.write(_label_cell(item.cell), item.label, styles.label)
        ws.write(item.cell, defaults[item.key] or None, styles.input)
        ws.write(_help_cell(item.cell), item.help, styles.help)
    action_cell = PARAMETERS[0].cell
    ws.data_validation(
        action_cell,
        {
            "validate": "list",
            "source": [a.value for a in Action],
            "input_title": "処理",
            "input_message": "実行する処理を選びます。",
            "error_title": "処理",
            "error_message": "一覧から選んでください。",
        },
    )
    row, col = split_cell(BUTTON_CELL)
    ws.insert_button(
        row - 1,
        col - 1,
        {"macro": BUTTON_SUB, "caption": "実行", "width": 110, "height": 44, "description": "選んだ処理を実行します"},
    )
    for cell, label in RESULT_LABELS:  # not merged: Excel refuses to clear part of a merged cell
        ws.write(_label_cell(cell), label, styles.label)
        ws.write_blank(cell, None, styles.result)
    status_row = split_cell(RESULT_LABELS[0][0])[0]
    ws.set_row(status_row - 1, 90)
    first = status_row + len(RESULT_LABELS) + 2
    ws.write(first - 1, 0, "処理の説明", styles.header)
    ws.merge_range(first - 1, 1, first - 1, 3, "", styles.header)
    for offset, action in enumerate(Action):
        ws.write(first + offset, 0, action.value, styles.label)
        ws.merge_range(first + offset, 1, first + offset, 3, action.help, styles.help)
    notes_row = first + len(Action) + 1
    notes = (
        f"このブックは同じフォルダの {MODULE_NAME} を通じて xlplan を呼び出します。"
        "ファイル名を変えたり、別々のフォルダに置いたりしないでください。",
        f"Python の場所は「{CONF_SHEET}」シートの Interpreter_Win で指定します。",
        "マクロが無効と表示される場合は README の「HQ workbook (xlwings)」を参照してください"
        "（信頼できる場所への配置、または署名付きVBAプロジェクト）。",
    )
    for offset, text in enumerate(notes):
        ws.write(notes_row + offset, 0, text, styles.note)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)


def _label_cell(cell: str) -> str:
    row, _ = split_cell(cell)
    return f"A{row}"


def _help_cell(cell: str) -> str:
    row, _ = split_cell(cell)
    return f"D{row}"


def _write_table(ws: Worksheet, columns: tuple[tuple[str, int], ...], styles: _Styles) -> None:
    for index, (title, width) in enumerate(columns):
        ws.write(0, index, title, styles.header)
        ws.set_column(index, index, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, 0, len(columns) - 1)


# Keys from A1 down with no gap: the xlwings VBA (GetConfigFromSheet) stops at the first blank.
def conf_entries(options: HqOptions) -> list[tuple[str, object, str]]:
    """The `xlwings.conf` sheet: (key, value, explanation) in order."""
    interpreter = options.interpreter or (sys.executable if sys.platform == "win32" else "python")
    return [
        ("Interpreter_Win", interpreter, "xlplan を入れた python.exe のフルパス（python なら PATH 上のもの）。"),
        ("Interpreter_Mac", "", "Mac の場合の python のパス（本部では使いません）。"),
        ("PYTHONPATH", options.pythonpath, "xlplan を pip で入れていない場合、そのフォルダ（; 区切り）。"),
        ("Conda Path", "", "Anaconda を使う場合のフォルダ（例: C:\\Users\\…\\anaconda3）。"),
        ("Conda Env", "", "Anaconda の環境名（例: base）。"),
        ("Show Console", False, "TRUE にすると実行中の Python の画面を表示します（不具合の調査用）。"),
    ]


def _write_conf(ws: Worksheet, options: HqOptions, styles: _Styles) -> None:
    ws.set_column("A:A", 18)
    ws.set_column("B:B", 48)
    ws.set_column("D:D", 80)
    for row, (key, value, explanation) in enumerate(conf_entries(options)):
        ws.write_string(row, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value)
        elif value:
            ws.write_string(row, 1, str(value), styles.input)
        else:
            ws.write_blank(row, 1, None, styles.input)
        ws.write_string(row, 3, explanation, styles.note)

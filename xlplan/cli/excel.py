"""`xlplan excel`: the HQ control workbook (xlwings macros)."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.result import CommandResult, Output
from ..excel.build import HqOptions, write_hq_workbook
from .i18n import tr, words
from .options import FiscalYear, output_options
from .output import emit


@click.group(help=tr("本部用のマクロ有効ブック（xlwings）を扱います。", "The HQ control workbook (xlwings macros)."))
def excel() -> None:
    """The HQ control workbook (xlwings macros)."""


@excel.command(
    help=tr(
        "本部用ブック xlplan_hq.xlsm と、Excel から呼ばれるモジュール xlplan_hq.py を DIR に書き出します。"
        "2つのファイルはこの名前のまま同じフォルダに置いてください。",
        "Write the HQ control workbook xlplan_hq.xlsm and the module xlplan_hq.py into DIR. Keep both "
        "side by side and under these names.",
    )
)
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--interpreter",
    default="",
    help=tr(
        "Excel から起動する python.exe（xlwings.conf の Interpreter_Win）。省略時は Windows ではこの Python、"
        "それ以外では python。",
        "The python.exe Excel starts (Interpreter_Win of xlwings.conf). Default: this Python on Windows, else python.",
    ),
)
@click.option(
    "--pythonpath",
    default="",
    help=tr(
        "xlplan を pip で入れていない場合、そのフォルダ（xlwings.conf の PYTHONPATH）。",
        "Where xlplan is when it was not installed with pip (PYTHONPATH of xlwings.conf).",
    ),
)
@click.option(
    "--input",
    "input_",
    default="提出",
    show_default=True,
    help=tr(
        "「入力」欄の初期値（提出された様式のフォルダ）。",
        "The 入力 field's first value (the folder of returned workbooks).",
    ),
)
@click.option(
    "--output",
    default="",
    help=tr(
        "「出力」欄の初期値（集約で書き出すマスターなど）。", "The 出力 field's first value (the master to write...)."
    ),
)
@click.option(
    "--plan-version",
    default="",
    help=tr("「計画の版」欄の初期値（例: 2.1）。", "The 計画の版 field's first value (e.g. 2.1)."),
)
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help=tr("「年度」欄の初期値。例: 2024、R6、令和6年度", "The 年度 field's first value. E.g. 2024, R6, 令和6年度"),
)
@click.option(
    "--vba-from",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr(
        "VBAプロジェクトをこの .xlsm から取ります（署名済みのものを使う場合）。省略時は xlwings 同梱のもの。",
        "Take the VBA project from this .xlsm (a signed one). Default: the one shipped with xlwings.",
    ),
)
@click.option(
    "--force",
    is_flag=True,
    help=tr(
        "既存の xlplan_hq.xlsm / xlplan_hq.py を置き換えます。", "Replace an existing xlplan_hq.xlsm / xlplan_hq.py."
    ),
)
@output_options
def init(
    folder: Path,
    interpreter: str,
    pythonpath: str,
    input_: str,
    output: str,
    plan_version: str,
    fiscal_year: int | None,
    vba_from: Path | None,
    force: bool,
    fmt: str,
    lang: str,
) -> int:
    """Write the HQ control workbook xlplan_hq.xlsm and the module xlplan_hq.py into DIR.

    Keep both files side by side and under these names: the workbook's 実行 button runs
    `import xlplan_hq; xlplan_hq.main()`.
    """
    options = HqOptions(
        interpreter=interpreter,
        pythonpath=pythonpath,
        input=input_,
        output=output,
        plan_version=plan_version,
        fiscal_year=fiscal_year,
        vba_from=vba_from,
    )
    written = write_hq_workbook(folder, options, force=force)
    result = CommandResult(
        "excel", outputs=[Output("hq-workbook", str(written.workbook)), Output("hq-module", str(written.module))]
    )

    def lines(_: object) -> None:
        click.echo(words("本部用ブックを書き出しました: ", "HQ workbook written: ") + str(written.workbook))
        click.echo(
            words(
                f"Excel から呼ばれるモジュール: {written.module}（同じフォルダに置いたまま使います）",
                f"Module Excel calls: {written.module} (keep it in the same folder)",
            )
        )
        signed = words("（署名付き）", " (signed)") if written.signed else ""
        click.echo(words("VBA の取得元: ", "VBA taken from: ") + f"{written.vba_source}{signed}")

    return emit(result, fmt=fmt, lang=lang, human=lines)

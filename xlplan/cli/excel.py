"""`xlplan excel`: the HQ control workbook (xlwings macros)."""

from __future__ import annotations

from pathlib import Path

import click

from ..excel.build import HqOptions, write_hq_workbook
from .options import FiscalYear


@click.group()
def excel() -> None:
    """本部用のマクロ有効ブック（xlwings）を扱います。"""


@excel.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--interpreter",
    default="",
    help="Excel から起動する python.exe（xlwings.conf の Interpreter_Win）。省略時は Windows ではこの Python、"
    "それ以外では python。",
)
@click.option(
    "--pythonpath", default="", help="xlplan を pip で入れていない場合、そのフォルダ（xlwings.conf の PYTHONPATH）。"
)
@click.option(
    "--input", "input_", default="提出", show_default=True, help="「入力」欄の初期値（提出された様式のフォルダ）。"
)
@click.option("--output", default="", help="「出力」欄の初期値（集約で書き出すマスターなど）。")
@click.option("--plan-version", default="", help="「計画の版」欄の初期値（例: 2.1）。")
@click.option("--fiscal-year", type=FiscalYear(), default=None, help="「年度」欄の初期値。例: 2024、R6、令和6年度")
@click.option(
    "--vba-from",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="VBAプロジェクトをこの .xlsm から取ります（署名済みのものを使う場合）。省略時は xlwings 同梱のもの。",
)
@click.option("--force", is_flag=True, help="既存の xlplan_hq.xlsm / xlplan_hq.py を置き換えます。")
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
) -> None:
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
    click.echo(f"本部用ブックを書き出しました: {written.workbook}")
    click.echo(f"Excel から呼ばれるモジュール: {written.module}（同じフォルダに置いたまま使います）")
    signed = "（署名付き）" if written.signed else ""
    click.echo(f"VBA の取得元: {written.vba_source}{signed}")

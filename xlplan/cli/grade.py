"""`xlplan grade`: compute the A–D grade of every measure of a section workbook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..app.grade import GradedWorkbook, grade_workbook, grades_json, write_graded_workbook
from ..io.input_guard import refuse_overwriting_inputs
from ..io.rules_file import load_rules
from .options import FiscalYear, json_option, rules_option

_GRADE_STYLE = {"A": "bold green", "B": "bold blue", "C": "bold yellow", "D": "bold red"}


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="算定評価・根拠・自己評価との差異を「評価」シートに加えたコピーの書き出し先（.xlsx）。元のファイルは変更しません。",
)
@json_option
@rules_option
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help="評価する年度（省略時はブックに記録された年度）。例: 2024、R6、令和6年度",
)
@click.option(
    "--evaluation-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="スケジュールを判定する評価基準日（YYYY-MM-DD）。省略時は年度末（3月31日）。",
)
def grade(
    file: Path,
    output: Path | None,
    as_json: bool,
    rules_path: Path | None,
    fiscal_year: int | None,
    evaluation_date: dt.datetime | None,
) -> None:
    """Grade every measure of a section workbook (A–D, with a Japanese trace).

    With -o, writes a copy with a 評価 sheet; FILE itself is never modified.
    """
    if output is not None:
        refuse_overwriting_inputs([file, rules_path], files=[output])
    rules = load_rules(rules_path)
    graded = grade_workbook(
        file,
        rules,
        fiscal_year=fiscal_year,
        evaluation_date=evaluation_date.date() if evaluation_date else None,
    )
    if output is not None:
        write_graded_workbook(graded, output)
    if as_json:
        click.echo(json.dumps(grades_json(graded), ensure_ascii=False, indent=2))
    else:
        _print(graded, Console())
    if output is not None:
        click.echo(f"評価シートを加えたコピーを書き出しました: {output}", err=as_json)
    if graded.errors:
        click.echo(
            f"注意: {file} には xlplan check のエラーが {graded.errors} 件あります。"
            "誤りのある値は空欄として評価しました（xlplan check で確認してください）。",
            err=True,
        )


def _print(graded: GradedWorkbook, console: Console) -> None:
    table = Table(show_header=True, header_style="bold", expand=False)
    for title in ("施策ID", "施策名", "段階", "評価方法", "算定", "自己", "差異", "評価の根拠"):
        table.add_column(title, overflow="fold")
    for g in graded.grades:
        letter = g.grade.value if g.grade else "－"
        table.add_row(
            g.measure_id,
            graded.names.get(g.measure_id, "")[:24],
            g.stage.value if g.stage else "",
            g.basis.value if g.basis else "",
            f"[{_GRADE_STYLE.get(letter, 'dim')}]{letter}[/]",
            g.self_grade.value if g.self_grade else "",
            "[bold red]要確認[/]" if g.mismatch else "",
            g.summary,
        )
    console.print(table)
    counts = {letter: sum(1 for g in graded.grades if g.grade and g.grade.value == letter) for letter in "ABCD"}
    undetermined = sum(1 for g in graded.grades if g.grade is None)
    mismatches = sum(1 for g in graded.grades if g.mismatch)
    console.print(
        f"{len(graded.grades)} 施策を評価しました（"
        + "・".join(f"{k} {v}" for k, v in counts.items())
        + f"、判定なし {undetermined}）。自己評価と異なる施策: {mismatches} 件。"
    )

"""`xlplan grade`: compute the A–D grade of every measure of section workbooks (files and folders)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..app.grade import (
    GradedWorkbook,
    GradeOutcome,
    grade_paths,
    graded_copy_targets,
    grades_json,
    write_graded_workbook,
)
from ..errors import UsageError, XlplanError
from ..io.input_guard import refuse_overwriting_inputs
from ..io.rules_file import load_rules
from ..io.xlsx.limits import ReadLimits
from .options import FiscalYear, jobs_option, json_option, limit_options, rules_option

_GRADE_STYLE = {"A": "bold green", "B": "bold blue", "C": "bold yellow", "D": "bold red"}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="算定評価・根拠・自己評価との差異を「評価」シートに加えたコピーの書き出し先フォルダ"
    "（1ファイルだけのときは .xlsx のファイル名も可）。元のファイルは変更しません。",
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
@limit_options
@jobs_option
@click.pass_context
def grade(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path | None,
    as_json: bool,
    rules_path: Path | None,
    fiscal_year: int | None,
    evaluation_date: dt.datetime | None,
    limits: ReadLimits,
    jobs: int | None,
) -> None:
    """Grade every measure of section workbooks (files or folders; A–D, with a Japanese trace).

    All files are graded in one run, read in parallel like `check`. With -o DIR, writes a copy
    of each with a 評価 sheet into DIR (for a single FILE, -o may name the .xlsx); the inputs
    are never modified. Exit 0 when every file was graded, 1 when one could not be.
    """
    single = len(paths) == 1 and paths[0].is_file()
    to_file = single and output is not None and output.suffix.lower() in (".xlsx", ".xlsm")
    if output is not None:  # a copy (or -o itself) never replaces an input file or the rules
        refuse_overwriting_inputs([*(p for p in paths if not p.is_dir()), rules_path], files=[output])
    if output is not None and not to_file and output.exists() and not output.is_dir():
        raise UsageError(f"-o {output} はフォルダではありません。コピーの書き出し先フォルダを指定してください。")
    rules = load_rules(rules_path)
    day = evaluation_date.date() if evaluation_date else None
    outcomes = grade_paths(paths, rules, fiscal_year=fiscal_year, evaluation_date=day, jobs=jobs, limits=limits)
    if single and outcomes[0].graded is None:
        raise XlplanError(outcomes[0].problem)
    graded = [o.graded for o in outcomes if o.graded is not None]
    if output is not None:
        targets = {graded[0].path: output} if to_file else graded_copy_targets([g.path for g in graded], output)
        for workbook in graded:
            write_graded_workbook(workbook, targets[workbook.path])
    if single:
        _report_one(graded[0], as_json)
    else:
        _report_many(outcomes, as_json)
    if output is not None:
        click.echo(f"評価シートを加えたコピーを書き出しました: {output}（{len(graded)} 件）", err=as_json)
    for workbook in graded:
        if workbook.errors:
            click.echo(
                f"注意: {workbook.path} には xlplan check のエラーが {workbook.errors} 件あります。"
                "誤りのある値は空欄として評価しました（xlplan check で確認してください）。",
                err=True,
            )
    ctx.exit(0 if all(o.graded is not None for o in outcomes) else 1)


def _report_one(graded: GradedWorkbook, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(grades_json(graded), ensure_ascii=False, indent=2))
    else:
        _print(graded, Console())


def _report_many(outcomes: list[GradeOutcome], as_json: bool) -> None:
    """One row per file (the grades per letter, mismatches); files that could not be graded."""
    if as_json:
        files = [
            {"path": str(o.path), "errors": o.graded.errors, **grades_json(o.graded)}
            if o.graded
            else {"path": str(o.path), "problem": o.problem}
            for o in outcomes
        ]
        click.echo(json.dumps({"files": files}, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(show_header=True, header_style="bold", expand=False)
    for title in ("ファイル", "課所室", "施策", "A", "B", "C", "D", "判定なし", "要確認", "check エラー"):
        table.add_column(title, overflow="fold", justify="left" if title in ("ファイル", "課所室") else "right")
    for outcome in outcomes:
        if outcome.graded is None:
            continue
        g = outcome.graded
        counts = _counts(g)
        section = g.book.section if g.book else ""
        table.add_row(
            outcome.path.name,
            section,
            str(len(g.grades)),
            *(str(counts[k]) for k in "ABCD"),
            str(counts[""]),
            str(sum(1 for m in g.grades if m.mismatch)),
            str(g.errors),
        )
    console.print(table)
    failed = [o for o in outcomes if o.graded is None]
    for outcome in failed:
        console.print(f"[bold red]評価できません[/]: {outcome.problem}", markup=True, highlight=False)
    console.print(
        f"{len(outcomes) - len(failed)} ファイルを評価しました"
        + (f"（評価できないファイル {len(failed)} 件）。" if failed else "。")
    )


def _counts(graded: GradedWorkbook) -> dict[str, int]:
    """Measures per computed letter ("" = no grade determined)."""
    counts = dict.fromkeys(("A", "B", "C", "D", ""), 0)
    for g in graded.grades:
        counts[g.grade.value if g.grade else ""] += 1
    return counts


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
    counts = _counts(graded)
    undetermined = counts.pop("")
    mismatches = sum(1 for g in graded.grades if g.mismatch)
    console.print(
        f"{len(graded.grades)} 施策を評価しました（"
        + "・".join(f"{k} {v}" for k, v in counts.items())
        + f"、判定なし {undetermined}）。自己評価と異なる施策: {mismatches} 件。"
    )

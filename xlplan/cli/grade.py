"""`xlplan grade`: compute the A–D grade of every measure of section workbooks (files and folders)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..app.grade import (
    GradedWorkbook,
    GradeOutcome,
    grade_paths,
    grade_result,
    graded_copy_targets,
    write_graded_workbook,
)
from ..app.result import note_text
from ..core.findings import Code
from ..errors import UsageError, WrongKindError, XlplanError
from ..io.input_guard import refuse_overwriting_inputs
from ..io.rules_file import load_rules
from ..io.xlsx.limits import ReadLimits
from .i18n import current, tr, words
from .options import FiscalYear, jobs_option, limit_options, output_options, rules_option
from .output import emit

_GRADE_STYLE = {"A": "bold green", "B": "bold blue", "C": "bold yellow", "D": "bold red"}


@click.command(
    help=tr(
        "課所室の様式（ファイルかフォルダ）の施策ごとに評価（A〜D）を算定し、根拠を日本語で示します。"
        "-o を付けると「評価」シートを加えたコピーを書き出します（元のファイルは変更しません）。",
        "Grade every measure of section workbooks (files or folders; A–D, with a Japanese trace). With -o, "
        "writes a copy of each with a 評価 sheet; the inputs are never modified.",
    )
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help=tr(
        "算定評価・根拠・自己評価との差異を「評価」シートに加えたコピーの書き出し先フォルダ"
        "（1ファイルだけのときは .xlsx のファイル名も可）。元のファイルは変更しません。",
        "Folder for copies with a 評価 sheet (computed grade, trace, difference from the self-grade); for a "
        "single file, an .xlsx name. The inputs are never modified.",
    ),
)
@output_options
@rules_option
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help=tr(
        "評価する年度（省略時はブックに記録された年度）。例: 2024、R6、令和6年度",
        "The evaluated fiscal year (default: the workbook's). E.g. 2024, R6, 令和6年度",
    ),
)
@click.option(
    "--evaluation-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=tr(
        "スケジュールを判定する評価基準日（YYYY-MM-DD）。省略時は年度末（3月31日）。",
        "The day milestones are judged at (YYYY-MM-DD). Default: the end of the fiscal year (31 March).",
    ),
)
@limit_options
@jobs_option
def grade(
    paths: tuple[Path, ...],
    output: Path | None,
    fmt: str,
    lang: str,
    rules_path: Path | None,
    fiscal_year: int | None,
    evaluation_date: dt.datetime | None,
    limits: ReadLimits,
    jobs: int | None,
) -> int:
    """Grade every measure of section workbooks (files or folders; A–D, with a Japanese trace)."""
    single = len(paths) == 1 and paths[0].is_file()
    to_file = single and output is not None and output.suffix.lower() in (".xlsx", ".xlsm")
    if output is not None:  # a copy (or -o itself) never replaces an input file or the rules
        refuse_overwriting_inputs([*(p for p in paths if not p.is_dir()), rules_path], files=[output])
    if output is not None and not to_file and output.exists() and not output.is_dir():
        raise UsageError(
            f"-o {output} はフォルダではありません。コピーの書き出し先フォルダを指定してください。",
            english=f"-o {output} is not a folder. Give the folder the copies go to.",
        )
    rules = load_rules(rules_path)
    day = evaluation_date.date() if evaluation_date else None
    outcomes = grade_paths(paths, rules, fiscal_year=fiscal_year, evaluation_date=day, jobs=jobs, limits=limits)
    if single and outcomes[0].graded is None:
        report = outcomes[0].report
        master = report is not None and any(f.code is Code.FILE_IS_MASTER for f in report.findings)
        problem = outcomes[0].problem
        raise (WrongKindError if master else XlplanError)(str(problem), english=note_text(problem, "en"))
    graded = [o.graded for o in outcomes if o.graded is not None]
    written: dict[Path, Path] = {}
    if output is not None:
        targets = {graded[0].path: output} if to_file else graded_copy_targets([g.path for g in graded], output)
        for workbook in graded:
            written[workbook.path] = write_graded_workbook(workbook, targets[workbook.path])
    result = grade_result(outcomes, written)

    def tables(console: Console) -> None:
        if single:
            _print(graded[0], console)
        else:
            _report_many(outcomes, console)
        if output is not None:
            console.print(
                words(
                    f"評価シートを加えたコピーを書き出しました: {output}（{len(graded)} 件）",
                    f"Copies with a 評価 sheet written: {output} ({len(graded)})",
                )
            )
        for workbook in graded:
            if workbook.errors:
                console.print(
                    words(
                        f"注意: {workbook.path} には xlplan check のエラーが {workbook.errors} 件あります。"
                        "誤りのある値は空欄として評価しました（xlplan check で確認してください）。",
                        f"Note: {workbook.path} has {workbook.errors} error(s) in xlplan check; the wrong values "
                        "were graded as empty (see xlplan check).",
                    ),
                    markup=False,
                )

    return emit(result, fmt=fmt, lang=lang, human=tables)


def _report_many(outcomes: list[GradeOutcome], console: Console) -> None:
    """One row per file (the grades per letter, mismatches); files that could not be graded."""
    table = Table(show_header=True, header_style="bold", expand=False)
    titles = words(
        "ファイル|課所室|施策|A|B|C|D|判定なし|要確認|check エラー",
        "file|section|measures|A|B|C|D|none|to look at|check errors",
    )
    for index, title in enumerate(titles.split("|")):
        table.add_column(title, overflow="fold", justify="left" if index < 2 else "right")
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
        problem = note_text(outcome.problem, current())
        console.print(
            f"[bold red]{words('評価できません', 'cannot be graded')}[/]: {escape(problem)}",
            highlight=False,
        )
    done = len(outcomes) - len(failed)
    console.print(
        words(
            f"{done} ファイルを評価しました" + (f"（評価できないファイル {len(failed)} 件）。" if failed else "。"),
            f"{done} file(s) graded" + (f" ({len(failed)} could not be)." if failed else "."),
        )
    )


def _counts(graded: GradedWorkbook) -> dict[str, int]:
    """Measures per computed letter ("" = no grade determined)."""
    counts = dict.fromkeys(("A", "B", "C", "D", ""), 0)
    for g in graded.grades:
        counts[g.grade.value if g.grade else ""] += 1
    return counts


def _print(graded: GradedWorkbook, console: Console) -> None:
    table = Table(show_header=True, header_style="bold", expand=False)
    titles = words(
        "施策ID|施策名|段階|評価方法|算定|自己|差異|評価の根拠", "measure|name|stage|basis|grade|self|differs|trace"
    )
    for title in titles.split("|"):
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
            f"[bold red]{words('要確認', 'check')}[/]" if g.mismatch else "",
            g.summary,
        )
    console.print(table)
    counts = _counts(graded)
    undetermined = counts.pop("")
    mismatches = sum(1 for g in graded.grades if g.mismatch)
    letters = words("・", ", ").join(f"{k} {v}" for k, v in counts.items())
    console.print(
        words(
            f"{len(graded.grades)} 施策を評価しました（{letters}、判定なし {undetermined}）。"
            f"自己評価と異なる施策: {mismatches} 件。",
            f"{len(graded.grades)} measures graded ({letters}, none {undetermined}). "
            f"Differing from the self-grade: {mismatches}.",
        )
    )

"""`xlplan demo`: run the whole job on the bundled sample plan."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from ..app.demo import DemoResult, run_demo
from ..app.result import note_text
from ..core.enums import Basis, Severity
from ..report.pdf_engine import PdfChoice
from ..sample import AS_PUBLISHED, VARIANTS, WORKED
from .i18n import current, tr, words
from .options import output_options, pdf_options
from .output import emit


@click.command(
    help=tr(
        "同梱のサンプル計画（秋田市 令和6年度、68施策）で一連の業務を実行します。"
        "LibreOffice も Excel もなければ施策カードのPDF以外を書き出し、注意を表示します（終了コード0）。",
        "Run the bundled sample plan (秋田市 令和6年度, 68 measures) through the whole job. Without LibreOffice "
        "or Excel everything but the cards PDF is written, with a note (exit 0).",
    )
)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("xlplan-demo"),
    show_default=True,
    help=tr("出力先フォルダ。", "Output folder."),
)
@pdf_options
@click.option(
    "--variant",
    type=click.Choice(VARIANTS),
    default=WORKED,
    show_default=True,
    help=tr(
        "as-published: 監査報告書に書かれていることだけ。worked: 転記者が工程・指標区分などを補った版。",
        "as-published: only what the audit report says. worked: with the milestones and KPI types the "
        "transcriber added.",
    ),
)
@output_options
def demo(directory: Path, pdf: PdfChoice, variant: str, fmt: str, lang: str) -> int:
    """Run the bundled sample plan (秋田市 令和6年度, 68 measures) through the whole job."""
    console = Console(stderr=True)
    started = time.perf_counter()
    with console.status(words("課所室別の調査票を作成しています…", "Writing the section workbooks…")) as status:
        result = run_demo(
            directory,
            pdf=pdf,
            progress=lambda step: status.update(words(f"実行中: {step}", f"Running: {note_text(step, 'en')}")),
            variant=variant,
        )
    command = result.command_result()
    return emit(command, fmt=fmt, lang=lang, human=lambda _: _print(result, directory, variant, started))


# what each output of the demo is, for people (the JSON envelope gives the stable kind)
_OUTPUT_LABELS = {
    "sections": ("課所室別の調査票", "Section workbooks"),
    "graded-copies": ("評価シート付きの写し", "Copies with their grade sheet"),
    "master": ("マスター計画", "Master plan"),
    "report": ("報告資料", "Council pack"),
}


def _print(result: DemoResult, directory: Path, variant: str, started: float) -> None:
    """What the demo did, step by step, in the language of the run."""
    errors = sum(c.report.count(Severity.ERROR) for c in result.checked)
    warnings = sum(c.report.count(Severity.WARNING) for c in result.checked)
    failed = [c for c in result.checked if not c.report.ok]
    lang = current()
    say = click.echo
    say(
        words(
            f"サンプル計画（秋田市デジタル化推進計画2.0、令和6年度実績、{variant}）を {directory} に展開しました。",
            f"The sample plan (Akita City digitalization plan 2.0, FY2024 results, {variant}) is in {directory}.",
        )
    )
    say(
        words(
            f"  課所室別の調査票: {len(result.section_files)} 件", f"  Section workbooks: {len(result.section_files)}"
        )
    )
    say(
        words(
            f"  入力チェック: エラー {errors} 件、警告 {warnings} 件（要修正のファイル {len(failed)} 件）",
            f"  Input check: {errors} error(s), {warnings} warning(s) ({len(failed)} file(s) to fix)",
        )
    )
    for checked in failed:
        for finding in checked.report.findings:
            if finding.severity is Severity.ERROR:
                say(f"    {Path(checked.report.path).name} {finding.address}: {finding.message(lang)}")
    same, compared = result.grade_agreement()
    graded = sum(1 for w in result.graded for g in w.grades if g.grade)
    say(
        words(
            f"  進捗評価: {graded} 施策を算定、自己評価と一致 {same}/{compared} 施策",
            f"  Grades: {graded} measures graded, {same}/{compared} equal to the self-grade",
        )
    )
    say(_grade_caveat(result))
    if result.consolidation is not None:
        plan = result.consolidation.plan
        total = plan.budget_total()
        say(
            words(
                f"  集約: 施策 {len(plan.measures)}、予算事業 {len(plan.projects)}、"
                f"当初予算 {total.initial:,} 千円・決算 {total.settlement:,} 千円（共通事業は1回だけ計上）",
                f"  Consolidated: {len(plan.measures)} measures, {len(plan.projects)} budget projects, "
                f"initial budget {total.initial:,} thousand yen, settlement {total.settlement:,} thousand yen "
                "(shared projects counted once)",
            )
        )
    if result.lint is not None:
        say(
            words(
                f"  監査観点の点検: {len(result.lint.findings)} 件（マスターの「監査観点」シートと報告資料に掲載）",
                f"  Audit checks: {len(result.lint.findings)} finding(s) (in the master's 監査観点 sheet and the "
                "council pack)",
            )
        )
    say(words("出力:", "Outputs:"))
    for kind, path in result.outputs.items():
        label = _OUTPUT_LABELS.get(kind, (kind, kind))
        say(f"  {words(*label)}: {path}")
    for note in result.report.notes if result.report else ():
        say(words("注意: ", "Note: ") + note_text(note, lang))
    say(words(f"所要時間 {time.perf_counter() - started:.1f} 秒", f"Took {time.perf_counter() - started:.1f} s"))


def _grade_caveat(result: DemoResult) -> str:
    """What the grade figures rest on: the report's own numbers, or our constructed milestones."""
    grades = [g for w in result.graded for g in w.grades if g.self_grade is not None]
    schedule = [g for g in grades if g.basis is Basis.SCHEDULE]
    kpi = sum(1 for g in grades if g.basis is Basis.KPI and g.grade is not None)
    if result.variant == AS_PUBLISHED:
        ungraded = sum(1 for g in schedule if g.grade is None)
        return words(
            f"    評価指標の {kpi} 施策は報告書の基準値・目標値・実績値から再計算しました。"
            f"スケジュール管理の {ungraded} 施策は判定不可（マイルストーン未登録）: 報告書は工程を公表していません。",
            f"    The {kpi} KPI-graded measures were recomputed from the report's baselines, targets and results. "
            f"The {ungraded} schedule-graded measures cannot be graded (no milestones): the report does not "
            "publish them.",
        )
    return words(
        f"    評価指標の {kpi} 施策は報告書の数値から再計算。スケジュール管理の {len(schedule)} 施策の評価は、"
        "公表された評価が導かれるよう転記者が構成した工程によるもので、市の評価の検証ではありません。",
        f"    The {kpi} KPI-graded measures were recomputed from the report's figures. The grades of the "
        f"{len(schedule)} schedule-graded measures rest on milestones the transcriber built so that the published "
        "grades follow: they do not verify the city's grading.",
    )

"""`xlplan revise`: the next version of the plan (第2.x版), its 新旧対照表 and next year's workbooks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.console import Console

from ..app.result import CommandResult, Output
from ..app.revise import ReviseResult, write_changes_template
from ..app.revise import revise as run_revise
from ..core.enums import Severity
from ..core.fiscal import fy_label
from ..core.revision.changes import ChangeKind
from ..errors import UsageError
from .i18n import tr, words
from .options import output_options, rules_option
from .output import emit, print_by_code
from .render import print_reports

# the 新旧対照表 kinds and the decisions on proposals (Japanese values in the workbooks), in English
_REVISION_WORDS = {
    ChangeKind.ADDED.value: "added",
    ChangeKind.MERGED.value: "merged",
    ChangeKind.RETIRED.value: "retired",
    ChangeKind.RENAMED.value: "renamed",
    ChangeKind.OWNER.value: "owner changed",
    ChangeKind.STAGE.value: "stage changed",
    ChangeKind.KPI_ADDED.value: "KPI added",
    ChangeKind.KPI_REDEFINED.value: "KPI redefined",
    ChangeKind.BASELINE.value: "baseline changed",
    ChangeKind.TARGET.value: "target changed",
    "採用": "accepted",
    "不採用": "rejected",
    "未判断": "undecided",
}


@click.command(
    help=tr(
        "次年度に向けて計画を改訂します: 新しいマスター、新旧対照表（CSVとシート）、来年度の調査票。"
        "--changes-template では本部が記入する変更ワークブックを書き出します。"
        "変更を受け付けられないときは何も書き出しません（終了コード1）。",
        "Revise the plan for next fiscal year: new master, 新旧対照表 (CSV and sheet), section workbooks. With "
        "--changes-template, write the changes workbook HQ fills in instead. When a change is refused nothing "
        "is written (exit 1).",
    )
)
@click.argument("master", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help=tr(
        "出力先フォルダ（--changes-template のときは書き出す .xlsx）。",
        "Output folder (with --changes-template, the .xlsx to write).",
    ),
)
@click.option(
    "--to-version",
    default=None,
    help=tr(
        "新しい版（例: 2.2）。省略時は次の版（2.1 → 2.2）。",
        "The new version (e.g. 2.2). Default: the next (2.1 → 2.2).",
    ),
)
@click.option(
    "--changes",
    "changes_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr(
        "本部が記入した変更ワークブック（追加・廃止・統合・名称・担当・段階・指標の変更と改訂案の採否）。",
        "The changes workbook HQ filled in (new, retired, merged measures; names, owners, stages, KPIs; "
        "decisions on the proposals).",
    ),
)
@click.option(
    "--changes-template",
    is_flag=True,
    help=tr(
        "変更ワークブックの様式を -o に書き出します。MASTER を指定すると改訂案と施策一覧を記入済みにします。",
        "Write the changes workbook to -o; with MASTER, pre-filled with the proposals and the measures.",
    ),
)
@rules_option
@output_options
def revise(
    master: Path | None,
    output: Path,
    to_version: str | None,
    changes_path: Path | None,
    changes_template: bool,
    rules_path: Path | None,
    fmt: str,
    lang: str,
) -> int:
    """Revise the plan for next fiscal year: new master, 新旧対照表 (CSV and sheet), section workbooks."""
    if changes_template:
        if changes_path is not None:
            raise UsageError(
                "--changes-template と --changes は同時に指定できません。",
                english="--changes-template and --changes cannot be used together.",
            )
        written = write_changes_template(output, master=master, to_version=to_version, rules=rules_path)
        template = CommandResult("revise", outputs=[Output("changes-template", str(written))])
        return emit(
            template,
            fmt=fmt,
            lang=lang,
            human=lambda c: c.print(
                words("変更ワークブックを書き出しました: ", "Changes workbook written: ") + str(written), markup=False
            ),
        )
    if master is None:
        raise UsageError(
            "改訂するマスター（MASTER）を指定してください。例: xlplan revise 計画_第2.0版.xlsx -o 改訂",
            english="Give the master to revise (MASTER). E.g. xlplan revise plan_2.0.xlsx -o revised",
        )
    with Console(stderr=True).status(
        words("改訂しています（来年度の調査票の作成を含みます）…", "Revising (next year's section workbooks too)…")
    ):
        revised = run_revise(master, output, to_version=to_version, changes=changes_path, rules=rules_path)
    result = revised.command_result(master, changes_path)
    return emit(result, fmt=fmt, lang=lang, human=lambda console: _print(revised, result, console, lang))


def _print(result: ReviseResult, command: CommandResult, console: Console, lang: str) -> None:
    old, new = result.old, result.revision.plan
    if result.findings:
        print_reports([f for f in command.files if f.findings], console, lang=lang)
        print_by_code(command, console, lang)
    if not result.ok:
        errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
        console.print(
            words(
                f"[bold red]エラーが {errors} 件あるため、何も書き出していません。[/]",
                f"[bold red]{errors} error(s): nothing was written.[/]",
            )
        )
        console.print(words("指摘のセルを直して、もう一度実行してください。", "Fix the cells named and run it again."))
        return
    kinds = Counter(str(r.kind) for r in result.revision.comparison)
    decided = Counter(d.decision.value if d.decision else "未判断" for d in result.decisions)
    before, after = (
        words(
            f"第{plan.version}版（{fy_label(plan.evaluated_fy)}）",
            f"version {plan.version} ({fy_label(plan.evaluated_fy, lang=lang)})",
        )
        for plan in (old, new)
    )
    console.print(words(f"{before}→ {after}に改訂しました。", f"Revised {before} → {after}."))
    shown = (lambda k: k) if lang == "ja" else (lambda k: _REVISION_WORDS.get(k, k))
    summary = words("・", ", ").join(f"{shown(k)} {n}" for k, n in kinds.items()) or words("変更なし", "no change")
    rows, proposals = len(result.revision.comparison), len(result.decisions)
    decisions = words("・", ", ").join(f"{shown(k)} {decided.get(k, 0)}" for k in ("採用", "不採用", "未判断"))
    console.print(words(f"  新旧対照表: {rows} 件（{summary}）", f"  Comparison (新旧対照表): {rows} ({summary})"))
    console.print(words(f"  改訂案: {proposals} 件（{decisions}）", f"  Proposals: {proposals} ({decisions})"))
    labels = {
        "master": words("計画（マスター）", "Plan (master)"),
        "book": words("改訂資料", "Revision workbook"),
        "csv": words("新旧対照表（CSV）", "Comparison (CSV)"),
        "sections": words("来年度の調査票", "Next year's section workbooks"),
    }
    for key, path in result.outputs.items():
        extra = words(f" {len(result.sections)} 件", f" {len(result.sections)}") if key == "sections" else ""
        console.print(f"  {labels[key]}:{extra} {path}")

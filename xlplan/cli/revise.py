"""`xlplan revise`: the next version of the plan (第2.x版), its 新旧対照表 and next year's workbooks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
from rich.console import Console

from ..app.revise import ReviseResult, write_changes_template
from ..app.revise import revise as run_revise
from ..core.enums import Severity
from ..core.findings import FileReport
from ..core.fiscal import fy_label
from ..errors import UsageError
from .options import json_option, lang_option, rules_option
from .render import print_reports


@click.command()
@click.argument("master", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="出力先フォルダ（--changes-template のときは書き出す .xlsx）。",
)
@click.option("--to-version", default=None, help="新しい版（例: 2.2）。省略時は次の版（2.1 → 2.2）。")
@click.option(
    "--changes",
    "changes_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="本部が記入した変更ワークブック（追加・廃止・統合・名称・担当・段階・指標の変更と改訂案の採否）。",
)
@click.option(
    "--changes-template",
    is_flag=True,
    help="変更ワークブックの様式を -o に書き出します。MASTER を指定すると改訂案と施策一覧を記入済みにします。",
)
@rules_option
@json_option
@lang_option
@click.pass_context
def revise(
    ctx: click.Context,
    master: Path | None,
    output: Path,
    to_version: str | None,
    changes_path: Path | None,
    changes_template: bool,
    rules_path: Path | None,
    as_json: bool,
    lang: str,
) -> None:
    """Revise the plan for next fiscal year: new master, 新旧対照表 (CSV and sheet), section workbooks.

    With --changes-template, write the changes workbook HQ fills in instead. Exit 0 when the
    revision was written, 1 when a change was refused (nothing is written then), 2 on usage.
    """
    if changes_template:
        if changes_path is not None:
            raise UsageError("--changes-template と --changes は同時に指定できません。")
        written = write_changes_template(output, master=master, to_version=to_version, rules=rules_path)
        click.echo(f"変更ワークブックを書き出しました: {written}")
        return
    if master is None:
        raise UsageError("改訂するマスター（MASTER）を指定してください。例: xlplan revise 計画_第2.0版.xlsx -o 改訂")
    with Console(stderr=True).status("改訂しています（来年度の調査票の作成を含みます）…"):
        result = run_revise(master, output, to_version=to_version, changes=changes_path, rules=rules_path)
    if as_json:
        click.echo(json.dumps(_document(result, lang), ensure_ascii=False, indent=2))
    else:
        _print(result, Console(), lang, changes_path)
    ctx.exit(0 if result.ok else 1)


def _document(result: ReviseResult, lang: str) -> dict[str, object]:
    new = result.revision.plan
    return {
        "ok": result.ok,
        "from_version": result.old.version,
        "to_version": new.version,
        "fiscal_year": new.evaluated_fy,
        "comparison": [
            {
                "kind": str(r.kind),
                "measure_id": r.measure_id,
                "name": r.name,
                "kpi_id": r.kpi_id,
                "item": r.item,
                "old": r.old,
                "new": r.new,
                "reason": r.reason,
            }
            for r in result.revision.comparison
        ],
        "proposals": [
            {
                "measure_id": d.proposal.measure_id,
                "from_stage": d.proposal.from_stage.value,
                "to_stage": d.proposal.to_stage.value,
                "rule": str(d.proposal.rule),
                "decision": d.decision.value if d.decision else None,
            }
            for d in result.decisions
        ],
        "findings": [{"file": f.file, **f.to_dict(lang)} for f in result.findings],
        "outputs": {label: str(path) for label, path in result.outputs.items()},
        "section_workbooks": len(result.sections),
    }


def _print(result: ReviseResult, console: Console, lang: str, changes: Path | None) -> None:
    old, new = result.old, result.revision.plan
    if result.findings:
        by_file: dict[str, FileReport] = {}
        for finding in result.findings:
            name = finding.file or (str(changes) if changes else "（改訂）")
            by_file.setdefault(name, FileReport(name)).findings.append(finding)
        print_reports(list(by_file.values()), console, lang=lang)
    if not result.ok:
        errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
        console.print(f"[bold red]エラーが {errors} 件あるため、何も書き出していません。[/]")
        console.print("指摘のセルを直して、もう一度実行してください。")
        return
    kinds = Counter(str(r.kind) for r in result.revision.comparison)
    decided = Counter(d.decision.value if d.decision else "未判断" for d in result.decisions)
    before, after = (
        f"第{old.version}版（{fy_label(old.evaluated_fy)}）",
        f"第{new.version}版（{fy_label(new.evaluated_fy)}）",
    )
    console.print(f"{before}→ {after}に改訂しました。")
    summary = "・".join(f"{k} {n}" for k, n in kinds.items()) or "変更なし"
    console.print(f"  新旧対照表: {len(result.revision.comparison)} 件（{summary}）")
    console.print(
        f"  改訂案: {len(result.decisions)} 件（"
        + "・".join(f"{k} {decided.get(k, 0)}" for k in ("採用", "不採用", "未判断"))
        + "）"
    )
    labels = {
        "master": "計画（マスター）",
        "book": "改訂資料",
        "csv": "新旧対照表（CSV）",
        "sections": "来年度の調査票",
    }
    for key, path in result.outputs.items():
        extra = f" {len(result.sections)} 件" if key == "sections" else ""
        console.print(f"  {labels[key]}:{extra} {path}")

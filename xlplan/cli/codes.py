"""`xlplan codes`: every finding code with its severity, what it means and how to fix it."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ..app.result import CommandResult
from ..core.findings import CodeInfo, code_catalog
from .i18n import tr, words
from .options import output_options
from .output import emit, print_csv
from .render import SEVERITY_LABEL

__all__ = ["codes", "codes_result"]


def codes_result() -> CommandResult:
    """The catalog as a result: one entry per code, in both languages (payload key `codes`)."""
    return CommandResult("codes", payload_key="codes", payload=[_entry(info) for info in code_catalog()])


def _entry(info: CodeInfo) -> dict[str, object]:
    return {
        "code": str(info.code),
        "severity": str(info.severity),
        "meaning": {"ja": info.meaning("ja"), "en": info.meaning("en")},
        "fix": {"ja": info.fix("ja"), "en": info.fix("en")},
    }


@click.command(
    help=tr(
        "指摘のコードの一覧（区分・意味・直し方）を表示します。--skip にはここにあるコードだけを指定できます。",
        "List every finding code with its severity, meaning and fix. --skip takes only these codes.",
    )
)
@output_options
def codes(fmt: str, lang: str) -> int:
    """List the finding codes (the one catalog in core.findings and core.messages)."""
    catalog = code_catalog()
    if fmt == "csv":
        headers = words("コード|区分|意味|直し方", "code|severity|meaning|fix").split("|")
        rows = [(str(i.code), SEVERITY_LABEL[lang][i.severity], i.meaning(lang), i.fix(lang)) for i in catalog]
        print_csv(headers, rows)
        return 0

    def table(console: Console) -> None:
        shown = Table(show_header=True, header_style="bold", expand=False)
        for title in words("コード|区分|意味|直し方", "code|severity|meaning|fix").split("|"):
            shown.add_column(title, overflow="fold")
        for info in catalog:
            shown.add_row(str(info.code), SEVERITY_LABEL[lang][info.severity], info.meaning(lang), info.fix(lang))
        console.print(shown)
        console.print(words(f"{len(catalog)} 件のコード。", f"{len(catalog)} codes."))

    return emit(codes_result(), fmt=fmt, lang=lang, human=table)

"""The `xlplan` command group. The one place where errors become exit codes."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import XlplanError
from .check import check
from .consolidate import consolidate_command
from .demo import demo
from .excel import excel
from .grade import grade
from .lint import lint
from .report import report
from .revise import revise
from .template import template


class _Group(click.Group):
    """Turns XlplanError into a message and its exit code; nothing else is caught here."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except XlplanError as error:
            click.echo(f"エラー: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlplan")
def cli() -> None:
    """xlplan: デジタル化推進計画をExcelで運用するためのツール。

    Sections fill in plain .xlsx workbooks; HQ checks, grades and consolidates them.
    """


cli.add_command(check)
cli.add_command(consolidate_command)
cli.add_command(demo)
cli.add_command(excel)
cli.add_command(grade)
cli.add_command(lint)
cli.add_command(report)
cli.add_command(revise)
cli.add_command(template)

"""The `xlplan` command group. The one place where errors become exit codes."""

from __future__ import annotations

import codecs
import contextlib
import errno
import importlib
import io
import sys

import click

from .. import __version__
from ..errors import OutputError, XlplanError, os_error_of, shown_text

# Each command's module is imported when the command runs (click's lazy-loading pattern): the
# command starts without pandas and openpyxl, and so do the worker processes that read
# workbooks, which import the main script again when they are spawned.
_COMMANDS = {
    "check": "check:check",
    "consolidate": "consolidate:consolidate_command",
    "demo": "demo:demo",
    "excel": "excel:excel",
    "grade": "grade:grade",
    "lint": "lint:lint",
    "report": "report:report",
    "revise": "revise:revise",
    "template": "template:template",
}


class _Group(click.Group):
    """Loads commands on demand; turns XlplanError into a message and its exit code.

    Exit codes: 1 a finding or failure the user can fix, 2 a wrong command line (or an output
    over an input), 3 nothing could be written. An OS error that can only come from the output
    side (full disk, read-only file system) and escaped the writers is reported as exit 3 too.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS and cmd_name not in self.commands:
            module, _, attribute = _COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(f"{__package__}.{module}"), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        _show_undecodable_names()
        try:
            return super().invoke(ctx)
        except XlplanError as error:
            click.echo(f"エラー: {shown_text(str(error))}", err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            cause = os_error_of(error)
            if cause is None or cause.errno not in _OUTPUT_SIDE:
                raise
            output = OutputError.from_os_error(cause, cause.filename or "（出力先）")
            click.echo(f"エラー: {output}", err=True)
            sys.exit(output.exit_code)


def _show_undecodable_names() -> None:
    """Print a file name that is not valid UTF-8 (surrogate escapes) with � per bad byte, wherever it is printed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            stream.reconfigure(errors=_SHOWN)


def _replacement_character(error: UnicodeError) -> tuple[bytes | str, int]:
    """One � (in the stream's encoding; ? where it has none) for each character that cannot be encoded."""
    assert isinstance(error, UnicodeEncodeError)
    count = error.end - error.start
    try:
        return "\ufffd".encode(error.encoding) * count, error.end  # the UTF-8 encoder takes bytes, not text, here
    except (UnicodeError, LookupError):
        return "?" * count, error.end


_SHOWN = "xlplan-replacement-character"
codecs.register_error(_SHOWN, _replacement_character)  # type: ignore[arg-type]

# errors no read can cause: whatever escaped with one of these failed to write
_OUTPUT_SIDE = frozenset({errno.EROFS, errno.ENOSPC, errno.EDQUOT})


def _print_version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    """--version: the version, and the rules file the commands use unless given --rules."""
    if not value or ctx.resilient_parsing:
        return
    import tomllib
    from importlib import resources

    from ..io.rules_file import DEFAULT_RULES

    rules = resources.files("xlplan.rules").joinpath(DEFAULT_RULES)
    name = tomllib.loads(rules.read_text(encoding="utf-8")).get("name", "")
    click.echo(f"xlplan, version {__version__}")
    click.echo(f"評価基準ファイル: {rules}（{name}。各コマンドの --rules で別のファイルを指定できます）")
    click.echo(f"Python {sys.version.split()[0]}（{sys.executable}）")
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="バージョンと、使われる評価基準ファイルを表示します。",
)
def cli() -> None:
    """xlplan: デジタル化推進計画をExcelで運用するためのツール。

    Sections fill in plain .xlsx workbooks; HQ checks, grades and consolidates them.
    """

"""The `xlplan` command group. The one place where errors become exit codes."""

from __future__ import annotations

import codecs
import contextlib
import errno
import importlib
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from .. import __version__
from ..errors import OutputError, XlplanError, os_error_of, shown_text
from .i18n import current, language_of, localize, tr, use_language, words

# Each command's module is imported when the command runs (click's lazy-loading pattern): the
# command starts without pandas and openpyxl, and so do the worker processes that read
# workbooks, which import the main script again when they are spawned.
_COMMANDS = {
    "check": "check:check",
    "codes": "codes:codes",
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
    """Loads commands on demand; `main` is the one place that turns every outcome into an exit code.

    Exit codes (README, "Exit codes"): 0 clean; 1 the run found problems at the error level
    (`lint`: the warning level); 2 the command line or an input cannot be used (a usage error,
    no workbook found, a workbook of the wrong kind, an unknown --skip code); 3 nothing could
    be written. An OS error that can only come from the output side (full disk, read-only file
    system) and escaped the writers is reported as exit 3 too. Commands return their exit code;
    nothing exits inside `invoke`, so ``cli.main(args, standalone_mode=False)`` returns it.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS and cmd_name not in self.commands:
            module, _, attribute = _COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(f"{__package__}.{module}"), attribute), cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            localize(command, current())
        return command

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run a command line; exit with its code (standalone) or return the code."""
        argv = list(sys.argv[1:] if args is None else args)
        lang = language_of(argv)
        _show_undecodable_names()
        with use_language(lang):
            localize(self, lang)
            code = self._run(argv, prog_name, complete_var, lang, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, argv: list[str], prog_name: str | None, complete_var: str | None, lang: str, **extra: Any) -> int:
        command = next((a for a in argv if a in _COMMANDS), "")
        as_json = _wants_json(argv)
        try:
            returned = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            return _fail(command, as_json, 2, "usage", error.format_message(), click_error=error)
        except click.Abort:
            message = words(
                "中断しました。書きかけのファイルは残していません（前回の出力はそのままです）。もう一度実行してください。",
                "Interrupted. No half-written file is left (an earlier output is as it was). Run the command again.",
            )
            if as_json:
                return _fail(command, as_json, INTERRUPTED, "interrupted", message)
            click.echo(message, err=True)  # not an error of the user's: no 「エラー:」
            return INTERRUPTED
        except XlplanError as error:
            return _fail(command, as_json, error.exit_code, error.code, error.message(lang))
        except Exception as error:
            cause = os_error_of(error)
            if cause is None or cause.errno not in _OUTPUT_SIDE:
                raise
            output = OutputError.from_os_error(cause, cause.filename or words("（出力先）", "(the output)"))
            return _fail(command, as_json, output.exit_code, output.code, output.message(lang))
        return returned if isinstance(returned, int) else 0


INTERRUPTED = 130  # Ctrl-C, as shells report it


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (read before parsing, so a usage error can be JSON too)."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--json" or arg == "--format=json" or (arg == "--format" and argv[index + 1 : index + 2] == ["json"]):
            return True
    return False


def _fail(
    command: str,
    as_json: bool,
    exit_code: int,
    code: str,
    message: str,
    click_error: click.ClickException | None = None,
) -> int:
    """Say why the run stopped: the JSON envelope on stdout under --json, else a line on stderr."""
    if as_json:
        from ..app.result import error_envelope  # the envelope only when asked: `xlplan` starts light

        document = error_envelope(command, exit_code, code, shown_text(message))
        click.echo(shown_text(json.dumps(document, ensure_ascii=False, indent=2)))
    elif click_error is not None:
        click_error.show()
    else:
        click.echo(words("エラー: ", "Error: ") + shown_text(message), err=True)
    return exit_code


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
    click.echo(
        words(
            f"評価基準ファイル: {rules}（{name}。各コマンドの --rules で別のファイルを指定できます）",
            f"Rules file: {rules} ({name}; each command takes another with --rules)",
        )
    )
    click.echo(f"Python {sys.version.split()[0]}（{sys.executable}）")
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help=tr("バージョンと、使われる評価基準ファイルを表示します。", "Show the version and the rules file in use."),
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default="ja",
    expose_value=False,
    help=tr(
        "表示の言語（各コマンドの --lang、環境変数 XLPLAN_LANG と同じ）。",
        "Language of the output (same as each command's --lang, or XLPLAN_LANG).",
    ),
)
def cli() -> None:
    """The command group: sections fill in plain .xlsx workbooks; HQ checks, grades and consolidates them."""


cli.help = tr(
    """xlplan: デジタル化推進計画をExcelで運用するためのツール。

    課所室が記入した .xlsx を本部が確認・評価・集約し、監査の点検、議会への報告、次年度の改訂まで行います。

    終了コード: 0 問題なし、1 エラーの指摘あり（lint は警告）、2 コマンドや入力の誤り、3 書き出せない。""",
    """xlplan: run a digitalization plan in Excel.

    Sections fill in plain .xlsx workbooks; HQ checks, grades and consolidates them, runs the
    auditor's checks, reports to the council and revises the plan for next year.

    Exit codes: 0 clean, 1 findings at the error level (lint: warnings), 2 wrong command line
    or input, 3 nothing could be written.""",
)

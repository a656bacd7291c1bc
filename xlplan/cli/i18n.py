"""The language of the command line: Japanese by default, English with --lang en or XLPLAN_LANG=en.

Three things follow the language:

- click's own messages ("Missing option", "Usage:", "Show this message and exit."): click
  looks them up through `gettext` in each of its modules; `use_language` replaces those
  lookups with this module's table while a command runs.
- help texts: each is written as `tr("日本語", "English")`, which returns the Japanese and
  remembers the English; `localize` swaps them on a command's parameters before it parses.
- everything the commands print, which picks its words from `lang` (see `words`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence

import click

__all__ = ["ENV", "LANGS", "current", "language_of", "localize", "tr", "untranslated", "use_language", "words"]

ENV = "XLPLAN_LANG"
LANGS = ("ja", "en")

_current = "ja"
_ENGLISH: dict[str, str] = {}  # Japanese help text → English

# click's message ids (its English source strings) → Japanese. Placeholders are kept.
_CLICK_JA: dict[str, str] = {
    "Usage:": "使い方:",
    "Options": "オプション",
    "Commands": "コマンド",
    "Show this message and exit.": "このヘルプを表示して終了します。",
    "Show the version and exit.": "バージョンを表示して終了します。",
    "Error: {message}": "エラー: {message}",
    "Try '{command} {option}' for help.": "'{command} {option}' で使い方を表示します。",
    "Missing command.": "コマンドを指定してください。",
    "Missing argument": "指定されていない引数:",
    "Missing option": "指定されていないオプション:",
    "Missing parameter": "指定されていない値:",
    "Missing {param_type}": "{param_type}がありません",
    "Missing parameter: {param_name}": "値がありません: {param_name}",
    "argument": "引数",
    "option": "オプション",
    "parameter": "値",
    "No such option: {name}": "そのようなオプションはありません: {name}",
    "No such option {name!r}.": "そのようなオプションはありません: {name!r}",
    "No such command {name!r}.": "そのようなコマンドはありません: {name!r}。",
    "Did you mean {possibility}?": "{possibility} のことですか？",
    "(Possible options: {possibilities})": "（候補: {possibilities}）",
    "(Did you mean one of: {possibilities}?)": "（候補: {possibilities}）",
    "Invalid value: {message}": "値が正しくありません: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} の値が正しくありません: {message}",
    "Got unexpected extra argument ({args})": "余分な引数があります（{args}）",
    "Got unexpected extra arguments ({args})": "余分な引数があります（{args}）",
    "Option {name!r} requires an argument.": "オプション {name!r} には値が必要です。",
    "Option {name!r} requires {nargs} arguments.": "オプション {name!r} には値が {nargs} 個必要です。",
    "Option {name!r} does not take a value.": "オプション {name!r} は値をとりません。",
    "Argument {name!r} takes {nargs} values.": "引数 {name!r} は値を {nargs} 個とります。",
    "{value!r} is not {choice}.": "{value!r} は {choice} ではありません。",
    "{value!r} is not one of {choices}.": "{value!r} は {choices} のどれでもありません。",
    "{value!r} is not a valid {number_type}.": "{value!r} は{number_type}として読めません。",
    "{value} is not in the range {range}.": "{value} は範囲 {range} の外です。",
    "{value!r} does not match the format {format}.": "{value!r} は形式 {format} に合いません。",
    "{value!r} does not match the formats {formats}.": "{value!r} は形式 {formats} のどれにも合いません。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} は真偽値として読めません（{states}）",
    "integer": "整数",
    "float": "数値",
    "file": "ファイル",
    "directory": "フォルダ",
    "path": "パス",
    "{name} {filename!r} does not exist.": "{name} {filename!r} がありません。",
    "{name} {filename!r} is a file.": "{name} {filename!r} はファイルです。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} はフォルダです。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} を読めません。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} に書き込めません。",
    "Could not open file {filename!r}: {message}": "ファイル {filename!r} を開けません: {message}",
    "default: {default}": "既定: {default}",
    "env var: {var}": "環境変数: {var}",
    "required": "必須",
    "Aborted!": "中断しました。",
    "Choose from:\n\t{choices}": "次から選んでください:\n\t{choices}",
}

# click's modules that call gettext; each gets `_`/`ngettext` bound to this module while a command runs
_CLICK_MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui")


def tr(japanese: str, english: str) -> str:
    """A help text in both languages: returns the Japanese (shown by default) and keeps the English.

    :param japanese: the text shown by default.
    :param english: the text shown with --lang en.
    """
    _ENGLISH[japanese] = english
    return japanese


def current() -> str:
    """The language of this run: "ja" or "en"."""
    return _current


def words(japanese: str, english: str) -> str:
    """One of two wordings, by the language of this run (for text the commands print)."""
    return english if _current == "en" else japanese


def language_of(args: Sequence[str]) -> str:
    """The language a command line asks for: --lang anywhere before `--`, else XLPLAN_LANG, else ja."""
    chosen = os.environ.get(ENV, "").strip().lower()
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1].strip().lower()
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2].strip().lower()
    return chosen if chosen in LANGS else "ja"


def _gettext(message: str) -> str:
    return _CLICK_JA.get(message, message) if _current == "ja" else message


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Run with `lang` as the language of click's messages and of the commands' words."""
    global _current
    import importlib

    modules = [importlib.import_module(f"click.{name}") for name in _CLICK_MODULES]
    saved = [(m, getattr(m, "_", None), getattr(m, "ngettext", None)) for m in modules]
    previous, _current = _current, lang
    for module in modules:
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _current = previous
        for module, underscore, plural in saved:
            if underscore is not None:
                module._ = underscore  # type: ignore[attr-defined]
            if plural is not None:
                module.ngettext = plural  # type: ignore[attr-defined]


def _path_word(kind: click.Path, lang: str) -> str:
    """click's word for a path ("file", "directory", "path") in `lang`.

    click picks it once, when the command's parameters are built, in whatever language was
    current then; a second command run in the same process (tests, the demo) must not inherit it.
    """
    if kind.file_okay and not kind.dir_okay:
        english = "file"
    elif kind.dir_okay and not kind.file_okay:
        english = "directory"
    else:
        english = "path"
    return _CLICK_JA[english] if lang == "ja" else english


def localize(command: click.Command, lang: str) -> None:
    """Show `command`'s help texts (its own and its parameters') in `lang`."""
    for item in (command, *command.params):
        kind = getattr(item, "type", None)
        if isinstance(kind, click.Path):
            kind.name = _path_word(kind, lang)
        if not hasattr(item, "help"):
            continue  # an argument: click shows no help for it
        japanese = getattr(item, "_xlplan_ja", None)
        if japanese is None:
            japanese = item.help
            item._xlplan_ja = japanese  # type: ignore[union-attr]
        if japanese is not None:
            item.help = _ENGLISH.get(japanese, japanese) if lang == "en" else japanese  # type: ignore[union-attr]
    if hasattr(command, "_help_option"):
        command._help_option = None  # click builds --help once and keeps it: rebuilt in this run's language
    if command.help is not None:
        # click shortens help at a space near 45 columns: Japanese has none, so its first sentence is the summary
        first = command.help.strip().split("。")[0]
        command.short_help = f"{first}。" if lang == "ja" and "。" in command.help else None
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub, lang)


def untranslated(command: click.Command) -> list[str]:
    """Help texts of `command` (and its subcommands) that have no English: a test keeps this empty."""
    missing = []
    for item in (command, *command.params):
        japanese = getattr(item, "_xlplan_ja", getattr(item, "help", None))
        if japanese and japanese not in _ENGLISH:
            missing.append(japanese)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            missing += untranslated(sub)
    return missing

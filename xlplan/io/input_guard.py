"""Refuse any output that would replace an input, or a folder output that would hold one.

Paths are compared as the file system sees them, not as they are spelled: a symlink, a `..`,
another case on a case-insensitive file system or a hard link all name the same file. Called
before anything is read or written, so a refused command changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputOverwriteError, shown_text

__all__ = ["refuse_overwriting_inputs"]


def refuse_overwriting_inputs(
    inputs: Iterable[Path | str | None],
    *,
    files: Iterable[Path] = (),
    folders: Iterable[Path] = (),
) -> None:
    """Raise unless every output leaves every input alone.

    :param inputs: every file the command reads (None entries are skipped).
    :param files: output files: none may be an input.
    :param folders: output folders, replaced as a whole: none may hold an input, at any depth.
    :raises InputOverwriteError: naming the output and the input (exit 2).
    """
    sources = [Path(p) for p in inputs if p is not None]
    clashes = [(output, source, _same, _SAME_FILE) for output in files for source in sources]
    clashes += [(folder, source, _holds, _HELD) for folder in folders for source in sources]
    for output, source, clash, message in clashes:
        if clash(Path(output), source):
            shown = {"output": _shown(output), "source": _shown(source)}
            raise InputOverwriteError(message[0].format(**shown), english=message[1].format(**shown))


# (Japanese, English)
_SAME_FILE = (
    "出力先 {output} が入力ファイルと同じです（{source}）。入力は変更しません。別の出力先を -o で指定してください。",
    "The output {output} is an input file ({source}). Inputs are never changed: give another output with -o.",
)
_HELD = (
    "出力先フォルダ {output} には入力の {source} があります。"
    "出力先フォルダは丸ごと書き出すため、入力のないフォルダを -o で指定してください。",
    "The output folder {output} holds the input {source}. "
    "The output folder is written as a whole: give a folder without inputs with -o.",
)


def _same(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same file once links, `..` and case are followed."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): it cannot be the other
        return os.path.normcase(_resolved(first)) == os.path.normcase(_resolved(second))


def _holds(folder: Path, source: Path) -> bool:
    """Whether `source` lies in `folder`, at any depth, however either is spelled."""
    if _same(folder, source):
        return True
    return any(_same(folder, ancestor) for ancestor in Path(_resolved(source)).parents)


def _resolved(path: Path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return os.path.abspath(path)


def _shown(path: Path | str) -> str:
    return shown_text(os.fspath(path))

"""Which files a command reads: workbooks given directly or found under folders.

A shared folder is not trusted: under a folder, a symbolic link that leads out of it is never
followed (a link to /etc/shadow or to another section's folder is reported, not read), a
linked folder is not descended into, a file reached twice through links is read once, and a
folder that cannot be listed is reported instead of silently skipped.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..core.findings import Code, Finding
from ..errors import NoInputError
from ..io.xlsx.probe import WORKBOOK_SUFFIXES

__all__ = ["Input", "collect_inputs", "require_inputs", "scan_inputs"]


@dataclass(frozen=True, slots=True)
class Input:
    """One input: a file to read, or an entry found but refused (with the finding to report)."""

    path: Path
    refused: Finding | None = None


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """The files to read, in a stable order (refused entries left out; see `scan_inputs`).

    Files given by name are always kept (their content decides what they are); under folders
    only names ending like a spreadsheet are taken, so notes and PDFs beside them are ignored.
    """
    return [item.path for item in scan_inputs(paths) if item.refused is None]


def scan_inputs(paths: Iterable[Path]) -> list[Input]:
    """Expand folders into the workbook-like entries below them, each accepted or refused.

    :param paths: files and folders, as given on the command line.
    """
    found: list[Input] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(_walk(path))
        else:
            found.append(Input(path))  # named by the user: followed even if it is a link
    seen: set[str] = set()
    unique = []
    for item in found:
        key = os.path.realpath(item.path) if item.refused is None else f"refused:{item.path}"
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _walk(folder: Path) -> list[Input]:
    """Workbook-like entries under a folder, never following a link out of it."""
    root = os.path.realpath(folder)
    items: list[Input] = []

    def unreadable(error: OSError) -> None:
        items.append(_refused(Path(error.filename or folder), error))

    for directory, subfolders, files in os.walk(folder, onerror=unreadable, followlinks=False):
        for name in subfolders:
            linked = Path(directory, name)
            if linked.is_symlink() and not _inside(os.path.realpath(linked), root):
                items.append(_outside(linked))
        for name in files:
            path = Path(directory, name)
            if path.suffix.lower() not in WORKBOOK_SUFFIXES:
                continue
            if path.is_symlink():
                target = os.path.realpath(path)
                if not _inside(target, root):
                    items.append(_outside(path))
                    continue
                if not os.path.exists(target):
                    broken = Finding.of(Code.FILE_UNREADABLE, file=str(path), reason="リンク先がありません")
                    items.append(Input(path, broken))
                    continue
                if os.path.isdir(target):
                    continue  # a link to a folder inside: its files are found under their own name
            items.append(Input(path))
    return sorted(items, key=lambda item: item.path)


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _outside(link: Path) -> Input:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    return Input(link, Finding.of(Code.SYMLINK_OUTSIDE, file=str(link), value=target, target=target))


def _refused(path: Path, error: OSError) -> Input:
    reason = error.strerror or type(error).__name__
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return Input(path, Finding.of(Code.PERMISSION_DENIED, file=str(path), reason=reason))
    return Input(path, Finding.of(Code.FILE_UNREADABLE, file=str(path), reason=reason))


def require_inputs(items: list[Input], paths: Iterable[Path]) -> list[Input]:
    """The inputs found, or NoInputError naming where the command looked when there is none."""
    if items:
        return items
    paths = list(paths)
    places = "、".join(str(p) for p in paths) or "（指定なし）"
    places_en = ", ".join(str(p) for p in paths) or "(none given)"
    raise NoInputError(
        f"読み込むブック（.xlsx など）が見つかりません（探した場所: {places}）。"
        "提出されたファイルのあるフォルダかファイルを指定してください。",
        english=f"No workbook (.xlsx and the like) found (looked in: {places_en}). "
        "Give the folder or the files the sections returned.",
    )

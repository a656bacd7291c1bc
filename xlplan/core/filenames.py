"""File names for things people named (sections): valid on Windows, distinct, and short enough.

HQ runs Windows, so a section's workbook must get a name Windows accepts whatever the section
is called: no `\\ / : * ? " < > |` or control characters, no trailing dot or space (Windows
drops them silently, so "課." and "課" would be one file), no reserved device name (CON, PRN,
AUX, NUL, COM1–9, LPT1–9, also with an extension: "CON.xlsx" opens the console), and a full
path within the classic 260-character limit (MAX_PATH) that Explorer and Excel still enforce.
Names are compared as Windows compares them (case-insensitively), and two sections never share
a file: a name that would collide or had to be shortened carries a short hash of the section.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["MAX_PATH", "file_names", "safe_stem"]

MAX_PATH = 259  # characters a Windows path may have (260 with the terminating NUL)
_MAX_COMPONENT = 255  # characters of one file name
_MIN_STEM = 12  # a stem is never cut shorter than this, however deep the folder
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)


def safe_stem(name: str) -> str:
    """`name` as a file name stem Windows accepts (without length limits); '_' for an empty name.

    >>> safe_stem('CON'), safe_stem('総務課. '), safe_stem('a/b:c')
    ('_CON', '総務課', 'a_b_c')
    """
    text = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", name)).strip().rstrip(". ")
    if not text:
        return "_"
    if text.split(".")[0].rstrip(" ").upper() in _DEVICES:
        text = "_" + text
    return text


def file_names(names: Iterable[str], directory: str, suffix: str = ".xlsx") -> dict[str, str]:
    """A distinct, Windows-safe file name (with `suffix`) for each name, in `directory`.

    The usual name is the name itself. A name that had to be cut to keep the full path within
    MAX_PATH, or that would equal another one as Windows compares names, ends in `~` and six
    hex digits of its hash, so the same section gets the same file every year.

    :param names: the names (sections), each once.
    :param directory: the full path of the folder the files go into (its length counts toward MAX_PATH).
    :param suffix: the extension, with its dot.
    """
    room = MAX_PATH - _length(directory) - 1 - _length(suffix)
    budget = max(_MIN_STEM, min(room, _MAX_COMPONENT - _length(suffix)))
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        stem = safe_stem(name)
        if _length(stem) > budget:
            stem = _tagged(stem, name, budget)
        if _key(stem) in taken:
            stem = _tagged(stem, name, budget)
        counter = 2
        while _key(stem) in taken:  # two hashes colliding: practically never, but never overwrite
            stem = _tagged(stem, f"{name}\x00{counter}", budget)
            counter += 1
        taken.add(_key(stem))
        chosen[name] = stem + suffix
    return chosen


def _tagged(stem: str, name: str, budget: int) -> str:
    tag = "~" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    head = stem
    while _length(head) + len(tag) > budget:
        head = head[:-1]
    return head.rstrip(". ") + tag


def _length(text: str) -> int:
    """Characters as Windows counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _key(stem: str) -> str:
    return stem.casefold()

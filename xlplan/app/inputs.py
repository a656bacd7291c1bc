"""Which files a command reads: workbooks given directly or found under folders."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..io.probe import WORKBOOK_SUFFIXES

__all__ = ["collect_inputs"]


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the workbook-like files below them, in a stable order.

    Files given by name are always kept (their content decides what they are); under folders
    only names ending like a spreadsheet are taken, so notes and PDFs beside them are ignored.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.is_dir()))
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique

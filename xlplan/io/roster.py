"""Read the roster of sections expected to return a workbook (`--roster FILE`).

A roster is what HQ already has: a text or CSV file with one section per line (the first
field), or an .xlsx whose first sheet lists the sections in column A. A header cell
「課所室」 or 「課所室名」 is skipped, as are blank lines and lines starting with #.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import XlplanError
from .xlsx.limits import MASTER_LIMITS, InputRefused, read_bounded
from .xlsx.package import WorkbookParts

__all__ = ["RosterEntry", "read_roster"]

_HEADERS = {"課所室", "課所室名", "section", "課・所・室"}


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One expected section and where the roster lists it (A5 or line 5)."""

    section: str
    cell: str


def read_roster(path: Path) -> list[RosterEntry]:
    """The sections listed in a roster file, in order, without duplicates.

    :raises XlplanError: when the file cannot be read.
    """
    path = Path(path)
    try:
        data = read_bounded(path, MASTER_LIMITS)
    except InputRefused as refused:
        finding = refused.finding(str(path))
        raise XlplanError(
            f"名簿ファイル {path} を読めません: {finding.message()}",
            english=f"The roster file {path} cannot be read: {finding.message('en')}",
        ) from None
    except OSError as error:
        raise XlplanError(
            f"名簿ファイル {path} を読めません（{error.strerror or error}）。",
            english=f"The roster file {path} cannot be read ({error.strerror or error}).",
        ) from None
    rows = _xlsx_rows(path, data) if data[:4] == b"PK\x03\x04" else _text_rows(path, data)
    entries: list[RosterEntry] = []
    seen: set[str] = set()
    for number, name in rows:
        name = name.strip().strip("\ufeff").strip()
        if not name or name.startswith("#") or name in _HEADERS or name in seen:
            continue
        seen.add(name)
        entries.append(RosterEntry(name, f"A{number}"))
    return entries


def _xlsx_rows(path: Path, data: bytes) -> list[tuple[int, str]]:
    try:
        workbook = WorkbookParts(data, MASTER_LIMITS)
        grid = workbook.scan_sheet(workbook.sheet_names[0]).rows() if workbook.sheets else []
    except InputRefused as refused:
        finding = refused.finding(str(path))
        raise XlplanError(
            f"名簿ファイル {path} を読めません: {finding.message()}",
            english=f"The roster file {path} cannot be read: {finding.message('en')}",
        ) from None
    except Exception as error:  # zipfile and expat raise several types on damaged files
        raise XlplanError(
            f"名簿ファイル {path} を読めません（{type(error).__name__}）。",
            english=f"The roster file {path} cannot be read ({type(error).__name__}).",
        ) from None
    return [(i, str(row[0])) for i, row in enumerate(grid, start=1) if row and row[0] not in (None, "")]


def _text_rows(path: Path, data: bytes) -> list[tuple[int, str]]:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise XlplanError(
            f"名簿ファイル {path} の文字コードを判別できません。UTF-8 で保存し直してください。",
            english=f"The roster file {path} is in an encoding that cannot be told. Save it again as UTF-8.",
        )
    dialect = "excel-tab" if "\t" in text and "," not in text else "excel"
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    return [(i, row[0]) for i, row in enumerate(reader, start=1) if row]

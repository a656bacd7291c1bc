"""Read a returned section workbook into normalised rows that remember their cells.

Values, their cells and what values cannot show (formulas with no saved result, error values,
percent formats, hidden rows, columns and sheets) come from one guarded pass over each sheet's
XML (`xlsx.package`). The input file is read once, into memory, and never written; it is
screened against `ReadLimits` (size, zip bombs, XML entities, rows, cells, text) as it is
read: a hostile file costs bounded memory and time. Nothing here raises on a bad file: every
problem is a Finding.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..core.cells import cell_address, column_index, column_letter
from ..core.findings import Code
from ..core.layout import (
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    SECTION_SHEETS,
    TEMPLATE_VERSION,
    Kind,
    SheetLayout,
)
from ..core.normalize import normalize_cell, percent_to_points
from ..core.tables import SectionWorkbook, SheetRows
from .xlsx.limits import DEFAULT_LIMITS, InputRefused, ReadLimits, read_bounded
from .xlsx.package import SheetParts, WorkbookParts
from .xlsx.probe import FileKind, is_lock_file, probe_bytes
from .xlsx.values import ErrorValue

__all__ = ["failure_reason", "read_section_workbook", "read_sheet"]

_HEADER_SEARCH_ROWS = 10
_log = logging.getLogger(__name__)
# Invisible characters a person cannot see or type on purpose: C0/C1 controls (tab and line
# breaks kept), zero-width spaces, direction overrides (a "Trojan Source" trick) and BOMs.
# The zero-width joiner (U+200D) stays: emoji sequences need it.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufffe\uffff]"
)


def read_section_workbook(
    path: Path,
    *,
    layouts: Sequence[SheetLayout] = SECTION_SHEETS,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> SectionWorkbook:
    """Read one section workbook. Never raises for a bad file; never writes to it.

    :param path: the .xlsx returned by a section.
    :param layouts: the sheets to read (all section sheets by default).
    :param limits: what one file may cost; a file over a limit is reported, not read.
    """
    book = SectionWorkbook(path=str(path))
    if is_lock_file(path):
        return _skip(book, Code.FILE_LOCK_SKIPPED)
    try:
        data = read_bounded(path, limits)
    except InputRefused as refused:
        return _skip(book, refused=refused)
    except PermissionError as error:
        return _skip(book, Code.PERMISSION_DENIED, reason=error.strerror or type(error).__name__)
    except OSError as error:
        return _skip(book, Code.FILE_UNREADABLE, reason=error.strerror or type(error).__name__)
    book.sha256 = hashlib.sha256(data).hexdigest()
    probe = probe_bytes(data, limits=limits)
    if not probe.readable:
        return _skip(book, probe.code or Code.FILE_NOT_WORKBOOK, reason=probe.detail or probe.kind)
    if probe.kind is FileKind.XLSM:
        book.add(Code.FILE_HAS_MACROS)
    try:
        parts = WorkbookParts(data, limits, probe.archive)  # screens the whole package before any sheet is read
    except InputRefused as refused:
        return _skip(book, refused=refused)
    except Exception as error:  # zipfile and expat raise many types on damaged files
        _log.debug("cannot open %s", path, exc_info=True)
        return _skip(book, Code.FILE_UNREADABLE, reason=failure_reason(error))
    try:
        _read_meta(book, parts)
        if book.readable:
            for layout in layouts:
                read_sheet(book, parts, layout, limits)
            _check_sheets(book, parts)
    except InputRefused as refused:  # a sheet over a limit, found as it was read
        book.findings = [f for f in book.findings if not f.sheet]  # its sheets are not read: no cell findings
        _skip(book, refused=refused)
    except Exception as error:  # damaged parts found late (bad XML inside a valid zip)
        _log.debug("cannot read %s", path, exc_info=True)
        _skip(book, Code.FILE_UNREADABLE, reason=failure_reason(error))
    finally:
        parts.close()
    return book


def _skip(
    book: SectionWorkbook, code: Code | None = None, *, refused: InputRefused | None = None, **params: object
) -> SectionWorkbook:
    """Mark the workbook unread and record why."""
    book.readable = False
    if refused is not None:
        book.findings.append(refused.finding(book.path))
    elif code is not None:
        book.add(code, **params)
    return book


def _check_sheets(book: SectionWorkbook, parts: WorkbookParts) -> None:
    """Sheets Excel cannot make (two of one name) and sheets hidden from the person filling in."""
    names = Counter(entry.name.casefold() for entry in parts.sheets)
    read = {table.sheet_name for table in book.sheets.values()} | {META_SHEET}
    seen: set[str] = set()
    for entry in parts.sheets:
        key = entry.name.casefold()
        if key in seen:
            continue
        seen.add(key)
        if names[key] > 1:
            book.add(Code.SHEET_DUPLICATE, sheet=entry.name, value=entry.name, count=names[key])
        status = "内容は読み込みました" if entry.name in read else "内容は読み込んでいません"
        if entry.name in (META_SHEET, LISTS_SHEET):
            continue  # our helper sheets: very hidden as written, hidden once LibreOffice re-saves them
        if entry.state == "veryHidden":
            book.add(Code.SHEET_VERY_HIDDEN, sheet=entry.name, value=entry.name, read=status)
        elif entry.state == "hidden":
            book.add(Code.SHEET_HIDDEN, sheet=entry.name, value=entry.name, read=status)


def failure_reason(error: BaseException) -> str:
    """A short reason for a finding: the error's type and the first line of its text."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__


def _read_meta(book: SectionWorkbook, parts: WorkbookParts) -> None:
    if META_SHEET not in parts.sheet_names:
        book.readable = False
        book.add(Code.TEMPLATE_NOT_XLPLAN)
        return
    rows = parts.scan_sheet(META_SHEET).rows()
    book.meta = {str(r[0]).strip(): _meta_text(r[1]) for r in rows if len(r) >= 2 and str(r[0]).strip()}
    version = book.meta.get("template_version", "")
    if version != TEMPLATE_VERSION:
        book.readable = False
        book.add(
            Code.TEMPLATE_VERSION,
            sheet=META_SHEET,
            cell="B1",
            column="template_version",
            value=version or "（なし）",
            expected=TEMPLATE_VERSION,
        )


def _meta_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _INVISIBLE.sub("", str(value)).strip()


def read_sheet(
    book: SectionWorkbook,
    parts: WorkbookParts,
    layout: SheetLayout,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> None:
    """Read one layout's sheet into `book.sheets` (normalised rows that remember their cells).

    Used for the section workbook and for any workbook laid out the same way (HQ's changes
    workbook); every problem becomes a finding on `book`.
    """
    sheet_name = _find_sheet(book, parts, layout)
    if sheet_name is None:
        return
    scan = parts.scan_sheet(sheet_name)
    header_row, letters = _locate_headers(book, layout, sheet_name, scan.rows(1, _HEADER_SEARCH_ROWS))
    table = SheetRows(layout=layout, sheet_name=sheet_name, letters=letters)
    book.sheets[layout.key] = table

    first_data_row = header_row + 1
    # Only input columns are read: computed (formula) columns (`layout.computed`) are never
    # located, read or scanned, so their unsaved formula results raise no formula-no-value.
    positions = {f: column_index(letter) for f, letter in letters.items()}
    _check_merges(book, layout, sheet_name, scan.merged, header_row, positions)
    headers = scan.values.get(header_row) or {}
    _check_outside(book, sheet_name, scan, header_row, max([len(layout.columns), *positions.values(), *headers]))

    hidden_reported: set[str] = set()
    # per sheet, not per cell: each read field's column, position and letters
    fields = [(f, layout.column(f), i, letters[f]) for f, i in positions.items()]
    values, formula_masks, percent_masks = scan.values, scan.formula_masks, scan.percent_masks
    for excel_row in _rows_touching(scan, first_data_row, positions.values()):
        cells = values.get(excel_row) or {}
        raw_cells = {f: cells.get(i, "") for f, _, i, _ in fields}
        formulas = formula_masks.get(excel_row, 0)  # columns holding a formula without a saved result
        formula_cells = {f for f, _, i, _ in fields if formulas >> i & 1} if formulas else set()
        if all(v in ("", None) for v in raw_cells.values()) and not formula_cells:
            continue  # a blank row, or one whose formulas all show an empty text
        _check_hidden(book, layout, sheet_name, scan, excel_row, raw_cells, positions, hidden_reported)
        record = {c.field: None for c in layout.columns}
        percents = percent_masks.get(excel_row, 0)
        for field_name, column, index, letter in fields:
            raw = raw_cells[field_name]
            address = f"{letter}{excel_row}"
            if field_name in formula_cells:
                book.add(Code.FORMULA_NO_VALUE, sheet=sheet_name, cell=address, column=column.header, value=address)
            if isinstance(raw, ErrorValue):  # never read as empty: the cell is reported
                book.add(Code.CELL_ERROR, sheet=sheet_name, cell=address, column=column.header, value=raw)
                continue
            if isinstance(raw, float) and not math.isfinite(raw):
                raw = "#NUM!"  # 1e309 or NaN in the XML: no number Excel can hold, shown as Excel would
            if isinstance(raw, str):
                raw = _checked_text(book, sheet_name, address, column.header, raw, limits)
            normalized = normalize_cell(column, raw)
            if column.kind is Kind.NUMBER and percents >> index & 1 and isinstance(normalized.value, float):
                normalized = percent_to_points(normalized.value)
            if normalized.changed:
                book.add(
                    Code.VALUE_NORMALIZED,
                    sheet=sheet_name,
                    cell=address,
                    column=column.header,
                    value=raw,
                    normalized=_shown(normalized.value),
                    how=normalized.how,
                )
            record[field_name] = normalized.value
        table.rows.append(excel_row)
        table.records.append(record)


def _rows_touching(scan: SheetParts, first: int, columns: Iterable[int]) -> list[int]:
    """The rows from `first` on, in order, with a value or an unsaved formula in one of `columns`.

    Every other row is blank to the reader. A template's formatted empty rows (a hundred a
    sheet, their formula columns never read) are skipped without looking at each of their cells.
    """
    wanted = set(columns)
    mask = sum(1 << column for column in wanted)
    rows = {row for row, cells in scan.values.items() if row >= first and not wanted.isdisjoint(cells)}
    rows.update(row for row, bits in scan.formula_masks.items() if row >= first and bits & mask)
    return sorted(rows)


def _check_outside(book: SectionWorkbook, sheet: str, scan: SheetParts, header_row: int, width: int) -> None:
    """A value right of the table (below its header row) is not read: one warning at its cell."""
    for row in range(header_row + 1, scan.max_row + 1):
        for column, value in (scan.values.get(row) or {}).items():
            if column > width:
                book.add(
                    Code.VALUE_OUTSIDE_TABLE, sheet=sheet, cell=cell_address(row, column), value=_shown(value)[:100]
                )


def _checked_text(book: SectionWorkbook, sheet: str, cell: str, header: str, text: str, limits: ReadLimits) -> str:
    """Line breaks as Excel types them (LF), invisible control characters stripped (info), absurdly
    long text warned about (kept).

    A CR reaches a cell only from pasted text (CRLF) or a character reference (``&#13;``); Excel
    breaks lines with LF, so CRLF and a lone CR become LF: the same text to the eye, and two
    copies of a measure differing only there are not a conflict.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = sorted(set(_INVISIBLE.findall(text)))
    if found:
        text = _INVISIBLE.sub("", text)
        shown = "、".join(f"U+{ord(c):04X}" for c in found[:5]) + ("…" if len(found) > 5 else "")
        book.add(Code.CONTROL_CHARACTERS, sheet=sheet, cell=cell, column=header, value=text[:100], chars=shown)
    if len(text) > limits.max_cell_chars:
        book.add(
            Code.CELL_TOO_LONG,
            sheet=sheet,
            cell=cell,
            column=header,
            value=text[:100],
            length=f"{len(text):,}",
            limit=f"{limits.max_cell_chars:,}",
        )
    return text


def _check_hidden(
    book: SectionWorkbook,
    layout: SheetLayout,
    sheet: str,
    scan: SheetParts,
    row: int,
    raw_cells: dict[str, object],
    positions: dict[str, int],
    reported: set[str],
) -> None:
    """Values in hidden rows or columns are read, with a warning at the first such cell."""
    filled = [f for f, v in raw_cells.items() if v not in ("", None)]
    if filled and scan.row_hidden(row):
        first = min(filled, key=positions.__getitem__)
        book.add(
            Code.ROW_HIDDEN,
            sheet=sheet,
            cell=cell_address(row, positions[first]),
            column=layout.column(first).header,
            value=f"{row}行目",
            row=row,
        )
    for field_name in filled:
        if field_name not in reported and scan.column_hidden(positions[field_name]):
            reported.add(field_name)
            book.add(
                Code.COLUMN_HIDDEN,
                sheet=sheet,
                cell=cell_address(row, positions[field_name]),
                column=layout.column(field_name).header,
            )


def _shown(value: object) -> str:
    if value is None:
        return "（空欄）"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _find_sheet(book: SectionWorkbook, parts: WorkbookParts, layout: SheetLayout) -> str | None:
    names = parts.sheet_names
    if layout.name in names:
        return layout.name
    wanted = set(layout.headers)
    known = {sl.name for sl in SECTION_SHEETS} | {META_SHEET}
    for name in names:
        if name in known:
            continue
        head = parts.scan_sheet(name).rows(1, _HEADER_SEARCH_ROWS)
        found = max((len(wanted & {str(v).strip() for v in r}) for r in head), default=0)
        if found >= max(2, len(wanted) // 2):
            book.add(Code.SHEET_RENAMED, sheet=name, value=name, sheet_name=layout.name)
            return name
    book.add(Code.SHEET_MISSING, sheet=layout.name, sheet_name=layout.name)
    return None


def _locate_headers(
    book: SectionWorkbook, layout: SheetLayout, sheet_name: str, grid: list[list[object]]
) -> tuple[int, dict[str, str]]:
    """Find the header row and each header's column; report moves and losses."""
    top = [[str(v).strip() for v in row] for row in grid[:_HEADER_SEARCH_ROWS]]
    wanted = set(layout.headers)
    hits = [len(wanted.intersection(row)) for row in top]  # headers found in each row
    best = max(range(len(top)), key=hits.__getitem__, default=HEADER_ROW - 1)
    header_row = best + 1 if top and hits[best] else HEADER_ROW
    found_row = top[header_row - 1] if len(top) >= header_row else []
    if header_row != HEADER_ROW:
        first = layout.columns[0]
        book.add(
            Code.HEADER_MOVED,
            sheet=sheet_name,
            cell=cell_address(header_row, 1),
            column=first.header,
            value=f"{header_row}行目",
            expected_cell=f"{HEADER_ROW}行目",
        )
    letters: dict[str, str] = {}
    for expected_index, column in enumerate(layout.columns, start=1):
        expected_cell = cell_address(HEADER_ROW, expected_index)
        if column.header not in found_row:
            book.add(
                Code.HEADER_MISSING,
                sheet=sheet_name,
                cell=expected_cell,
                column=column.header,
                expected_cell=expected_cell,
            )
            continue
        index = found_row.index(column.header) + 1
        letters[column.field] = column_letter(index)
        if index != expected_index and header_row == HEADER_ROW:
            book.add(
                Code.HEADER_MOVED,
                sheet=sheet_name,
                cell=cell_address(header_row, index),
                column=column.header,
                value=cell_address(header_row, index),
                expected_cell=expected_cell,
            )
    return header_row, letters


def _check_merges(
    book: SectionWorkbook,
    layout: SheetLayout,
    sheet_name: str,
    merges: list[tuple[int, int, int, int]],
    header_row: int,
    positions: dict[str, int],
) -> None:
    input_columns = set(positions.values())
    by_index = {i: f for f, i in positions.items()}
    for r0, c0, r1, c1 in merges:  # 1-based
        if r1 < header_row:
            continue  # the banner row above the headers may be merged
        touched = sorted(c for c in input_columns if c0 <= c <= c1)  # never loop over a huge merge
        if not touched:
            continue
        header = layout.column(by_index[touched[0]]).header
        book.add(
            Code.MERGED_INPUT_CELLS,
            sheet=sheet_name,
            cell=cell_address(r0, c0),
            column=header,
            value=f"{cell_address(r0, c0)}:{cell_address(r1, c1)}",
        )

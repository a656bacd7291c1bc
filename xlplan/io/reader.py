"""Read a returned section workbook into normalised rows that remember their cells.

Values come from python-calamine (fast); structure that values cannot show (formulas with no
saved result, percent formats) comes from `xlsx_parts`. The input file is read once, into
memory, and never written. Nothing here raises on a bad file: every problem is a Finding.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

import python_calamine

from ..core.cells import cell_address, column_index, column_letter
from ..core.findings import Code
from ..core.layout import (
    HEADER_ROW,
    META_SHEET,
    SECTION_SHEETS,
    TEMPLATE_VERSION,
    Kind,
    SheetLayout,
)
from ..core.normalize import normalize_cell, percent_to_points
from ..core.tables import SectionWorkbook, SheetRows
from .probe import FileKind, probe_file
from .xlsx_parts import WorkbookParts

__all__ = ["read_section_workbook"]

_HEADER_SEARCH_ROWS = 10


def read_section_workbook(path: Path, *, layouts: Sequence[SheetLayout] = SECTION_SHEETS) -> SectionWorkbook:
    """Read one section workbook. Never raises for a bad file; never writes to it.

    :param path: the .xlsx returned by a section.
    :param layouts: the sheets to read (all section sheets by default).
    """
    book = SectionWorkbook(path=str(path))
    probe = probe_file(path)
    if not probe.readable:
        book.readable = False
        book.add(probe.code or Code.FILE_NOT_WORKBOOK, reason=probe.detail or probe.kind)
        return book
    if probe.kind is FileKind.XLSM:
        book.add(Code.FILE_HAS_MACROS)
    try:
        data = path.read_bytes()
        book.sha256 = hashlib.sha256(data).hexdigest()
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        parts = WorkbookParts(data)
    except Exception as error:  # calamine and zipfile raise many types on damaged files
        book.readable = False
        book.add(Code.FILE_UNREADABLE, reason=_reason(error))
        return book
    try:
        _read_meta(book, workbook)
        if book.readable:
            for layout in layouts:
                _read_sheet(book, workbook, parts, layout)
    except Exception as error:  # damaged parts found late (bad XML inside a valid zip)
        book.readable = False
        book.add(Code.FILE_UNREADABLE, reason=_reason(error))
    finally:
        parts.close()
        workbook.close()
    return book


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__


def _read_meta(book: SectionWorkbook, workbook: python_calamine.CalamineWorkbook) -> None:
    if META_SHEET not in workbook.sheet_names:
        book.readable = False
        book.add(Code.TEMPLATE_NOT_XLPLAN)
        return
    rows = workbook.get_sheet_by_name(META_SHEET).to_python()
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
    return str(value).strip()


def _read_sheet(
    book: SectionWorkbook,
    workbook: python_calamine.CalamineWorkbook,
    parts: WorkbookParts,
    layout: SheetLayout,
) -> None:
    sheet_name = _find_sheet(book, workbook, layout)
    if sheet_name is None:
        return
    sheet = workbook.get_sheet_by_name(sheet_name)
    grid = sheet.to_python(skip_empty_area=False)
    header_row, letters = _locate_headers(book, layout, sheet_name, grid)
    table = SheetRows(layout=layout, sheet_name=sheet_name, letters=letters)
    book.sheets[layout.key] = table

    first_data_row = header_row + 1
    # Only input columns are read: computed (formula) columns (`layout.computed`) are never
    # located, read or scanned, so their unsaved formula results raise no formula-no-value.
    positions = {f: column_index(letter) for f, letter in letters.items()}
    _check_merges(book, layout, sheet_name, sheet.merged_cell_ranges or [], header_row, positions)
    want_percent = any(layout.column(f).kind is Kind.NUMBER for f in positions)
    scan = parts.scan_sheet(sheet_name, want_percent=want_percent)

    for row_index in range(first_data_row - 1, len(grid)):
        row = grid[row_index]
        excel_row = row_index + 1
        raw_cells = {f: (row[i - 1] if i - 1 < len(row) else "") for f, i in positions.items()}
        formula_cells = {f for f, i in positions.items() if cell_address(excel_row, i) in scan.formulas_without_value}
        if all(v in ("", None) for v in raw_cells.values()) and not formula_cells:
            continue
        record = {c.field: None for c in layout.columns}
        for field_name, raw in raw_cells.items():
            column = layout.column(field_name)
            address = cell_address(excel_row, positions[field_name])
            if field_name in formula_cells:
                book.add(Code.FORMULA_NO_VALUE, sheet=sheet_name, cell=address, column=column.header, value=address)
            normalized = normalize_cell(column, raw)
            if column.kind is Kind.NUMBER and address in scan.percent_cells and isinstance(normalized.value, float):
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


def _shown(value: object) -> str:
    if value is None:
        return "（空欄）"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _find_sheet(book: SectionWorkbook, workbook: python_calamine.CalamineWorkbook, layout: SheetLayout) -> str | None:
    names = workbook.sheet_names
    if layout.name in names:
        return layout.name
    wanted = set(layout.headers)
    known = {sl.name for sl in SECTION_SHEETS} | {META_SHEET}
    for name in names:
        if name in known:
            continue
        head = workbook.get_sheet_by_name(name).to_python(nrows=_HEADER_SEARCH_ROWS)
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
    top = grid[:_HEADER_SEARCH_ROWS]
    wanted = set(layout.headers)

    def hits(row: list[object]) -> int:
        return len(wanted & {str(v).strip() for v in row})

    best = max(range(len(top)), key=lambda i: hits(top[i]), default=HEADER_ROW - 1)
    header_row = best + 1 if top and hits(top[best]) else HEADER_ROW
    found_row = [str(v).strip() for v in top[header_row - 1]] if len(top) >= header_row else []
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
    merges: list[tuple[tuple[int, int], tuple[int, int]]],
    header_row: int,
    positions: dict[str, int],
) -> None:
    input_columns = set(positions.values())
    by_index = {i: f for f, i in positions.items()}
    for (r0, c0), (r1, c1) in merges:
        if r1 + 1 < header_row:
            continue  # the banner row above the headers may be merged
        touched = [c for c in range(c0 + 1, c1 + 2) if c in input_columns]
        if not touched:
            continue
        header = layout.column(by_index[touched[0]]).header
        book.add(
            Code.MERGED_INPUT_CELLS,
            sheet=sheet_name,
            cell=cell_address(r0 + 1, c0 + 1),
            column=header,
            value=f"{cell_address(r0 + 1, c0 + 1)}:{cell_address(r1 + 1, c1 + 1)}",
        )

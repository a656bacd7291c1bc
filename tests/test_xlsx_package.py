"""The guarded reader gives, for the real template workbook, the values calamine gives, whichever
path (fast scan, streamed scan) reads each sheet."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import python_calamine

from xlplan.io.xlsx.limits import ReadLimits
from xlplan.io.xlsx.memory import keep_freed_memory
from xlplan.io.xlsx.package import WorkbookParts


def calamine_sheets(data: bytes) -> dict[str, list[list[object]]]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {name: _trimmed(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names}
    finally:
        workbook.close()


def our_sheets(parts: WorkbookParts) -> dict[str, list[list[object]]]:
    return {name: _trimmed(parts.scan_sheet(name).rows()) for name in parts.sheet_names}


def _trimmed(grid: list[list[object]]) -> list[list[object]]:
    """Rows without their trailing empty cells, the grid without its trailing empty rows."""
    rows = [list(row) for row in grid]
    for row in rows:
        while row and row[-1] in ("", None):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def test_the_reader_reads_the_values_calamine_reads(filled_workbook: Path) -> None:
    data = filled_workbook.read_bytes()
    assert our_sheets(WorkbookParts(data)) == calamine_sheets(data)


def test_a_sheet_too_large_to_hold_is_streamed_to_the_same_values(filled_workbook: Path, monkeypatch) -> None:
    from xlplan.io.xlsx import package

    data = filled_workbook.read_bytes()
    held = our_sheets(WorkbookParts(data, ReadLimits()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        smallest = min(info.file_size for info in archive.infolist() if info.filename.startswith("xl/worksheets/"))
    # every sheet part is "large" now (the _meta sheet, its text in the shared strings, is under 1 KB)
    monkeypatch.setattr(package, "_FAST_SCAN_BYTES", smallest - 1)
    parts = WorkbookParts(data, ReadLimits())
    assert not parts._screen.held  # nothing held whole
    assert our_sheets(parts) == held


def test_freed_memory_is_kept_once_per_process() -> None:
    first = keep_freed_memory()
    assert keep_freed_memory() is first  # idempotent; True on glibc, False elsewhere


def _with_part(data: bytes, name: str, edit) -> bytes:
    """The package with one part's bytes edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, edit(content) if info.filename == name else content)
    return out.getvalue()


def test_parts_shared_byte_for_byte_are_parsed_once_and_a_changed_one_again(filled_workbook: Path, monkeypatch) -> None:
    """Section workbooks share their relationships, workbook and styles parts: the second file
    takes them as the first was parsed; a styles part changed by one format is parsed again
    and read as a fresh parse reads it."""
    from xlplan.io.xlsx import package

    data = filled_workbook.read_bytes()
    package._PARSED.clear()
    fed: list[str] = []
    feed = package._Screen._feed

    def counted(self, name, handlers, chunks):
        fed.append(name)
        return feed(self, name, handlers, chunks)

    monkeypatch.setattr(package._Screen, "_feed", counted)
    first = WorkbookParts(data)
    assert {"xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/styles.xml"} <= set(fed)
    fed.clear()
    again = WorkbookParts(data)
    assert fed == []  # the shared strings take the fast path; the other parts were parsed before
    assert (again.sheets, again.formats) == (first.sheets, first.formats)

    percent = _with_part(data, "xl/styles.xml", lambda xml: xml.replace(b'formatCode="#,##0"', b'formatCode="0%"'))
    changed = WorkbookParts(percent)
    assert fed == ["xl/styles.xml"]
    assert changed.formats.percent > first.formats.percent
    package._PARSED.clear()
    assert WorkbookParts(percent).formats == changed.formats

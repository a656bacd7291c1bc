"""The package calamine reads is the file as sent, part for part, only stored uncompressed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import python_calamine

from xlplan.io.xlsx.limits import ReadLimits
from xlplan.io.xlsx.memory import keep_freed_memory
from xlplan.io.xlsx.package import WorkbookParts


def sheets(data: bytes) -> dict[str, list[list[object]]]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    finally:
        workbook.close()


def test_the_stored_package_holds_every_part_unchanged(filled_workbook: Path) -> None:
    data = filled_workbook.read_bytes()
    package = WorkbookParts(data).package()
    assert package != data
    with zipfile.ZipFile(io.BytesIO(data)) as sent, zipfile.ZipFile(io.BytesIO(package)) as stored:
        assert stored.testzip() is None  # every CRC checks
        assert stored.namelist() == sent.namelist()
        for info in stored.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            assert stored.read(info) == sent.read(info.filename)


def test_calamine_reads_the_same_values_from_the_package(filled_workbook: Path) -> None:
    data = filled_workbook.read_bytes()
    assert sheets(WorkbookParts(data).package()) == sheets(data)


def test_a_sheet_too_large_to_hold_leaves_calamine_the_file_as_sent(filled_workbook: Path, monkeypatch) -> None:
    from xlplan.io.xlsx import package as xlsx_parts

    monkeypatch.setattr(xlsx_parts, "_FAST_SCAN_BYTES", 1_000)  # every sheet part is "large" now
    data = filled_workbook.read_bytes()
    parts = WorkbookParts(data, ReadLimits())
    assert parts.package() is data
    assert parts.scan_sheet("KPI").cells > 0  # streamed, still screened


def test_freed_memory_is_kept_once_per_process() -> None:
    first = keep_freed_memory()
    assert keep_freed_memory() is first  # idempotent; True on glibc, False elsewhere

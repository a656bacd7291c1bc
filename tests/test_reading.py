"""Reading many workbooks: worker processes give exactly what reading here gives, in order."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from xlplan.app.inputs import Input
from xlplan.app.reading import read_all, read_safely
from xlplan.core.findings import Code, Finding
from xlplan.core.tables import SectionWorkbook
from xlplan.io.xlsx.limits import DEFAULT_LIMITS, ReadLimits


def summary(books) -> list[tuple]:
    return [
        (
            book.path,
            book.readable,
            book.sha256,
            [(f.code, f.sheet, f.cell) for f in book.findings],
            {key: (table.rows, table.records) for key, table in book.sheets.items()},
        )
        for book in books
    ]


def test_worker_processes_read_the_same_as_this_process_in_order(tmp_path: Path, filled_workbook: Path) -> None:
    files = []
    for index in range(5):
        files.append(tmp_path / f"{index}_section.xlsx")
        shutil.copy(filled_workbook, files[-1])
    broken = tmp_path / "2_broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    files.insert(2, broken)
    refused = Input(tmp_path / "link.xlsx", Finding.of(Code.SYMLINK_OUTSIDE, file=str(tmp_path / "link.xlsx")))
    items = [*files, refused]

    calls: list[str] = []
    here = read_all(items, jobs=1, advance=lambda: calls.append("here"), meanwhile=lambda: calls.append("meanwhile"))
    assert calls == ["here"] * len(items)  # nothing to overlap when reading here

    calls.clear()
    workers = read_all(items, jobs=2, advance=lambda: calls.append("read"), meanwhile=lambda: calls.append("meanwhile"))
    assert calls.count("meanwhile") == 1 and calls.count("read") == len(items)

    assert summary(workers) == summary(here)
    assert [book.path for book in workers] == [str(item if isinstance(item, Path) else item.path) for item in items]
    assert here[2].readable is False and here[-1].findings[0].code is Code.SYMLINK_OUTSIDE
    assert all(book.readable for book in here[:2] + here[3:-1])


def test_reading_processes_start_from_forty_files_and_follow_the_usable_cpus(monkeypatch) -> None:
    from xlplan.app import reading

    assert reading.default_jobs(39) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert reading.default_jobs(40) == 3  # a container limited to 3 CPUs of a larger host
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert reading.default_jobs(2000) == reading.MAX_JOBS


def crash_on_marked_files(item: Path, limits: ReadLimits = DEFAULT_LIMITS) -> SectionWorkbook:
    """A reader that dies on a file named *crash*, as a process would on a crash inside calamine."""
    if "crash" in Path(item).name:
        os._exit(70)
    return read_safely(item, limits)


def test_a_file_that_ends_its_reading_process_is_reported_and_the_others_are_read(
    tmp_path: Path, filled_workbook: Path
) -> None:
    files = []
    for name in ("a", "b_crash", "c", "d", "e_crash", "f", "g"):
        files.append(tmp_path / f"{name}.xlsx")
        shutil.copy(filled_workbook, files[-1])
    steps: list[int] = []
    books = read_all(files, jobs=2, reader=crash_on_marked_files, advance=lambda: steps.append(1))
    assert [book.path for book in books] == [str(f) for f in files]
    assert len(steps) == len(files)
    for path, book in zip(files, books, strict=True):
        if "crash" in path.name:
            assert not book.readable
            assert [f.code for f in book.findings] == [Code.FILE_UNREADABLE]
        else:
            assert book.readable and book.sheets["measures"].records, path

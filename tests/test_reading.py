"""Reading many workbooks: worker processes give exactly what reading here gives, in order."""

from __future__ import annotations

import shutil
from pathlib import Path

from xlplan.app.inputs import Input
from xlplan.app.reading import read_all
from xlplan.core.findings import Code, Finding


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
    import os

    from xlplan.app import reading

    assert reading.default_jobs(39) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert reading.default_jobs(40) == 3  # a container limited to 3 CPUs of a larger host
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert reading.default_jobs(2000) == reading.MAX_JOBS

"""Read many section workbooks: in this process, or in worker processes when there are many.

The one place where a file becomes a `SectionWorkbook` for `check` and `consolidate`. A file
that cannot be read becomes an unreadable workbook with a finding, never an exception, and
never stops the others. This module imports only the reader (no pandas, no pandera), so a
worker process starts in a fraction of a second.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

from ..core.findings import Code, Finding
from ..core.tables import SectionWorkbook
from ..io.limits import DEFAULT_LIMITS, ReadLimits
from ..io.master_reader import is_master
from ..io.memory import keep_freed_memory
from ..io.reader import read_section_workbook
from .inputs import Input

__all__ = ["MAX_JOBS", "PARALLEL_FROM", "default_jobs", "read_all", "read_safely"]

PARALLEL_FROM = 40  # files: below this, starting worker processes costs more than it saves
MAX_JOBS = 8  # reading processes at most: more only compete for the disk


def default_jobs(files: int) -> int:
    """Reading processes for this many files: one per CPU this process may use (at most
    `MAX_JOBS`) from `PARALLEL_FROM` files on, else 1."""
    if files < PARALLEL_FROM:
        return 1
    try:
        usable = len(os.sched_getaffinity(0))  # the CPUs this process may run on (containers, taskset)
    except AttributeError:  # Windows, macOS
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_JOBS))


def read_safely(item: Input | Path, limits: ReadLimits = DEFAULT_LIMITS) -> SectionWorkbook:
    """Read one input; whatever goes wrong becomes a finding on an unreadable workbook.

    :param item: a file, or an `Input` found under a folder (a refused one is not opened).
    :param limits: what one file may cost.
    """
    if isinstance(item, Input):
        if item.refused is not None:  # a link out of the folder, a folder that cannot be listed
            return SectionWorkbook(path=str(item.path), findings=[item.refused], readable=False)
        item = item.path
    try:
        book = read_section_workbook(item, limits=limits)
    except Exception as error:  # the reader reports bad files itself; this is the last net
        book = SectionWorkbook(path=str(item), readable=False)
        book.add(Code.FILE_UNREADABLE, reason=f"{type(error).__name__}: {error}"[:200])
        return book
    if not book.readable and is_master(book.meta):
        book.findings = [Finding.of(Code.FILE_IS_MASTER, file=book.path, value=book.meta.get("plan_version", ""))]
    return book


def read_all(
    items: Sequence[Input | Path],
    *,
    jobs: int | None = 1,
    limits: ReadLimits = DEFAULT_LIMITS,
    advance: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[SectionWorkbook]:
    """Read every input, results in input order.

    :param items: files, or inputs found under folders.
    :param jobs: processes to read in: 1 reads here; None: `default_jobs`. Workers are spawned,
        so a script calling this with jobs != 1 needs the ``if __name__ == "__main__":`` guard
        (the ``xlplan`` command has it). Where no worker process can be started (a locked-down
        PC), the files are read here.
    :param limits: what one file may cost.
    :param advance: called once per file read (for progress bars).
    :param meanwhile: work for this process while worker processes read (not called when
        the files are read here): preparing what comes after reading.
    """
    keep_freed_memory()
    if jobs is None:
        jobs = default_jobs(len(items))
    read = partial(read_safely, limits=limits)
    books: list[SectionWorkbook] = []
    if jobs > 1 and len(items) > 1:
        try:
            # spawn, not fork: the caller may run threads (a progress bar), which fork would copy mid-step
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=keep_freed_memory) as pool:
                chunk = max(1, min(16, len(items) // (jobs * 4)))
                results = pool.map(read, items, chunksize=chunk)
                if meanwhile:
                    meanwhile()
                for book in results:
                    books.append(book)
                    if advance:
                        advance()
            return books
        except (BrokenProcessPool, OSError, PermissionError):
            pass  # read the rest here
    for item in items[len(books) :]:
        books.append(read(item))
        if advance:
            advance()
    return books

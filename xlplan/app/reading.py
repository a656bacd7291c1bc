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
from typing import Any

from ..core.findings import Code, Finding
from ..core.tables import SectionWorkbook
from ..io.master_reader import is_master
from ..io.reader import read_section_workbook
from ..io.xlsx.limits import DEFAULT_LIMITS, ReadLimits
from ..io.xlsx.memory import keep_freed_memory
from .inputs import Input
from .parent_watch import end_with_parent

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
    reader: Callable[..., SectionWorkbook] = read_safely,
) -> list[SectionWorkbook]:
    """Read every input, results in input order.

    :param items: files, or inputs found under folders.
    :param jobs: processes to read in: 1 reads here; None: `default_jobs`. Workers are spawned,
        so a script calling this with jobs != 1 needs the ``if __name__ == "__main__":`` guard
        (the ``xlplan`` command has it). Where no worker process can be started (a locked-down
        PC), the files are read here. A file whose reading ends its worker process (something
        the screen did not foresee, such as a crash in a parser) is reported unreadable and
        the others are read: the run goes on.
    :param limits: what one file may cost.
    :param advance: called once per file read (for progress bars).
    :param meanwhile: work for this process while worker processes read (not called when
        the files are read here): preparing what comes after reading.
    :param reader: reads one input (called as ``reader(item, limits=limits)``); a module-level
        function, so that worker processes can import it.
    """
    keep_freed_memory()
    if jobs is None:
        jobs = default_jobs(len(items))
    read = partial(reader, limits=limits)
    step = advance or _nothing
    if jobs > 1 and len(items) > 1:
        try:
            return _read_in_workers(items, jobs, read, step, meanwhile)
        except _NoWorkers:
            pass  # read them here
    books: list[SectionWorkbook] = []
    for item in items:
        books.append(read(item))
        step()
    return books


class _NoWorkers(Exception):
    """No worker process could be started here."""


def _read_in_workers(
    items: Sequence[Input | Path],
    jobs: int,
    read: Callable[[Input | Path], SectionWorkbook],
    advance: Callable[[], None],
    meanwhile: Callable[[], None] | None,
) -> list[SectionWorkbook]:
    """Read in `jobs` spawned processes; when one ends mid-file, find that file and go on.

    After a worker ends, the files still unread are read by one process, one at a time, so the
    file it ends on is the one to blame: that file is reported, and the rest go back to `jobs`
    processes. Raises `_NoWorkers` when no worker process starts at all.
    """
    # spawn, not fork: the caller may run threads (a progress bar), which fork would copy mid-step
    context = multiprocessing.get_context("spawn")
    started = context.Event()  # set by the first worker that starts: a broken pool is then a file's doing
    books: list[SectionWorkbook] = []
    workers = jobs
    while len(books) < len(items):
        rest = items[len(books) :]
        chunk = 1 if workers == 1 else max(1, min(16, len(rest) // (workers * 4)))
        try:
            with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(started,)) as pool:
                results = pool.map(read, rest, chunksize=chunk)
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
                for book in results:
                    books.append(book)
                    advance()
        except BrokenProcessPool as error:
            if not started.is_set():
                raise _NoWorkers from error
            if workers > 1:
                workers = 1  # one at a time, in order: the next crash names its file
            else:
                books.append(_reader_ended(items[len(books)]))  # the file its one worker ended on
                advance()
                workers = jobs
        except OSError as error:  # the process could not even be created
            raise _NoWorkers from error
    return books


def _start_worker(started: Any) -> None:
    end_with_parent()
    keep_freed_memory()
    started.set()


def _reader_ended(item: Input | Path) -> SectionWorkbook:
    path = item.path if isinstance(item, Input) else item
    book = SectionWorkbook(path=str(path), readable=False)
    book.add(Code.FILE_UNREADABLE, reason="読み込み中に読み込み用のプロセスが異常終了しました")
    return book


def _nothing() -> None:
    pass

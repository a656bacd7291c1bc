"""Faults on the output side, injected where Python writes: the Nth write under a folder fails.

A *write event* is creating a folder, opening a file for writing, or one `write()` call on such
a file, anywhere under `root`. `inject_fault(root, code, at=N)` makes the Nth event (and every
later one, as a full disk or a read-only mount would) raise `OSError(code)`. It patches
`os.mkdir`, `os.open`, `io.open` and `builtins.open`, which every writer here goes through
(pathlib, zipfile under openpyxl and XlsxWriter, csv, tempfile). Used by the fault-injection
tests and by `scripts/fuzz.py --output-faults`.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@dataclass
class FaultPlan:
    """Where and what: `code` raised from the `at`-th write event under `root` on (0: never)."""

    root: Path
    code: int
    at: int = 1
    events: int = 0
    raised: int = 0
    interrupt: bool = False  # a Ctrl-C at the `at`-th event instead (once: a person presses it once)

    def event(self, path: object) -> None:
        if not self._under(path):
            return
        self.events += 1
        if self.interrupt:
            if self.events == self.at:
                self.raised += 1
                raise KeyboardInterrupt
            return
        if self.at and self.events >= self.at:
            self.raised += 1
            raise OSError(
                self.code,
                os.strerror(self.code),
                os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else None,
            )

    def _under(self, path: object) -> bool:
        if not isinstance(path, str | bytes | os.PathLike):
            return False  # an open file descriptor: its opening was counted
        try:
            return Path(os.path.abspath(os.fsdecode(path))).is_relative_to(self.root)
        except ValueError:
            return False


class _FaultyFile:
    """A file opened for writing whose every `write()` is a write event."""

    def __init__(self, handle: Any, plan: FaultPlan, path: object) -> None:
        self._handle, self._plan, self._path = handle, plan, path

    def write(self, data: Any) -> int:
        self._plan.event(self._path)
        return self._handle.write(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __enter__(self) -> _FaultyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._handle)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextlib.contextmanager
def inject_fault(root: Path, code: int, *, at: int = 1, interrupt: bool = False) -> Iterator[FaultPlan]:
    """While the block runs, the `at`-th write event under `root` and all later ones raise `OSError(code)`.

    With `interrupt`, the `at`-th event raises KeyboardInterrupt instead (Ctrl-C), and no other does.
    """
    plan = FaultPlan(Path(os.path.abspath(root)), code, at, interrupt=interrupt)
    real_open, real_os_open, real_mkdir = io.open, os.open, os.mkdir

    def faulty_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        writing = any(flag in mode for flag in "wax+")
        if writing:
            plan.event(file)
        handle = real_open(file, mode, *args, **kwargs)
        return _FaultyFile(handle, plan, file) if writing and plan._under(file) else handle

    def faulty_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & _WRITE_FLAGS:
            plan.event(path)
        return real_os_open(path, flags, *args, **kwargs)

    def faulty_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        plan.event(path)
        real_mkdir(path, *args, **kwargs)

    patches = [(io, "open", faulty_open), (builtins, "open", faulty_open), (os, "open", faulty_os_open)]
    patches.append((os, "mkdir", faulty_mkdir))
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    try:
        for module, name, value in patches:
            setattr(module, name, value)
        yield plan
    finally:
        for module, name, value in saved:
            setattr(module, name, value)

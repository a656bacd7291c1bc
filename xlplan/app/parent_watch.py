"""Worker processes end when the process that started them ends, however it ended.

A reading process killed with its parent (kill -9, a closed console window, a crash) would
otherwise go on reading for its whole share of files. `end_with_parent` starts a thread that
waits on multiprocessing's own sentinel for the parent (a pipe on POSIX, a process handle on
Windows: both become ready the moment the parent is gone) and then ends this process at once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import wait

__all__ = ["end_with_parent"]


def end_with_parent() -> None:
    """In a child started by multiprocessing: exit as soon as the parent process ends. Elsewhere, nothing."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    threading.Thread(target=_exit_when_ready, args=(parent.sentinel,), name="end-with-parent", daemon=True).start()


def _exit_when_ready(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)  # no cleanup to run: the parent that wanted the results is gone

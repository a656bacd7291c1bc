"""Keep freed memory for the next file instead of handing it back to the system.

Reading a section workbook allocates a few buffers of about a megabyte (the file, its
inflated parts, the text of each sheet) and frees them before the next file. With
glibc's default settings each such buffer is mapped fresh from the system and unmapped when
freed, so every file pays a page fault for every 4 KiB it touches: on the development machine
(a virtual machine) that was a fifth of the whole consolidation. `keep_freed_memory` raises
the two glibc thresholds involved so that the buffers of one file are reused by the next.

Only the thresholds change: nothing is allocated, and memory in use is the same. Up to
`_TRIM_THRESHOLD` of freed memory may stay with the process until it exits. Elsewhere than
glibc (Windows, macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024  # the largest glibc accepts on 64-bit systems
_TRIM_THRESHOLD = 64 * 1024 * 1024
_log = logging.getLogger(__name__)
_done = False


def keep_freed_memory() -> bool:
    """Set glibc to reuse freed buffers of up to 32 MiB (once per process); True when it applied."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    _log.debug("glibc mallopt applied: %s", _done)
    return _done

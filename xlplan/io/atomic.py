"""Write outputs atomically: a temporary file beside the target, then one rename.

A reader of the target sees the old file or the new one, never half of one; a crash leaves
at most a hidden temporary file, which is removed when the writer fails normally.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["atomic_output", "atomic_write"]


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes 0600; others on a shared folder must read it
    try:
        yield tmp
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)` and move the result onto `target` atomically; return `target`."""
    with atomic_output(target) as tmp:
        write(tmp)
    return Path(target)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

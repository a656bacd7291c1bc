"""Write outputs atomically: a temporary file (or folder) beside the target, then one rename.

A reader of the target sees the old output or the new one, never half of one. A failed write
removes its temporary and raises `OutputError` (one Japanese message, exit 3) for any OS error;
a killed one leaves a hidden temporary that the next run writing the same target removes.

Temporary names are ``.NAME.~xlHHHH-PID-RANDOM.tmp``: NAME is the target's name cut so that the
whole stays within the file system's name limit (255 bytes) whatever the target's length; HHHH
tells this machine from others writing to a shared folder and PID says whether the writer still
runs, so only a dead writer's temporaries are removed (or any of ours a day old).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import hashlib
import os
import re
import secrets
import shutil
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import OutputError, os_error_of, shown_text

__all__ = [
    "atomic_directory",
    "atomic_output",
    "atomic_outputs",
    "atomic_write",
    "name_limit",
    "remove_stale_temporaries",
    "temporary_name",
]

_NAME_LIMIT = 255  # bytes: ext4, XFS, APFS, tmpfs; NTFS allows 255 UTF-16 units, never fewer bytes
_STALE_AFTER = 24 * 3600  # seconds: any temporary of ours this old is a dead writer's, wherever it ran
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "surrogateescape")).hexdigest()[:4]
_LEGACY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$", re.S)  # earlier versions (mkstemp): no pid
_TEMPORARY = re.compile(r"^\.(?P<stem>.*)\.~xl(?P<host>[0-9a-f]{4})-(?P<pid>\d+)-[0-9a-z]{6}\.(?P<kind>tmp|old)$", re.S)


def name_limit(folder: Path) -> int:
    """The longest file name, in bytes, the file system of `folder` accepts (255 when it cannot be asked)."""
    try:
        return min(_NAME_LIMIT, os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows has no pathconf
        return _NAME_LIMIT


def temporary_name(target_name: str, kind: str = "tmp", limit: int = _NAME_LIMIT) -> str:
    """A hidden name for a temporary beside `target_name`, within `limit` bytes however long the target's name."""
    tail = f".~xl{_HOST}-{os.getpid()}-{secrets.token_hex(3)}.{kind}"
    room = limit - len(tail.encode()) - 1
    stem = os.fsencode(target_name)[:room]
    while stem and _cut_inside_a_character(stem):
        stem = stem[:-1]
    return "." + os.fsdecode(stem) + tail


def _cut_inside_a_character(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(raw) - 3 and error.reason == "unexpected end of data"
    return False


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporaries a killed run of ours left beside `target`; return what was removed.

    A temporary is stale when its writer ran on this machine and has ended, or when it is a day
    old (so is one named by earlier versions, ``.NAME.XXXXXXXX.tmp``, which carries no pid). A
    folder moved aside to be replaced (``.old``) goes back to `target` when `target` is missing
    (the run was killed between its two renames); otherwise it is removed.
    """
    target = Path(target)
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    removed = []
    for entry in entries:
        if not entry.name.startswith("."):  # every temporary of ours is hidden: most names end here
            continue
        match = _TEMPORARY.match(entry.name)
        legacy = _LEGACY.match(entry.name) if match is None else None
        if (
            legacy is not None
            and legacy["name"] == target.name
            and _old(entry)
            and entry.is_file(follow_symlinks=False)
        ):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            continue
        if match is None or not target.name.startswith(match["stem"]) or not _stale(match, entry):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if match["kind"] == "old" and not os.path.lexists(target):
                os.rename(path, target)
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _stale(match: re.Match[str], entry: os.DirEntry[str]) -> bool:
    pid = int(match["pid"])
    return (match["host"] == _HOST and pid != os.getpid() and not _running(pid)) or _old(entry)


def _old(entry: os.DirEntry[str]) -> bool:
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > _STALE_AFTER
    except OSError:
        return False


def _running(pid: int) -> bool:
    """Whether a process `pid` runs on this machine."""
    if sys.platform == "win32":
        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: not signalled, still running
        finally:
            kernel.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as another user
        return True
    return True


def _prepare(target: Path, made: list[Path], *, folder: bool) -> Path:
    """Create the parent, refuse a target of the other kind or too long a name, clear stale temporaries.

    :param made: receives the folders created here, deepest first (removed again on failure).
    :return: a fresh temporary path beside `target`.
    """
    missing = target.parent
    while not os.path.lexists(missing) and missing != missing.parent:
        made.append(missing)
        missing = missing.parent
    if not missing.is_dir():  # a file where a folder of the path should be
        raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(missing))
    target.parent.mkdir(parents=True, exist_ok=True)
    if len(os.fsencode(target.name)) > name_limit(target.parent):
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), str(target))
    if folder and target.exists() and not target.is_dir():
        raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    if not folder and target.is_dir():
        raise OSError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    remove_stale_temporaries(target)
    return target.parent / temporary_name(target.name, limit=name_limit(target.parent))


@contextlib.contextmanager
def _output_errors(target: list[Path], made: list[Path], temporaries: dict[Path, Path] | None = None) -> Iterator[None]:
    """Undo what failed (the folders `made`); an OS error, wrapped or not, becomes `OutputError`.

    :param target: the output the error is about (`target[0]`; a list, so the caller may move it on).
    :param temporaries: temporary → target: an error naming a temporary is reported against its target.
    """
    try:
        yield
    except BaseException as error:
        _release(error)
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when still empty
        cause = os_error_of(error) if isinstance(error, Exception) and not isinstance(error, OutputError) else None
        if cause is None:
            raise
        named = Path(os.fsdecode(cause.filename)) if isinstance(cause.filename, str | bytes) else None
        raise OutputError.from_os_error(cause, (temporaries or {}).get(named, target[0])) from None


def _release(error: BaseException) -> None:
    """Close now, quietly, the files a failed writer left open (a zip archive XlsxWriter or openpyxl was writing).

    Left to the garbage collector, a full disk would make them print "Exception ignored" with a
    traceback at exit, and on Windows the open temporary could not be removed.
    """
    hook = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, OSError | ValueError):  # ValueError: I/O on the closed file
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:  # the errors met while handling it hold frames too
            seen.add(id(current))
            traceback.clear_frames(current.__traceback__)
            current = current.__cause__ or current.__context__
        gc.collect()
    finally:
        sys.unraisablehook = hook


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step.

    :raises OutputError: on any OS error (the temporary is removed; `target` is as it was).
    """
    with atomic_outputs(target) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_outputs(*targets: Path) -> Iterator[list[Path]]:
    """Yield a temporary path beside each target; on success every one is on disk before any replaces its target.

    For files that belong together (a workbook and the module it calls): a failure while writing
    or syncing leaves every target as it was.

    :raises OutputError: on any OS error, naming the target it met (the temporaries are removed).
    """
    paths = [Path(t) for t in targets]
    made: list[Path] = []
    temporaries: dict[Path, Path] = {}  # temporary → its target
    current = [paths[0]]  # the target an error is reported against
    with _output_errors(current, made, temporaries):
        try:
            for target in paths:
                current[0] = target
                tmp = _prepare(target, made, folder=False)
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as to any user file
                os.close(fd)
                temporaries[tmp] = target
            current[0] = paths[0]
            yield list(temporaries)
            for tmp, target in temporaries.items():
                current[0] = target
                with tmp.open("rb+") as handle:
                    os.fsync(handle.fileno())
            for tmp, target in temporaries.items():
                current[0] = target
                os.replace(tmp, target)
        except BaseException as error:
            _release(error)
            for tmp in temporaries:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            raise


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)` and move the result onto `target` atomically; return `target`."""
    with atomic_output(target) as tmp:
        write(tmp)
    return Path(target)


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside `target`; when the block ends without error it becomes `target`.

    The previous `target` stays until the new folder is complete, then the two are exchanged
    (in one step where the system can, Linux; else by two renames, which a later run completes).
    A previous folder is replaced only when everything in it has a counterpart in the new one
    (a previous run's output, or an empty folder): a folder holding anything else is refused, so
    that no file of the user's is ever removed.

    :raises OutputError: on any OS error, when `target` is a file, or when it holds files the
        new output does not; nothing half-made is left and the previous `target` is intact.
    """
    target = Path(target)
    made: list[Path] = []
    with _output_errors([target], made):
        work = _prepare(target, made, folder=True)
        work.mkdir()
        try:
            yield work
            _refuse_foreign_folder(target, work)
            _put_in_place(work, target)
        except BaseException as error:
            _release(error)
            shutil.rmtree(work, ignore_errors=True)
            if isinstance(error, OutputError):
                raise _named_in(error, work, target) from None
            raise


def _named_in(error: OutputError, work: Path, target: Path) -> OutputError:
    """The error of a file written inside `work`, naming it where the user will look for it: in `target`."""
    inside = Path(error.path) if error.path is not None else None
    if error.os_error is None or inside is None or not inside.is_relative_to(work):
        return error
    return OutputError.from_os_error(error.os_error, target / inside.relative_to(work))


def _refuse_foreign_folder(target: Path, work: Path) -> None:
    """Refuse to replace a folder holding anything the new output `work` has no counterpart for."""
    if not target.is_dir():
        return
    foreign = sorted(_contents(target) - _contents(work))
    if foreign:
        raise OutputError(
            f"出力先フォルダ {shown_text(str(target))} には今回の出力にないもの（{_listed(foreign)}）があります。"
            "フォルダごと置き換えるため、まだないフォルダか空のフォルダを -o で指定してください。"
            "何も書き出していません。",
            target,
            english=f"The output folder {shown_text(str(target))} holds what this run does not write "
            f"({_listed(foreign, 'en')}). The folder is replaced as a whole: give a new or empty folder with -o. "
            "Nothing was written.",
        )


def _contents(folder: Path) -> set[str]:
    """Every file and folder under `folder`, as paths relative to it."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def _listed(names: list[str], lang: str = "ja") -> str:
    shown = ("、" if lang == "ja" else ", ").join(shown_text(n) for n in names[:3])
    if len(names) <= 3:
        return shown
    return f"{shown} など {len(names)} 件" if lang == "ja" else f"{shown} and more, {len(names)} in all"


def _put_in_place(work: Path, target: Path) -> None:
    """Make the complete folder `work` be `target`; the previous `target` is removed last."""
    if not os.path.lexists(target):
        os.rename(work, target)
        return
    if _exchange(work, target):
        shutil.rmtree(work, ignore_errors=True)  # now the previous folder; a kill here leaves a stale temporary
        return
    aside = target.parent / temporary_name(target.name, "old", name_limit(target.parent))
    os.rename(target, aside)
    try:
        os.rename(work, target)
    except BaseException:
        os.rename(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # this file system cannot exchange: two renames
    raise OSError(code, os.strerror(code), str(second))

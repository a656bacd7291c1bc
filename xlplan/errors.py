"""The error root. Library code raises these; only the CLI turns them into exit codes.

XlplanError            (exit 2) the input cannot be used as given; the message says what to do
├── UsageError         (exit 2) the command line itself is wrong
│   ├── InputOverwriteError      an output would replace, or sit in the folder of, an input
│   ├── NoInputError             no workbook was found where the command looked
│   ├── WrongKindError           a workbook of the wrong kind (a section workbook for a master)
│   └── UnknownCodeError         a finding code that is not in the catalog (--skip)
└── OutputError        (exit 3) nothing could be written: the output side failed (full disk,
                                read-only folder, name too long...); inputs and the previous
                                output are intact

Exit 1 is never an error: it means the command ran and found problems at the error level
(`lint`: at the warning level). Each class has a stable `code` (the JSON envelope's
`error.code`) and may carry an English message beside the Japanese one.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = [
    "InputOverwriteError",
    "NoInputError",
    "OutputError",
    "UnknownCodeError",
    "UsageError",
    "WrongKindError",
    "XlplanError",
    "os_error_of",
    "shown_text",
]


class XlplanError(Exception):
    """A failure the user can act on; the message (Japanese, optionally English too) says what to do."""

    exit_code = 2
    code = "input-unusable"

    def __init__(self, message: str = "", *args: object, english: str = "") -> None:
        super().__init__(message, *args)
        self.english = english

    def message(self, lang: str = "ja") -> str:
        """The message in `lang` (Japanese when no English one was given)."""
        return self.english if lang == "en" and self.english else str(self.args[0] if self.args else "")


class UsageError(XlplanError):
    """The command was called wrongly."""

    code = "usage"


class InputOverwriteError(UsageError):
    """An output path is one of the command's inputs, or a folder output would hold one."""

    code = "input-overwrite"


class NoInputError(UsageError):
    """No workbook was found in the files and folders given."""

    code = "no-input"


class WrongKindError(UsageError):
    """A workbook of another kind than the command reads (a section workbook where a master is expected)."""

    code = "wrong-kind"


class UnknownCodeError(UsageError):
    """A finding code that no catalog holds."""

    code = "unknown-code"


class OutputError(XlplanError):
    """Nothing could be written to the output; the message names the path and what to do.

    Raised only after whatever was half-written has been removed: the inputs and the previous
    output are as they were.
    """

    exit_code = 3
    code = "output-unwritable"

    def __init__(
        self, message: str, path: Path | str | None = None, error: OSError | None = None, *, english: str = ""
    ) -> None:
        super().__init__(message, english=english)
        self.path = path
        self.os_error = error

    @classmethod
    def from_os_error(cls, error: OSError, path: Path | str) -> OutputError:
        """The message (Japanese, and English) for an OS error met while writing `path` (the output the user named)."""
        shown = shown_text(os.fspath(path))
        unknown = (error.strerror or str(error) or type(error).__name__,) * 2
        reason, advice = _ADVICE.get(error.errno or 0, (unknown, _ELSEWHERE))
        if error.errno == errno.ENOTDIR and error.filename and os.fspath(error.filename) != os.fspath(path):
            parent = shown_text(os.fsdecode(error.filename))
            reason = (f"途中の {parent} はフォルダではなくファイルです", f"{parent} on the way is a file, not a folder")
        return cls(
            f"出力先 {shown} に書き込めません（{shown_text(reason[0])}）。{advice[0]}。"
            "何も書き出していません（入力と前回の出力はそのままです）。",
            path,
            error,
            english=f"Cannot write to {shown} ({shown_text(reason[1])}). {advice[1]}. "
            "Nothing was written (the inputs and the previous output are as they were).",
        )


# errno → (what happened, what to do), each (Japanese, English); Windows error codes arrive as these errno values too
_ELSEWHERE = ("書き込めるフォルダを -o で指定してください", "Give a folder you can write to with -o")
_PERMISSION = (
    ("書き込む権限がありません", "no permission to write there"),
    (
        "権限のあるフォルダを -o で指定するか、フォルダの権限を確認してください",
        "Give a folder you may write to with -o, or check the folder's permissions",
    ),
)
_ADVICE = {
    errno.EROFS: (("読み取り専用の場所です", "the place is read-only"), _ELSEWHERE),
    errno.EACCES: _PERMISSION,
    errno.EPERM: _PERMISSION,
    errno.ENOSPC: (
        ("ディスクの空きが足りません", "the disk is full"),
        (
            "空きを作るか、別のドライブのフォルダを -o で指定してください",
            "Free some space, or give a folder on another drive with -o",
        ),
    ),
    errno.EDQUOT: (
        ("ディスクの使用量の上限です", "the disk quota is used up"),
        ("空きを作るか、別のフォルダを -o で指定してください", "Free some space, or give another folder with -o"),
    ),
    errno.ENAMETOOLONG: (
        ("名前が長すぎます。1つの名前は255バイトまでです", "the name is too long; one name takes at most 255 bytes"),
        ("短い名前を -o で指定してください", "Give a shorter name with -o"),
    ),
    errno.EEXIST: (
        ("同じ名前のファイルが既にあります", "a file of that name already exists"),
        ("別の名前を -o で指定してください", "Give another name with -o"),
    ),
    errno.ENOTDIR: (
        ("途中の名前はフォルダではなくファイルです", "a name on the way is a file, not a folder"),
        ("フォルダの場所を -o で指定し直してください", "Give the folder's place again with -o"),
    ),
    errno.EISDIR: (
        ("その名前はフォルダです", "that name is a folder"),
        ("ファイルの名前を -o で指定してください", "Give a file name with -o"),
    ),
    errno.EBUSY: (
        ("他のプログラムが使用中です", "another program is using it"),
        ("そのファイルを閉じてからもう一度実行してください", "Close that file and run again"),
    ),
    errno.ENOENT: (
        ("途中のフォルダがありません", "a folder on the way does not exist"),
        ("フォルダの場所を -o で指定し直してください", "Give the folder's place again with -o"),
    ),
}


def os_error_of(error: BaseException) -> OSError | None:
    """The OS error behind `error`: itself, or one a library wrapped (XlsxWriter's FileCreateError)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        wrapped = current.args[0] if current.args and isinstance(current.args[0], OSError) else None
        current = wrapped or current.__cause__ or current.__context__
    return None


def shown_text(text: str) -> str:
    """Text safe to print or write: a file name that is not UTF-8 (surrogate escapes) shows � instead."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:  # the bytes the OS gave (os.fsdecode), each undecodable byte one �
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate from elsewhere
            raw = text.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")
    return text

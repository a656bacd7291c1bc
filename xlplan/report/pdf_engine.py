"""Which program prints the measure cards to PDF: the one place that decides.

Two engines can print them: LibreOffice headless (any OS) and, on Windows, Excel itself through
xlwings (`Book.to_pdf`). `--pdf-engine auto` takes LibreOffice when it is found, else Excel;
`libreoffice` / `excel` ask for one; `none` prints nothing. LibreOffice is looked for where it
really lives: `XLPLAN_SOFFICE` (a path set by the IT department), PATH, then the install folders
of Windows (`C:\\Program Files\\LibreOffice\\program\\soffice.exe`), macOS and Linux packages —
a Windows installer never puts LibreOffice on PATH.

The decision is made before any work starts: a missing engine is a note (the PDF is skipped,
every other output is written), never a failure.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..install import not_installed
from ..notes import Note, note_text

__all__ = [
    "INSTALL_PLACES",
    "SKIPPED_NOTE",
    "SKIPPED_NOTE_EN",
    "SOFFICE_VARIABLE",
    "PdfChoice",
    "PdfEngine",
    "PdfPrinter",
    "choose_pdf_engine",
    "excel_unavailable_reason",
    "find_libreoffice",
]

SOFFICE_VARIABLE = "XLPLAN_SOFFICE"
SKIPPED_NOTE = "施策カードのPDFは作成していません（ほかの出力はすべて書き出しました）。"  # every PDF note starts so
SKIPPED_NOTE_EN = "The measure cards PDF was not made (every other output was written). "  # its English

# Where installers put soffice, by sys.platform; `{NAME}` is an environment variable, `*` a glob.
INSTALL_PLACES: dict[str, tuple[str, ...]] = {
    "win32": (
        r"{ProgramFiles}\LibreOffice\program\soffice.exe",
        r"{ProgramW6432}\LibreOffice\program\soffice.exe",
        r"{ProgramFiles(x86)}\LibreOffice\program\soffice.exe",
        r"{LOCALAPPDATA}\Programs\LibreOffice\program\soffice.exe",
        r"C:\Program Files\LibreOffice\program\soffice.exe",
    ),
    "darwin": (
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "{HOME}/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ),
    "linux": (
        "/usr/lib/libreoffice/program/soffice",
        "/usr/lib64/libreoffice/program/soffice",
        "/opt/libreoffice*/program/soffice",
        "/snap/bin/libreoffice",
    ),
}


class PdfEngine(StrEnum):
    """The value of `--pdf-engine`."""

    AUTO = "auto"
    LIBREOFFICE = "libreoffice"
    EXCEL = "excel"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class PdfPrinter:
    """An engine that was found: LibreOffice (its soffice) or Excel (through xlwings)."""

    engine: PdfEngine
    program: str = ""  # the soffice binary; '' for Excel

    @property
    def label(self) -> str:
        """The engine as the user knows it."""
        return "LibreOffice" if self.engine is PdfEngine.LIBREOFFICE else "Excel"


@dataclass(frozen=True, slots=True)
class PdfChoice:
    """What will print the cards: a printer, or none and the note saying why and how to get one."""

    printer: PdfPrinter | None = None
    note: str = ""  # a `Note` (Japanese, English beside it); '' when a printer was found or no PDF was asked for

    @property
    def wanted(self) -> bool:
        """True when a PDF was asked for (found or not)."""
        return self.printer is not None or bool(self.note)


def find_libreoffice(
    *,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    """The LibreOffice binary: $XLPLAN_SOFFICE, PATH, then the platform's install folders; None if absent.

    :param env: the environment (default: os.environ); install folders use ProgramFiles, HOME, ….
    :param platform: a `sys.platform` value (default: this one).
    :param which: looks a command up on PATH.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    explicit = env.get(SOFFICE_VARIABLE, "").strip().strip('"')
    if explicit and Path(explicit).is_file():
        return explicit
    found = which("soffice") or which("libreoffice")
    if found:
        return found
    for place in INSTALL_PLACES.get(_family(platform), ()):
        try:
            pattern = place.format_map(_Required(env))
        except KeyError:  # the variable is not set: that place does not exist here
            continue
        for candidate in sorted(glob.glob(pattern), reverse=True):  # the newest /opt/libreofficeX.Y first
            if Path(candidate).is_file():
                return candidate
    return None


class _Required(dict):
    """format_map over the environment: an unset (or empty) variable is a KeyError; values are literal, not globs."""

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__((k, glob.escape(v)) for k, v in env.items() if v)


def _family(platform: str) -> str:
    return "linux" if platform.startswith("linux") else platform


def excel_unavailable_reason(
    *,
    platform: str | None = None,
    has_module: Callable[[str], bool] | None = None,
    excel_registered: Callable[[], bool] | None = None,
) -> str:
    """Why Excel cannot print here ('' when it can): not Windows, no xlwings, or no Excel installed.

    The reason is a `Note`: Japanese, with its English beside it.

    :param platform: a `sys.platform` value (default: this one).
    :param has_module: whether a module can be imported (default: importlib's finder).
    :param excel_registered: a callable saying whether Excel is installed (default: the registry).
    """
    platform = sys.platform if platform is None else platform
    has_module = has_module or (lambda name: importlib.util.find_spec(name) is not None)
    if platform != "win32":
        return Note("Excel での印刷は Windows でだけ使えます", "printing with Excel works on Windows only")
    if not has_module("xlwings"):
        return not_installed("xlwings", "excel")
    registered = excel_registered or _excel_in_registry
    if not registered():
        return Note("Excel がインストールされていません", "Excel is not installed")
    return ""


def _excel_in_registry() -> bool:  # pragma: no cover - Windows only
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application\CurVer"):
            return True
    except OSError:
        return False


def choose_pdf_engine(
    wanted: PdfEngine | str = PdfEngine.AUTO,
    *,
    find_soffice: Callable[[], str | None] = find_libreoffice,
    excel_reason: Callable[[], str] = excel_unavailable_reason,
) -> PdfChoice:
    """Decide what prints the measure cards, before any work starts.

    :param wanted: `auto`, `libreoffice`, `excel` or `none`.
    :param find_soffice: finds LibreOffice (for tests: pointed at fake folders).
    :param excel_reason: why Excel cannot print ('' when it can; a `Note` to have it in English too).
    """
    wanted = PdfEngine(wanted)
    if wanted is PdfEngine.NONE:
        return PdfChoice()
    if wanted in (PdfEngine.AUTO, PdfEngine.LIBREOFFICE):
        soffice = find_soffice()
        if soffice:
            return PdfChoice(PdfPrinter(PdfEngine.LIBREOFFICE, soffice))
    excel_missing = excel_reason() if wanted in (PdfEngine.AUTO, PdfEngine.EXCEL) else ""
    if wanted in (PdfEngine.AUTO, PdfEngine.EXCEL) and not excel_missing:
        return PdfChoice(PdfPrinter(PdfEngine.EXCEL))
    return PdfChoice(note=_missing_note(wanted, excel_missing))


_LIBREOFFICE_HINT = (
    "LibreOffice をインストールする（既定のインストール先 C:\\Program Files\\LibreOffice などで見つけます。"
    f"別の場所なら環境変数 {SOFFICE_VARIABLE} に soffice のパスを設定）"
)
_LIBREOFFICE_HINT_EN = (
    "install LibreOffice (it is found in its default folder, such as C:\\Program Files\\LibreOffice; "
    f"elsewhere, set the environment variable {SOFFICE_VARIABLE} to the path of soffice)"
)


def _missing_note(wanted: PdfEngine, excel_missing: str) -> Note:
    skipped, missing_en = SKIPPED_NOTE, note_text(excel_missing, "en")
    if wanted is PdfEngine.LIBREOFFICE:
        return Note(
            f"{skipped}LibreOffice が見つかりません。PDFが必要なら{_LIBREOFFICE_HINT}か、"
            "--pdf-engine excel を使ってください。",
            f"{SKIPPED_NOTE_EN}LibreOffice was not found. For the PDF, {_LIBREOFFICE_HINT_EN}, "
            "or use --pdf-engine excel.",
        )
    if wanted is PdfEngine.EXCEL:
        return Note(
            f"{skipped}Excel で印刷できません: {excel_missing}。",
            f"{SKIPPED_NOTE_EN}Excel cannot print: {missing_en}.",
        )
    return Note(
        f"{skipped}PDFを作るソフトが見つかりません（LibreOffice なし、{excel_missing}）。"
        f"PDFが必要なら{_LIBREOFFICE_HINT}か、Excel のある Windows で実行してください。"
        "PDFが不要なら --no-pdf を付けるとこの案内は出ません。",
        f"{SKIPPED_NOTE_EN}No program to make the PDF was found (no LibreOffice; {missing_en}). "
        f"For the PDF, {_LIBREOFFICE_HINT_EN}, or run on Windows with Excel. "
        "If no PDF is needed, --no-pdf turns this note off.",
    )

"""How xlplan gets installed where it runs, said once: the hints every message gives.

xlplan is not on PyPI. A city installs it from the offline kit (`scripts/build_wheelhouse.py`
writes it: a folder of wheels and INSTALL.txt), so every hint names the kit's folder, and every
command is written with double quotes so that it works in cmd.exe as well as in PowerShell
and POSIX shells (cmd.exe does not understand single quotes).
"""

from __future__ import annotations

from .notes import Note

__all__ = ["KIT_EXAMPLE", "install_command", "not_installed"]

KIT_EXAMPLE = r"D:\xlplan-kit"  # the example folder hints show; INSTALL.txt has the real one


def install_command(extra: str = "", kit: str = KIT_EXAMPLE) -> str:
    """The pip command installing xlplan (with an extra such as "excel") from the offline kit.

    >>> install_command("excel")
    'pip install --no-index --find-links "D:\\\\xlplan-kit" "xlplan[excel]"'
    """
    requirement = f"xlplan[{extra}]" if extra else "xlplan"
    return f'pip install --no-index --find-links "{kit}" "{requirement}"'


def not_installed(package: str, extra: str) -> Note:
    """The message for an optional package that is missing: what to run to get it (no final 。 or .).

    A `Note`: its Japanese, with the English beside it (`note_text(..., "en")`).
    """
    command = install_command(extra)
    return Note(
        f"{package} がインストールされていません（オフラインキットから {command}）",
        f"{package} is not installed (from the offline kit: {command})",
    )

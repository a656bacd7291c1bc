"""The measure cards as a PDF, printed by LibreOffice headless from a cards-only workbook.

The cards are the master's own (`xlplan.io.master_cards`: one A4 page per measure, laid out
like the audit report's measure tables), written into a workbook of their own so that the
PDF holds the cards and nothing else. LibreOffice runs with a fresh, throw-away profile, so
it never meets a user's open LibreOffice or a lock left by another run.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..core.grading import MeasureGrade
from ..core.master.view import shared_marks
from ..core.model import Plan
from ..errors import XlplanError
from ..io.atomic import atomic_output
from ..io.master_cards import write_cards
from ..io.master_style import Styles
from ..io.xlsxwriter_text import TextWorkbook

__all__ = ["find_soffice", "write_cards_pdf", "write_cards_workbook"]


def find_soffice() -> str | None:
    """The LibreOffice binary on PATH (`soffice` or `libreoffice`), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_cards_workbook(path: Path, plan: Plan, grades: Mapping[str, MeasureGrade]) -> Path:
    """Write a workbook holding only the measure cards (施策カード), atomically."""
    with atomic_output(Path(path)) as tmp:
        workbook = TextWorkbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        try:
            workbook.set_properties({"title": f"{plan.name} 第{plan.version}版 施策カード", "creator": "xlplan"})
            write_cards(workbook, Styles(workbook), plan, shared_marks(plan.projects), grades)
        finally:
            workbook.close()
    return Path(path)


def write_cards_pdf(
    path: Path, plan: Plan, grades: Mapping[str, MeasureGrade], *, soffice: str | None = None, timeout: int = 600
) -> Path:
    """Print the measure cards to a PDF at `path` with LibreOffice headless.

    :param path: the PDF to write (replaced atomically).
    :param plan: the plan whose measures get a card each.
    :param grades: computed grades by measure ID (printed on the cards).
    :param soffice: the LibreOffice binary (default: found on PATH).
    :param timeout: seconds LibreOffice may take.
    :raises XlplanError: when LibreOffice is missing or fails.
    """
    binary = soffice or find_soffice()
    if binary is None:
        raise XlplanError(
            "施策カードのPDFを作るには LibreOffice が必要です（Debian: apt-get install libreoffice-calc-nogui "
            "fonts-noto-cjk）。PDFが不要なら --no-pdf を付けてください。"
        )
    with tempfile.TemporaryDirectory(prefix="xlplan-cards-") as work:
        folder = Path(work)
        source = write_cards_workbook(folder / "cards.xlsx", plan, grades)
        profile = folder / "profile"
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise XlplanError(f"LibreOffice が {timeout} 秒以内に施策カードのPDFを作れませんでした。") from None
        except (subprocess.CalledProcessError, OSError) as error:
            raise XlplanError(f"LibreOffice で施策カードのPDFを作れませんでした（{error}）。") from None
        produced = folder / "cards.pdf"
        if not produced.exists():
            raise XlplanError("LibreOffice が施策カードのPDFを書き出しませんでした。")
        with atomic_output(Path(path)) as tmp:
            shutil.copyfile(produced, tmp)
    return Path(path)

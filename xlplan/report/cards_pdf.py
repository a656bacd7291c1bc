"""The measure cards as a PDF, printed from a cards-only workbook by LibreOffice or Excel.

The cards are the master's own (`xlplan.io.master_cards`: one A4 page per measure, laid out
like the audit report's measure tables), written into a workbook of their own so that the
PDF holds the cards and nothing else. Which program prints is decided in `pdf_engine`.
LibreOffice runs headless with a fresh, throw-away profile, so it never meets a user's open
LibreOffice or a lock left by another run; Excel runs as its own hidden instance (xlwings),
so the user's open workbooks are not touched.
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
from ..notes import note_text
from .pdf_engine import PdfEngine, PdfPrinter, choose_pdf_engine

__all__ = ["write_cards_pdf", "write_cards_workbook"]


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
    path: Path,
    plan: Plan,
    grades: Mapping[str, MeasureGrade],
    *,
    printer: PdfPrinter | None = None,
    timeout: int = 600,
) -> Path:
    """Print the measure cards to a PDF at `path` with LibreOffice headless or Excel.

    :param path: the PDF to write (replaced atomically).
    :param plan: the plan whose measures get a card each.
    :param grades: computed grades by measure ID (printed on the cards).
    :param printer: the engine (default: `choose_pdf_engine("auto")`).
    :param timeout: seconds LibreOffice may take.
    :raises XlplanError: when no engine is found or it fails.
    """
    if printer is None:
        choice = choose_pdf_engine()
        if choice.printer is None:
            raise XlplanError(choice.note, english=note_text(choice.note, "en"))
        printer = choice.printer
    with tempfile.TemporaryDirectory(prefix="xlplan-cards-") as work:
        folder = Path(work)
        source = write_cards_workbook(folder / "cards.xlsx", plan, grades)
        produced = folder / "cards.pdf"
        if printer.engine is PdfEngine.EXCEL:
            _print_with_excel(source, produced)
        else:
            _print_with_libreoffice(printer.program, source, folder, timeout)
        if not produced.exists() or produced.stat().st_size == 0:
            raise XlplanError(
                f"{printer.label} が施策カードのPDFを書き出しませんでした。",
                english=f"{printer.label} did not write the PDF of the measure cards.",
            )
        with atomic_output(Path(path)) as tmp:
            shutil.copyfile(produced, tmp)
    return Path(path)


def _print_with_libreoffice(soffice: str, source: Path, folder: Path, timeout: int) -> None:
    command = [
        soffice,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
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
        raise XlplanError(
            f"LibreOffice が {timeout} 秒以内に施策カードのPDFを作れませんでした。",
            english=f"LibreOffice could not make the PDF of the measure cards within {timeout} seconds.",
        ) from None
    except (subprocess.CalledProcessError, OSError) as error:
        raise XlplanError(
            f"LibreOffice で施策カードのPDFを作れませんでした（{error}）。",
            english=f"LibreOffice could not make the PDF of the measure cards ({error}).",
        ) from None


def _print_with_excel(source: Path, pdf: Path) -> None:
    """Open the cards workbook in a hidden Excel of our own and export it (`Book.to_pdf`)."""
    import xlwings as xw

    try:
        app = xw.App(visible=False, add_book=False)
    except Exception as error:  # COM errors have no common base class worth naming
        raise XlplanError(
            f"Excel を起動できず、施策カードのPDFを作れませんでした（{error}）。",
            english=f"Excel could not be started, so the PDF of the measure cards was not made ({error}).",
        ) from None
    try:
        app.display_alerts = False
        book = app.books.open(str(source), read_only=True)
        try:
            book.to_pdf(str(pdf))
        finally:
            book.close()
    except Exception as error:
        raise XlplanError(
            f"Excel で施策カードのPDFを作れませんでした（{error}）。",
            english=f"Excel could not make the PDF of the measure cards ({error}).",
        ) from None
    finally:
        app.quit()

"""LibreOffice headless as a test oracle: convert files and recalculate formulas.

Only tests use it; its re-saved files are never handed to users.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice binary; skip the test locally when it is missing, fail under CI."""
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: .ci/run must install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    return SOFFICE


def convert(source: Path, fmt: str, outdir: Path, *, timeout: int = 180) -> Path:
    """Convert `source` with LibreOffice (`fmt` as for --convert-to, e.g. "xls", "ods", "pdf")."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    extension = fmt.split(":")[0]
    result = outdir / f"{source.stem}.{extension}"
    assert result.exists(), f"LibreOffice did not write {result}"
    return result


def recalculate(sources: Sequence[Path], outdir: Path, *, timeout: int = 300) -> list[Path]:
    """Open workbooks in LibreOffice, recalculate every formula and save them as .xlsx in `outdir`.

    One soffice run handles all `sources` (start-up dominates the cost). The copies carry
    LibreOffice's computed results as cached values (openpyxl `data_only=True` reads them). They are
    test artefacts only, never handed to users.
    """
    for source in sources:
        assert source.parent.resolve() != outdir.resolve(), "write the recalculated copies elsewhere"
    return _convert_all(sources, "xlsx:Calc MS Excel 2007 XML", "xlsx", outdir, timeout)


# The PDF filter that writes one bookmark per sheet: pages can then be counted per sheet.
PDF_WITH_SHEET_BOOKMARKS = 'pdf:calc_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":"true"}}'


def print_to_pdf(sources: Sequence[Path], outdir: Path, *, timeout: int = 600) -> list[Path]:
    """Print workbooks to PDF in one LibreOffice run, each sheet bookmarked (`pages_per_sheet`)."""
    return _convert_all(sources, PDF_WITH_SHEET_BOOKMARKS, "pdf", outdir, timeout)


def pages_per_sheet(pdf: Path) -> dict[str, int]:
    """Pages per sheet of a PDF LibreOffice printed from a workbook (from its sheet bookmarks)."""
    from pypdf import PdfReader  # a dev dependency, needed only here

    reader = PdfReader(pdf)
    marks = [mark for mark in reader.outline if not isinstance(mark, list)]
    starts = sorted((reader.get_destination_page_number(mark), mark.title) for mark in marks)
    ends = [first for first, _ in starts[1:]] + [len(reader.pages)]
    return {title: end - first for (first, title), end in zip(starts, ends, strict=True)}


def _convert_all(sources: Sequence[Path], fmt: str, extension: str, outdir: Path, timeout: int) -> list[Path]:
    """Convert `sources` in one soffice run (start-up dominates the cost); the results by source."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    results = [outdir / f"{source.stem}.{extension}" for source in sources]
    for result in results:
        assert result.exists(), f"LibreOffice did not write {result}"
    return results

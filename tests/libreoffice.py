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
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    for source in sources:
        assert source.parent.resolve() != outdir.resolve(), "write the recalculated copies elsewhere"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    results = [outdir / f"{source.stem}.xlsx" for source in sources]
    for result in results:
        assert result.exists(), f"LibreOffice did not write {result}"
    return results

"""Print every output of the demo to PDF and count the A4 pages per sheet.

Usage: python scripts/print_pages.py [FOLDER]

Runs `xlplan demo` into FOLDER (a temporary folder when omitted; its cards.pdf is counted as
printed), `xlplan revise` on its master (改訂資料) and `revise --changes-template` (the changes
workbook), then converts each workbook to PDF with LibreOffice headless (one bookmark per sheet
gives the pages per sheet) and report.html with headless Chromium.
Prints one line per output: total pages, then pages per sheet. Needs LibreOffice, Chromium
and pypdf (a dev dependency).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

# The PDF filter that writes one bookmark per sheet, so pages can be counted per sheet.
PDF_FILTER = 'pdf:calc_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":"true"}}'
SECTION = "企画財政部情報統計課"  # the brief's example section (7 measures, two co-owned)


def pages_per_sheet(pdf: Path) -> dict[str, int]:
    """Pages per sheet of a PDF LibreOffice printed from a workbook (from its sheet bookmarks)."""
    reader = PdfReader(pdf)
    marks = [mark for mark in reader.outline if not isinstance(mark, list)]
    starts = sorted((reader.get_destination_page_number(mark), mark.title) for mark in marks)
    counts: dict[str, int] = {}
    for index, (first, title) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(reader.pages)
        counts[title] = end - first
    return counts


def libreoffice_pdfs(workbooks: list[Path], folder: Path) -> list[Path]:
    """Convert workbooks to PDF in one LibreOffice run (a throw-away profile)."""
    profile = folder / "lo-profile"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(folder),
            *map(str, workbooks),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return [folder / f"{path.stem}.pdf" for path in workbooks]


def chromium_pdf(html: Path, pdf: Path) -> Path:
    """Print an HTML page to an A4 PDF with headless Chromium."""
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return pdf


def make_outputs(folder: Path) -> dict[str, Path]:
    """Run the demo and the revision into `folder`; the workbooks and page to print, by label."""
    demo = folder / "demo"
    subprocess.run(["xlplan", "demo", "-o", str(demo)], check=True, capture_output=True)
    subprocess.run(
        ["xlplan", "revise", str(demo / "master.xlsx"), "-o", str(folder / "rev")], check=True, capture_output=True
    )
    subprocess.run(
        ["xlplan", "revise", str(demo / "master.xlsx"), "--changes-template", "-o", str(folder / "changes.xlsx")],
        check=True,
        capture_output=True,
    )
    return {
        "調査票（課所室）": demo / "sections" / f"{SECTION}.xlsx",
        "評価シート付きの写し": demo / "graded" / f"{SECTION}.xlsx",
        "マスター計画": demo / "master.xlsx",
        "変更ワークブック": folder / "changes.xlsx",
        "改訂資料": next((folder / "rev").glob("改訂資料_*.xlsx")),
        "施策カード": demo / "report" / "cards.pdf",
        "report.html": demo / "report" / "report.html",
    }


def measure(folder: Path) -> dict[str, dict[str, int]]:
    """Pages per sheet (report.html: one entry) for every output, by label."""
    outputs = make_outputs(folder)
    pdf_folder = folder / "pdf"
    pdf_folder.mkdir(exist_ok=True)
    workbooks = {label: path for label, path in outputs.items() if path.suffix == ".xlsx"}
    # Two outputs share the section's file name: copy each workbook under its own name first.
    staged = []
    for index, (label, path) in enumerate(workbooks.items()):
        copy = pdf_folder / f"{index:02d}.xlsx"
        shutil.copyfile(path, copy)
        staged.append((label, copy))
    pdfs = libreoffice_pdfs([copy for _, copy in staged], pdf_folder)
    result = {label: pages_per_sheet(pdf) for (label, _), pdf in zip(staged, pdfs, strict=True)}
    result["施策カード"] = {"施策カード": len(PdfReader(outputs["施策カード"]).pages)}
    html_pdf = chromium_pdf(outputs["report.html"], pdf_folder / "report.pdf")
    result["report.html"] = {"(A4)": len(PdfReader(html_pdf).pages)}
    return result


def main() -> None:
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
        folder.mkdir(parents=True, exist_ok=True)
        result = measure(folder)
    else:
        with tempfile.TemporaryDirectory(prefix="xlplan-pages-") as work:
            result = measure(Path(work))
    for label, sheets in result.items():
        detail = "、".join(f"{sheet} {count}" for sheet, count in sheets.items())
        print(f"{label}: {sum(sheets.values())} ページ（{detail}）")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

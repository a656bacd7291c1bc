"""Headless Chromium (Debian `chromium`) as a test oracle: open an HTML file, take a screenshot.

Only tests use it. Locally the tests skip without Chromium; under CI (CI=true) they fail, as
`.ci/run` installs it. Host names resolve to nothing, so a page that tried to load anything
from the network would show it; a tiny PNG decoder lets tests look at the pixels without an
imaging library.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def require_chromium() -> str:
    """The Chromium binary; skip the test locally when it is missing, fail under CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run must install the Debian package chromium")
        pytest.skip("Chromium (chromium) is not installed")
    return CHROMIUM


def screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 2000, timeout: int = 120) -> Path:
    """Render `page` in headless Chromium (offline, fresh profile) and save a PNG of the viewport."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _chromium(page, [f"--screenshot={png}", f"--window-size={width},{height}"], timeout)
    assert png.exists(), f"Chromium did not write {png}"
    return png


def print_pdf(page: Path, pdf: Path, *, timeout: int = 120) -> Path:
    """Print `page` to PDF with headless Chromium, as a user's 印刷 would (its print CSS, A4)."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    _chromium(page, [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"], timeout)
    assert pdf.exists(), f"Chromium did not write {pdf}"
    return pdf


def _chromium(page: Path, action: list[str], timeout: int) -> None:
    chromium = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",  # root in a container
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: the page must be self-contained
                f"--user-data-dir={profile}",
                *action,
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )


def png_pixels(path: Path, *, max_rows: int | None = None) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG: width, height and each row's RGB bytes.

    :param max_rows: decode only the top rows (pure Python is slow: about 1.5 s per 1,000 rows).
    """
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB(A) non-interlaced PNGs"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(min(height, max_rows or height)):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        previous = line
        rows.append(bytes(b for i, b in enumerate(line) if channels == 3 or i % 4 != 3))
    return width, height, rows


def count_colour(rows: list[bytes], hex_colour: str) -> int:
    """How many pixels have exactly this colour (#RRGGBB)."""
    rgb = bytes.fromhex(hex_colour.lstrip("#"))
    return sum(1 for row in rows for i in range(0, len(row), 3) if row[i : i + 3] == rgb)

"""What each hostile file costs: bounded work and under 200 MB of memory, measured, not assumed.

Each case runs `check_paths` in a forked child (so a failed guard kills the child, not the test
run). The child resets its peak resident size (`/proc/self/clear_refs`), runs the check and
reports the rise of `VmHWM` over its starting `VmRSS` (the memory the file made the process
take) and the reader's own count of work (`package.WORK`): bytes inflated from the zip, never
more than `max_uncompressed_bytes`, and bytes of XML parsed, each inflated byte at most twice
(a fast scan that declines, then the streamed scan). Work, not time: a busy machine makes a
test slower, never red. Timings live in `scripts/bench_consolidate.py`. An address-space limit
of 2 GiB above the start is a safety net only. Run with `-s` to see the table of costs.
"""

from __future__ import annotations

import json
import os
import re
import resource
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import corpus
from xlplan.app.check import check_paths
from xlplan.io.xlsx.limits import DEFAULT_LIMITS
from xlplan.io.xlsx.package import WORK

MEMORY_MB = 200


@dataclass(frozen=True, slots=True)
class Cost:
    """Peak memory over the start (MiB), bytes inflated and parsed, and the finding codes."""

    peak_mib: float
    inflated: int
    parsed: int
    codes: list[str]


def _status(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))  # type: ignore[union-attr]


def measure(function: Callable[[], list[str]]) -> Cost:
    """Run `function` in a forked child; its peak memory rise, the reader's work and the result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        payload: dict[str, object]
        try:
            os.close(read_end)
            start_vm = _status("VmSize") * 1024
            resource.setrlimit(resource.RLIMIT_AS, (start_vm + (2 << 30), resource.RLIM_INFINITY))
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current VmRSS
            start_rss = _status("VmRSS")
            WORK.inflated = WORK.parsed = 0
            codes = function()
            peak = (_status("VmHWM") - start_rss) / 1024
            payload = {"peak_mib": peak, "inflated": WORK.inflated, "parsed": WORK.parsed, "codes": codes}
        except BaseException as error:
            payload = {"error": repr(error)}
        os.write(write_end, json.dumps(payload).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert data, f"the child died (wait status {status}): the guard did not hold"
    result = json.loads(data)
    assert "error" not in result, result["error"]
    return Cost(**result)


def _garbage(rows: int) -> Callable[[bytes], bytes]:
    """Rows of 16 wrong values each in KPI: one finding per cell, the dearest file to check."""

    def build(data: bytes) -> bytes:
        cells = lambda r: "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>x{r}?</t></is></c>' for c in "ABCDEFGHIJKLMNOP")  # noqa: E731
        body = "".join(f'<row r="{r}">{cells(r)}</row>' for r in range(200, 200 + rows))
        return corpus.edit_sheet(data, "KPI", lambda xml: xml.replace("</sheetData>", body + "</sheetData>"))

    return build


def _styled_blanks(data: bytes) -> bytes:
    """About 30 MB of formatted empty cells (no value: nothing to keep, the scan still reads them)."""
    import random

    part = corpus.sheet_part(data, "KPI")
    head, _, tail = corpus.members(data)[part].partition(b"</sheetData>")
    styles = random.Random(0).choices(range(1, 10), k=100_000)  # varied, so it compresses like real XML
    block = b"<row>" + b"".join(b'<c s="%d"/>' % s for s in styles) + b"</row>"
    member = corpus.repeated_member(part, head, block, 30 * corpus.MIB // len(block), b"</sheetData>" + tail)
    return corpus.rebuild(data, {part: None}, [member])


CASES: dict[str, Callable[[bytes], bytes]] = {
    "zip bomb 3 GiB": corpus.zip_bomb,
    "zip bomb ratio 1000": corpus.small_bomb,
    "lying header": corpus.lying_header,
    "overlapping parts": corpus.overlapping,
    "5,000 parts": corpus.many_parts,
    "billion laughs": corpus.entity_bomb,
    "external entity": corpus.external_entity,
    "a million rows": corpus.million_rows,
    "value at XFD1048576": corpus.far_cell,
    "value at XFD100": lambda d: corpus.far_cell(d, "XFD100"),
    "shared string in 20,000 cells": corpus.shared_string_bomb,
    "40,000-character cell": corpus.too_long_text,
    "20,000 merges": corpus.many_merges,
    "150 sheets": corpus.many_sheets,
    "duplicate sheet": corpus.duplicate_sheet,
    f"{DEFAULT_LIMITS.max_filled_cells - 2_000:,} wrong values (under the limit)": _garbage(
        (DEFAULT_LIMITS.max_filled_cells - 2_000) // 16
    ),
    "30 MB of formatted blank cells (under the limit)": _styled_blanks,
}


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Import and warm pandera once in the parent, so children measure the file, not the imports."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        path.write_bytes(corpus.base_workbook())
        check_paths([path])


@pytest.mark.parametrize("build", list(CASES.values()), ids=list(CASES))
def test_a_hostile_file_costs_bounded_work_and_under_200_mb(tmp_path, request, build):
    path = tmp_path / "提出.xlsx"
    path.write_bytes(build(corpus.base_workbook()))

    cost = measure(lambda: [f.code.value for c in check_paths([path]) for f in c.report.findings])

    shown = f"{cost.peak_mib:7.1f} MiB {cost.inflated / 2**20:6.1f} MiB inflated {cost.parsed / 2**20:6.1f} MiB parsed"
    print(f"\nCOST {request.node.callspec.id:<55} {shown}  {cost.codes[:1]}")
    if "under the limit" not in request.node.callspec.id:
        assert cost.codes, "every hostile case ends in at least one finding"
    assert cost.peak_mib < MEMORY_MB
    assert cost.inflated <= DEFAULT_LIMITS.max_uncompressed_bytes
    assert cost.parsed <= 2 * cost.inflated

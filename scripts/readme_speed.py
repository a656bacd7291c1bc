"""Rewrite README's "How fast" figures from the benchmarks' own output.

    python scripts/bench_consolidate.py --sections 130 500 2000 --json-out consolidate.json
    python scripts/bench_sections.py --json > sections.json
    python scripts/bench_lint.py --master MASTER.xlsx --json-out lint.json
    python scripts/bench_revise.py --sections 2000 --json-out revise.json
    python scripts/readme_speed.py --consolidate consolidate.json --sections sections.json --lint lint.json \
        --revise revise.json --demo-runs 3

Replaces the text between `<!-- speed:begin -->` and `<!-- speed:end -->` in README.md with
tables built from the JSON the benchmarks wrote (machine and load included), and, with
`--demo-runs N`, runs `xlplan demo` N times as whole processes and writes their median between
`<!-- demo-time:begin -->` and `<!-- demo-time:end -->`. Nothing is typed by hand: re-run the
benchmarks, then this script. `--check` prints the block instead of writing it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
SPEED = ("<!-- speed:begin -->", "<!-- speed:end -->")
DEMO = ("<!-- demo-time:begin -->", "<!-- demo-time:end -->")
COLUMNS = (
    ("a", "(a) calamine"),
    ("aN", "(aN) calamine, N procs"),
    ("b", "(b) openpyxl read_only"),
    ("c1", "(c1) consolidate --jobs 1"),
    ("cN", "(cN) consolidate default"),
    ("d", "(d) pandas script"),
)


def consolidate_block(data: dict) -> list[str]:
    """The consolidate tables: CPU (wall) per measurement, targets, phases per file."""
    machine = data["machine"]
    lines = [
        f"`scripts/bench_consolidate.py`, {machine['cpus']} CPUs shared with other jobs (load average "
        f"{machine['load']:.1f} at the end of the run), Python {machine['python']}; CPU seconds of whole "
        "processes, imports and reading processes included (wall seconds in brackets), median of "
        f"{' / '.join(str(r['rounds']) for r in data['results'])} interleaved round(s):",
        "",
        "| sections | " + " | ".join(label for _, label in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for result in data["results"]:
        cells = []
        for key, _ in COLUMNS:
            row = result.get(key)
            cells.append(f"{row['cpu']:.2f} s ({row['wall']:.1f} s)" if row else "–")
        lines.append(f"| {result['sections']:,} (N = {result['procs']}) | " + " | ".join(cells) + " |")
    names = list(dict.fromkeys(name for result in data["results"] for name in result["targets"]))
    lines += ["", "| sections | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for result in data["results"]:
        cells = []
        for name in names:
            if name not in result["targets"]:
                cells.append("–")
                continue
            value, target, met = result["targets"][name]
            cells.append(f"{value:g} ({target}: {'met' if met else '**not met**'})")
        lines.append(f"| {result['sections']:,} | " + " | ".join(cells) + " |")
    lines += ["", *bounds(data["results"])]
    phases = [p for p in data["results"][0]["phases"]]
    lines += _table(
        "Phases of one in-process `consolidate --jobs 1`, CPU seconds (ms per file):",
        phases,
        [
            (r["sections"], [f"{r['phases'][p]:.2f} ({r['phases'][p] / r['sections'] * 1000:.2f})" for p in phases])
            for r in data["results"]
        ],
    )
    peaks = [r for r in data["results"] if r.get("phase_peak_mb")]
    if peaks:
        names = list(peaks[0]["phase_peak_mb"])
        lines += _table(
            "Peak resident memory of that run while each phase ran, MB:",
            names,
            [(r["sections"], [f"{r['phase_peak_mb'][n]:.0f}" for n in names]) for r in peaks],
        )
    return lines


def _table(caption: str, columns: list[str], rows: list[tuple[int, list[str]]]) -> list[str]:
    """A captioned Markdown table, one row per size."""
    lines = ["", caption, "", "| sections | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    return lines + [f"| {sections:,} | " + " | ".join(cells) + " |" for sections, cells in rows]


def bounds(results: list[dict]) -> list[str]:
    """What the scripts' own ratio allows: b/c1 >= 10 and c1/a <= 2 together need b/a >= 20."""
    shown = []
    for result in results:
        if all(key in result for key in ("a", "b", "c1")):
            a, b, c1 = (result[key]["cpu"] for key in ("a", "b", "c1"))
            shown.append(
                f"{result['sections']:,}: b/a = {b / a:.1f}, so b/c1 >= 10 needs c1 <= {b / 10:.2f} s "
                f"= {b / 10 / a:.2f}× a (c1 is {c1 / a:.2f}× a)"
            )
    lines = []
    if shown:
        lines.append(
            "The two CPU ratio targets bound each other: b/c1 ≥ 10 and c1/a ≤ 2 together need b/a ≥ 20, and "
            "the openpyxl script (b) costs only so many times calamine (a) here — " + "; ".join(shown) + "."
        )
    measured = [r for r in results if all(key in r for key in ("a", "i", "s"))]
    floor = {r["sections"]: (r["i"]["cpu"] + r["a"]["cpu"] - r["s"]["cpu"]) / r["a"]["cpu"] for r in measured}
    if floor:
        over = [f"{n:,}" for n, times in floor.items() if times > 2.0]
        lines += [
            "",
            "Importing pandera (the design's validation) costs (i) − (s) of CPU before a row is read, so no "
            "consolidate that validates with pandera costs less than (i) + (a) − (s), in multiples of (a): "
            + "; ".join(f"{n:,} sections: {times:.2f}× a" for n, times in floor.items())
            + "."
            + (f" Above 2.0, c1/a ≤ 2 cannot be met at {', '.join(over)} sections by any such design." if over else ""),
        ]
    return lines


def sections_block(data: dict) -> list[str]:
    """The section-workbook writer's line."""
    met = {True: "met", False: "**not met**"}
    return [
        f"Writing pre-filled section workbooks (`scripts/bench_sections.py`, {data['cpus']} CPUs, load "
        f"{data['load']:.1f}): {data['sections']} workbooks in {data['new_cpu_s']:.2f} s of CPU "
        f"({data['new_wall_s']:.1f} s wall; target ≤ 5 s: {met[data['target_cpu_met']]}), "
        f"{data['new_cpu_per_workbook_ms']:.1f} ms each against {data['reference_cpu_per_workbook_ms']:.0f} ms "
        f"for the openpyxl writer it replaced, timed on {data['reference_workbooks']} of the same workbooks "
        f"in the same run: {data['ratio']:.0f}× (target ≥ 20×: {met[data['target_ratio_met']]}).",
    ]


def lint_block(data: dict) -> list[str]:
    """The findings table's line."""
    return [
        f"`xlplan lint` on a master with {data['findings']:,} findings (`scripts/bench_lint.py`, load "
        f"{data['load']:.1f}): {data['table']:.2f} s of CPU with the table against {data['json']:.2f} s with "
        f"`--json`, {data['ratio']:.2f}× (target ≤ 1.5: {'met' if data['met'] else '**not met**'}).",
    ]


def revise_block(data: dict) -> list[str]:
    """`revise` on a city-sized master: the whole command, then its phases."""
    phases = data.get("phases", {})
    per_book = data["cpu"] / data["workbooks"] * 1000
    line = (
        f"`xlplan revise` on the master of {data['sections']:,} sections (`scripts/bench_revise.py`, "
        f"{data['cpus']} CPUs, load {data['load']:.1f}): {data['cpu']:.1f} s of CPU ({data['wall']:.1f} s wall, "
        f"peak {data['rss_mb']} MB) for the new master, the 改訂資料 and {data['workbooks']:,} pre-filled section "
        f"workbooks, {per_book:.1f} ms of CPU per workbook all included (target under 60 s: "
        f"{'met' if data['met'] else '**not met**'})"
    )
    if phases:
        shown = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items() if name not in ("workbooks",))
        line += f"; phases of one in-process run: {shown}"
    return [line + "."]


def demo_seconds(runs: int) -> str:
    """Median wall and CPU seconds of `runs` whole `xlplan demo` processes."""
    walls, cpus = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="xlplan-demo-") as folder:
            start = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "xlplan", "demo", "-o", folder],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _, status, usage = os.wait4(process.pid, 0)
            walls.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) not in (0, 1):
                raise SystemExit("xlplan demo failed")
    return (
        f"in {statistics.median(walls):.0f} s (median of {runs} runs; {statistics.median(cpus):.0f} s of CPU, "
        f"load {os.getloadavg()[0]:.1f})"
    )


def replace_between(text: str, markers: tuple[str, str], body: str) -> str:
    """`text` with what lies between the two markers replaced by `body`."""
    pattern = re.compile(re.escape(markers[0]) + ".*?" + re.escape(markers[1]), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {markers[0]} … {markers[1]}")
    return pattern.sub(lambda _: markers[0] + body + markers[1], text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consolidate", type=Path, help="JSON written by bench_consolidate.py --json-out")
    parser.add_argument("--sections", type=Path, help="JSON printed by bench_sections.py --json")
    parser.add_argument("--lint", type=Path, help="JSON written by bench_lint.py --json-out")
    parser.add_argument("--revise", type=Path, help="JSON written by bench_revise.py --json-out")
    parser.add_argument("--demo-runs", type=int, default=0, help="run `xlplan demo` this many times")
    parser.add_argument("--check", action="store_true", help="print instead of writing README.md")
    args = parser.parse_args(argv)
    block: list[str] = []
    if args.consolidate:
        block += consolidate_block(json.loads(args.consolidate.read_text()))
    if args.sections:
        block += ["", *sections_block(json.loads(args.sections.read_text()))]
    if args.lint:
        block += ["", *lint_block(json.loads(args.lint.read_text()))]
    if args.revise:
        block += ["", *revise_block(json.loads(args.revise.read_text()))]
    text = README.read_text()
    if block:
        text = replace_between(text, SPEED, "\n" + "\n".join(block).strip() + "\n")
    if args.demo_runs:
        text = replace_between(text, DEMO, demo_seconds(args.demo_runs))
    if args.check:
        print(text[text.index(SPEED[0]) : text.index(SPEED[1]) + len(SPEED[1])])
        return 0
    README.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark `xlplan revise` on a city-sized master: CPU and wall of the whole command, phase by phase.

    python scripts/bench_revise.py                                  # 2,000 sections
    python scripts/bench_revise.py --sections 2000 --keep /tmp/bench   # reuses bench_consolidate's files
    python scripts/bench_revise.py --master master.xlsx --json-out revise.json

Builds the master as `bench_consolidate.py` does (N generated section workbooks, merged by
`xlplan consolidate`), unless --master is given, then runs `python -m xlplan revise MASTER -o DIR
--json` as a whole process (imports included) and prints its CPU seconds (user + system of the
process and every process it waited for, from wait4), wall seconds and peak RSS. Target: under
60 s of CPU at 2,000 sections (issue #20), printed as met or NOT met.

Then one in-process `revise` is timed phase by phase (CPU seconds, and ms per section workbook):
read the master, grade and propose, apply, write the master, the 改訂資料, the CSV and the
pre-filled section workbooks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_consolidate import PhaseMeter, generate, run_process, time_calls

TARGET_CPU_S = 60.0
PHASES = (
    ("read_master", "read master"),
    ("_proposals", "grade and propose"),
    ("apply", "apply"),
    ("write_master", "write master"),
    ("write_revision_book", "write 改訂資料"),
    ("write_comparison_csv", "write CSV"),
    ("write_section_workbooks", "write sections"),
)


def build_master(sections: int, keep: Path | None, work: Path) -> Path:
    """The master of `sections` generated section workbooks, merged by `xlplan consolidate`."""
    directory = (keep or work) / str(sections)
    generate(directory, sections)
    master = work / "master.xlsx"
    subprocess.run(
        [sys.executable, "-m", "xlplan", "consolidate", str(directory), "-o", str(master), "--json"],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if not master.exists():
        raise SystemExit(f"consolidate wrote no master from {directory}")
    return master


def timed_phases(master: Path, out: Path) -> dict[str, float]:
    """CPU seconds of each phase of one in-process `revise` (the functions `app.revise` calls)."""
    import xlplan.app.revise as revise_module

    meter = PhaseMeter()
    originals = time_calls(revise_module, dict(PHASES), meter)
    start = time.process_time()
    try:
        result = revise_module.revise(master, out)
    finally:
        meter.finish()
        for module, name, original in originals:
            setattr(module, name, original)
    spent: dict[str, float] = {label: meter.cpu.get(label, 0.0) for _, label in PHASES}
    spent["total"] = time.process_time() - start
    spent["other"] = spent["total"] - sum(v for k, v in spent.items() if k != "total")
    spent["workbooks"] = len(result.sections)
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=2000)
    parser.add_argument("--keep", type=Path, default=None, help="folder of bench_consolidate.py --keep")
    parser.add_argument("--master", type=Path, default=None, help="revise this master instead of building one")
    parser.add_argument("--skip-phases", action="store_true", help="time the whole process only")
    parser.add_argument("--json-out", type=Path, default=None, help="also write the figures here (README)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xlplan-bench-revise-"))
    try:
        master = args.master or build_master(args.sections, args.keep, work)
        print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
        print(f"master: {master} ({master.stat().st_size / 1e6:.1f} MB)")
        out = work / "revised"
        run = run_process([sys.executable, "-m", "xlplan", "revise", str(master), "-o", str(out), "--json"], work)
        workbooks = len(list((out / "sections").glob("*.xlsx")))
        shutil.rmtree(out, ignore_errors=True)
        met = run["cpu"] < TARGET_CPU_S
        print(
            f"xlplan revise (whole process): {run['cpu']:.2f} s CPU, {run['wall']:.2f} s wall, "
            f"peak {run['rss_mb']:.0f} MB; {workbooks} section workbooks "
            f"({run['cpu'] / workbooks * 1000:.1f} ms of CPU per workbook, everything included)"
        )
        print(f"  target: under {TARGET_CPU_S:.0f} s of CPU: {'met' if met else 'NOT met'}")
        figures: dict[str, object] = {
            "sections": args.sections,
            "workbooks": workbooks,
            "cpu": round(run["cpu"], 2),
            "wall": round(run["wall"], 2),
            "rss_mb": round(run["rss_mb"]),
            "met": met,
        }
        if not args.skip_phases:
            phases = timed_phases(master, work / "phases")
            print("  phases of one in-process revise, CPU s (ms per section workbook):")
            for label, seconds in phases.items():
                if label != "workbooks":
                    print(f"    {label:16} {seconds:8.2f}   ({seconds / phases['workbooks'] * 1000:6.2f} ms)")
            figures["phases"] = {k: round(v, 2) for k, v in phases.items()}
        figures.update(cpus=os.cpu_count(), load=round(os.getloadavg()[0], 2), python=sys.version.split()[0])
        if args.json_out:
            args.json_out.write_text(json.dumps(figures, ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

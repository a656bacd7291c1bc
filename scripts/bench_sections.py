"""Benchmark writing pre-filled section workbooks: the XlsxWriter writer against the openpyxl one.

    python scripts/bench_sections.py                 # 130 workbooks, the reference on every 10th
    python scripts/bench_sections.py --sections 500 --reference-every 1 --rounds 3

The sections are the bundled sample plan's, split as `xlplan template --from` and `revise`
split them, cycled with numbered section names until there are N. In one run and one process
it times, in interleaved rounds, CPU seconds (time.process_time) and wall seconds of:

  new:        `write_section_workbook` (XlsxWriter, what is alike stamped) for all N workbooks;
  reference:  the openpyxl writer it replaced (`build_reference_section_workbook` + save) on
              every k-th of the same workbooks (it costs ~1 s of CPU each).

It prints the median of the rounds, the CPU per workbook of each on the same workbooks, their
ratio, and whether the targets are met: N=130 written in <= 5 s of CPU, at least 20x faster.
`--json` prints the figures as JSON (what scripts/readme_speed.py reads).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_CPU_AT_130 = 5.0
TARGET_RATIO = 20.0


def workloads(sections: int) -> list[tuple[object, dict]]:
    """(options, records) of `sections` pre-filled section workbooks from the sample plan."""
    from xlplan.app.sections import split_by_section
    from xlplan.core.disassemble import section_records
    from xlplan.io.section_writer import TemplateOptions
    from xlplan.sample import load_sample_plan

    plan = load_sample_plan()
    shares = split_by_section(plan)
    out = []
    for n in range(sections):
        replica, index = divmod(n, len(shares))
        share = shares[index]
        name = share.section if replica == 0 else f"{share.section}{replica + 1}"
        options = TemplateOptions(
            fiscal_year=plan.evaluated_fy, section=name, plan_name=plan.name, plan_version=plan.version
        )
        out.append((options, section_records(share.measures, share.projects, plan.evaluated_fy)))
    return out


Job = tuple[object, dict]


def _timed(write: Callable[[Path, object, dict], object], jobs: list[Job], folder: Path) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for n, (options, records) in enumerate(jobs):
        write(folder / f"{n:05d}.xlsx", options, records)
    return time.process_time() - cpu, time.perf_counter() - wall


def _write_reference(path: Path, options: object, records: dict) -> None:
    from xlplan.io.openpyxl_layout import build_reference_section_workbook

    build_reference_section_workbook(options, records).save(path)


def measure(sections: int, reference_every: int, rounds: int) -> dict[str, object]:
    """Time both writers in interleaved rounds; return the medians and ratios."""
    from xlplan.io.section_writer import write_section_workbook

    jobs = workloads(sections)
    subset = jobs[::reference_every]
    runs: dict[str, list[tuple[float, float]]] = {"new": [], "new on subset": [], "reference on subset": []}
    with tempfile.TemporaryDirectory(prefix="bench_sections_") as tmp:
        for round_ in range(rounds):
            for label, write, which in (
                ("new", write_section_workbook, jobs),
                ("reference on subset", _write_reference, subset),
                ("new on subset", write_section_workbook, subset),
            ):
                folder = Path(tmp) / f"{round_}-{label.replace(' ', '_')}"
                folder.mkdir()
                runs[label].append(_timed(write, which, folder))
    median = {
        label: (statistics.median(c for c, _ in r), statistics.median(w for _, w in r)) for label, r in runs.items()
    }
    per_new = median["new on subset"][0] / len(subset)
    per_reference = median["reference on subset"][0] / len(subset)
    ratio = per_reference / per_new
    return {
        "sections": sections,
        "reference_workbooks": len(subset),
        "rounds": rounds,
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
        "new_cpu_s": round(median["new"][0], 3),
        "new_wall_s": round(median["new"][1], 3),
        "new_cpu_per_workbook_ms": round(per_new * 1000, 2),
        "reference_cpu_per_workbook_ms": round(per_reference * 1000, 1),
        "reference_cpu_s_estimated_for_all": round(per_reference * sections, 1),
        "ratio": round(ratio, 1),
        "target_cpu_met": median["new"][0] * 130 / sections <= TARGET_CPU_AT_130,
        "target_ratio_met": ratio >= TARGET_RATIO,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=130)
    parser.add_argument("--reference-every", type=int, default=10, help="time the openpyxl writer on every k-th")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.sections, args.reference_every, args.rounds)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    met = {True: "met", False: "NOT met"}
    print(
        f"{args.sections} pre-filled section workbooks, {args.rounds} interleaved rounds (median), "
        f"{result['cpus']} CPUs, load {result['load']:.2f}"
    )
    print(
        f"  new (XlsxWriter):   {result['new_cpu_s']:.2f} s CPU, {result['new_wall_s']:.2f} s wall, "
        f"{result['new_cpu_per_workbook_ms']:.1f} ms CPU per workbook"
    )
    print(
        f"  reference (openpyxl, on {result['reference_workbooks']} of them): "
        f"{result['reference_cpu_per_workbook_ms']:.0f} ms CPU per workbook "
        f"(~{result['reference_cpu_s_estimated_for_all']:.0f} s for all)"
    )
    print(f"  ratio reference/new (CPU per workbook, same workbooks): {result['ratio']:.1f}x")
    print(f"  target: 130 workbooks in <= {TARGET_CPU_AT_130:.0f} s of CPU: {met[result['target_cpu_met']]}")
    print(f"  target: >= {TARGET_RATIO:.0f}x faster: {met[result['target_ratio_met']]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

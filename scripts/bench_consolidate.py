"""Benchmark `xlplan consolidate` against what reading the same files costs anyway.

    python scripts/bench_consolidate.py --sections 130
    python scripts/bench_consolidate.py --sections 2000 --keep /tmp/bench2000

Generates N realistic section workbooks (the bundled sample plan split per section, as
`xlplan template --from` would pre-fill them, replicated with fresh IDs and section names
until there are N), then times in one run, each in a fresh Python process:

  (a) python-calamine reading every sheet of every file: the floor any reader pays;
  (b) a plain openpyxl script, what people write by hand: `load_workbook` each file, copy
      the data rows into one workbook, save it;
  (c) `xlplan consolidate DIR -o MASTER.xlsx --json` end to end (read, check, merge, grade,
      write the master with cards and charts), as the command runs by default: from 40 files
      on it reads in one worker process per CPU. `--jobs 1` measures it reading in-process.

It prints the seconds of each (timed inside the process, after imports; worker processes
are started inside the timing), c/a, b/c and the peak RSS of (c): the largest of the main
process's own peak and the sum over its process tree (main and readers), sampled every 20 ms.
The targets are c/a <= 3, b/c >= 5 and a peak RSS under 500 MB at 2,000.

Generating: the 44 distinct section workbooks are written once by the real template writer;
each further copy rewrites the IDs (M-…, P-…) and section names inside the copy's cell
strings, so every file is a genuine, distinct workbook that the reader accepts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SHARED_STRINGS = "xl/sharedStrings.xml"
JOBS = "XLPLAN_BENCH_JOBS"  # passes --jobs to the measured process ("" = the command's default)
MEASURES_IN_SAMPLE = 68


# generation --------------------------------------------------------------------------------


def generate(directory: Path, sections: int) -> list[Path]:
    """Write `sections` section workbooks into `directory` (reused when already complete)."""
    from xlplan.core.layout import TEMPLATE_VERSION

    marker = directory / ".complete"
    stamp = f"{sections} {TEMPLATE_VERSION}"  # a template change makes the kept files stale
    if marker.exists() and marker.read_text() == stamp:
        return sorted(directory.glob("*.xlsx"))
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    from xlplan.app.sections import split_by_section
    from xlplan.core.disassemble import section_records
    from xlplan.io.section_writer import TemplateOptions, write_section_workbook
    from xlplan.sample import load_sample_plan

    plan = load_sample_plan()
    shares = split_by_section(plan)
    base_dir = directory / "_base"
    base_dir.mkdir()
    bases = []
    for index, share in enumerate(shares):
        path = base_dir / f"{index:03d}.xlsx"
        options = TemplateOptions(
            fiscal_year=plan.evaluated_fy, section=share.section, plan_name=plan.name, plan_version=plan.version
        )
        write_section_workbook(path, options, section_records(share.measures, share.projects, plan.evaluated_fy))
        bases.append((share.section, path))
    names = sorted((s for s, _ in bases), key=len, reverse=True)
    section_pattern = re.compile("|".join(re.escape(n) for n in names))
    written = []
    for n in range(sections):
        replica, index = divmod(n, len(bases))
        section, base = bases[index]
        target = directory / f"{n:05d}_{_renamed_section(section, replica)}.xlsx"
        _copy_renamed(base, target, replica, section_pattern)
        written.append(target)
    shutil.rmtree(base_dir)
    marker.write_text(stamp)
    return written


def _renamed_section(name: str, replica: int) -> str:
    return name if replica == 0 else f"{name}{replica + 1}"


def _copy_renamed(base: Path, target: Path, replica: int, section_pattern: re.Pattern[str]) -> None:
    """Copy a workbook, giving its IDs and section names those of replica `replica`."""

    def measure(match: re.Match[str]) -> str:
        return f"M-{replica * MEASURES_IN_SAMPLE + int(match.group(1)):04d}"

    def project(match: re.Match[str]) -> str:
        return f"P-{replica:03d}{match.group(1)}"

    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if replica and (item.filename == SHARED_STRINGS or item.filename.startswith("xl/worksheets/sheet")):
                text = data.decode("utf-8")
                text = re.sub(r"M-(\d{3})(?!\d)", measure, text)
                text = re.sub(r"P-(\d{3})(?=[-<、,\s]|$)", project, text)
                text = section_pattern.sub(lambda m: _renamed_section(m.group(0), replica), text)
                data = text.encode("utf-8")
            out.writestr(item, data)


# the three measurements, each run in its own process ----------------------------------------


def run_calamine(files: list[Path], _out: Path) -> dict[str, int]:
    """(a) read every sheet of every file with python-calamine."""
    import python_calamine

    cells = 0
    for path in files:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            cells += sum(len(r) for r in workbook.get_sheet_by_name(name).to_python())
        workbook.close()
    return {"cells": cells}


def run_openpyxl(files: list[Path], out: Path) -> dict[str, int]:
    """(b) what people write by hand: load each workbook, copy the data rows, save one workbook."""
    import openpyxl

    master = openpyxl.Workbook()
    master.remove(master.active)
    sheets = {}
    for path in files:
        workbook = openpyxl.load_workbook(path, data_only=True)
        for name in ("施策", "ライフサイクル", "スケジュール", "KPI", "予算事業", "予算", "財源"):
            if name not in workbook.sheetnames:
                continue
            if name not in sheets:
                sheets[name] = master.create_sheet(name)
            for row in workbook[name].iter_rows(min_row=3, values_only=True):
                if row[0] is not None:
                    sheets[name].append([*row, path.name])
    master.save(out)
    return {"rows": sum(sheet.max_row for sheet in sheets.values())}


def run_consolidate(files: list[Path], out: Path) -> dict[str, int]:
    """(c) `xlplan consolidate DIR -o MASTER --json`, end to end (in-process click call)."""
    from click.testing import CliRunner

    from xlplan.cli.main import cli

    jobs = os.environ.get(JOBS, "")
    args = ["consolidate", str(files[0].parent), "-o", str(out), "--json", *(["--jobs", jobs] if jobs else [])]
    result = CliRunner().invoke(cli, args)
    if result.exit_code not in (0, 1):
        raise SystemExit(f"consolidate failed: {result.output}")
    summary = json.loads(result.stdout)
    return {
        "merged": summary["inputs"]["merged"],
        "measures": summary["measures"],
        "conflicts": len(summary["conflicts"]),
    }


RUNNERS = {"calamine": run_calamine, "openpyxl": run_openpyxl, "consolidate": run_consolidate}
IMPORTS = {
    "calamine": "import python_calamine",
    "openpyxl": "import openpyxl",
    "consolidate": "import xlplan.cli.main, xlplan.app.consolidate, xlplan_validators, click.testing",
}


def child(kind: str, directory: Path, out: Path) -> None:
    """Run one measurement in this process and print its seconds and peak RSS as JSON."""
    exec(IMPORTS[kind])  # imports are not what is measured
    files = sorted(directory.glob("*.xlsx"))
    start = time.perf_counter()
    info = RUNNERS[kind](files, out)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, **info}))


def measure(kind: str, directory: Path, out: Path, repeat: int) -> dict[str, float]:
    """Best of `repeat` runs of one measurement, each in a fresh process (its tree's RSS sampled)."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", kind, "--dir", str(directory), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        tree_peak = 0
        while process.poll() is None:
            tree_peak = max(tree_peak, tree_rss_kib(process.pid))
            time.sleep(0.02)
        stdout, stderr = process.communicate()
        wall = time.perf_counter() - start
        if process.returncode:
            raise SystemExit(f"{kind} failed:\n{stderr}")
        found = json.loads(stdout.strip().splitlines()[-1])
        found["wall"] = wall
        # the main process's own peak is exact; readers are seen only through the samples
        found["tree_rss_mb"] = max(tree_peak / 1024, found["peak_rss_mb"])
        if best is None or found["seconds"] < best["seconds"]:
            best = found
    assert best is not None
    return best


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and its children now (Linux /proc; 0 where it is missing)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue  # the process ended between two reads
    return total


def main() -> None:
    """Generate the workbooks, run the three measurements and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=130, help="how many section workbooks (default 130)")
    parser.add_argument("--keep", type=Path, default=None, help="generate into (and reuse) this folder")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement, best kept")
    parser.add_argument("--skip-openpyxl", action="store_true", help="skip (b), the slowest")
    parser.add_argument("--jobs", type=int, default=None, help="`xlplan consolidate --jobs` for (c) (default: its own)")
    parser.add_argument("--child", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir, args.out)
        return

    work = Path(tempfile.mkdtemp(prefix="xlplan-bench-"))
    directory = args.keep or work / "returned"
    start = time.perf_counter()
    files = generate(directory, args.sections)
    size = sum(f.stat().st_size for f in files) / 1e6
    print(f"{len(files)} section workbooks ({size:.1f} MB) ready in {time.perf_counter() - start:.1f} s: {directory}")
    repeat = args.repeat or (3 if args.sections <= 500 else 1)
    for path in files:  # warm the page cache: every measurement then reads from memory alike
        path.read_bytes()
    os.environ[JOBS] = str(args.jobs or "")
    results = {
        "a": measure("calamine", directory, work / "a.xlsx", repeat),
        "c": measure("consolidate", directory, work / "master.xlsx", repeat),
    }
    if not args.skip_openpyxl:
        results["b"] = measure("openpyxl", directory, work / "b.xlsx", 1)
    a, c = results["a"]["seconds"], results["c"]["seconds"]
    merged = results["c"]["merged"]
    if merged != len(files) or results["c"]["conflicts"]:
        raise SystemExit(f"consolidate merged {merged} of {len(files)} files: the generated set is not realistic")
    print(f"(a) calamine, every sheet of every file   {a:8.2f} s")
    if "b" in results:
        print(f"(b) openpyxl load_workbook script        {results['b']['seconds']:8.2f} s")
    print(
        f"(c) xlplan consolidate, end to end       {c:8.2f} s   (process wall {results['c']['wall']:.2f} s; "
        f"{merged} files, {results['c']['measures']} measures merged)"
    )
    print(f"c/a = {c / a:.2f}   (target <= 3)")
    if "b" in results:
        print(f"b/c = {results['b']['seconds'] / c:.1f}   (target >= 5)")
    from xlplan.app.reading import default_jobs

    jobs = args.jobs or default_jobs(len(files))
    print(
        f"peak RSS of (c) = {results['c']['tree_rss_mb']:.0f} MB   (target < 500 MB at 2,000 sections; "
        f"main process {results['c']['peak_rss_mb']:.0f} MB; {jobs} reading process{'es' if jobs > 1 else ''}, "
        "tree sampled every 20 ms)"
    )
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"master: {(work / 'master.xlsx').stat().st_size / 1e6:.1f} MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

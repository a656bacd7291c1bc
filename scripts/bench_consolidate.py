"""Benchmark `xlplan consolidate` against what reading the same files costs anyway.

    python scripts/bench_consolidate.py                       # 130 sections
    python scripts/bench_consolidate.py --sections 130 500 2000 --json-out bench.json
    python scripts/bench_consolidate.py --sections 10000 --keep /tmp/bench10000 --skip-openpyxl
    python scripts/bench_consolidate.py --sections 130 500 2000 10000 --full-up-to 2000 --json-out bench.json

Generates N realistic section workbooks (the bundled sample plan split per section, as
`xlplan template --from` would pre-fill them, replicated with fresh IDs and section names
until there are N), then runs, each as a whole process (imports and start-up included), in
interleaved rounds:

  (a)  python-calamine reading every sheet of every file, in one process: the floor any reader
       pays; (aN) the same over N processes, N being the reading processes (c) starts by default;
  (b)  a competent openpyxl script: `load_workbook(read_only=True, data_only=True)` each file,
       copy the data rows into one workbook, save it;
  (c1) `python -m xlplan consolidate DIR -o MASTER --json --jobs 1`, end to end (read, check,
       merge, grade, audit, write the master with cards and charts); (cN) the same as the
       command runs by default (N reading processes from 40 files on);
  (d)  the pandas script a user would write instead: `pd.read_excel(engine="calamine")` per
       file, a pandera schema per sheet, `concat`, `to_excel`;
  (s)  Python starting and stopping; (i) `import pandera.pandas` and nothing else: (i) + (a) - (s)
       is what any consolidate that validates with pandera costs before it checks a row (printed
       as the floor, and as a multiple of (a): at 130 sections it is above the 2.0 target alone).

CPU seconds (user + system of the process and every process it started, from wait4) are the
figures that count on a shared machine; wall seconds are printed beside them. Targets, CPU on
equal footing: c1/a <= 2.0 and cN/aN <= 2.0; b/c1 >= 10; c1 below d; peak RSS of (c) < 500 MB
(the issue states it at 10,000 sections). Each is printed as met or NOT met.

Then one more in-process run of consolidate (`--jobs 1`) is timed phase by phase: read, check,
merge, grade, audit, write (CPU seconds, ms per file, and the peak resident memory while each
phase ran: `phase_peak_mb` in the JSON).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

SHARED_STRINGS = "xl/sharedStrings.xml"
MEASURES_IN_SAMPLE = 68
SHEETS = ("施策", "ライフサイクル", "スケジュール", "KPI", "予算事業", "予算", "財源")
PHASES = ("read", "check", "merge", "grade", "audit", "write")
TARGET_C_OVER_A, TARGET_B_OVER_C, TARGET_RSS_MB = 2.0, 10.0, 500


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


# the measurements: each runs as a whole process -----------------------------------------------


def run_calamine(files: list[Path], _out: Path, procs: int) -> dict[str, int]:
    """(a) read every sheet of every file with python-calamine, in `procs` spawned processes."""
    if procs <= 1:
        return {"cells": _calamine_cells([str(f) for f in files])}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [[str(f) for f in files[i::procs]] for i in range(procs)]
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return {"cells": sum(pool.map(_calamine_cells, chunks))}


def _calamine_cells(paths: list[str]) -> int:
    import python_calamine

    cells = 0
    for path in paths:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        for name in workbook.sheet_names:
            cells += sum(len(r) for r in workbook.get_sheet_by_name(name).to_python())
        workbook.close()
    return cells


def run_openpyxl(files: list[Path], out: Path, _procs: int) -> dict[str, int]:
    """(b) a competent openpyxl script: read-only load of each workbook, copy the data rows, save one."""
    import openpyxl

    master = openpyxl.Workbook(write_only=True)
    rows: dict[str, list[list[object]]] = {name: [] for name in SHEETS}
    for path in files:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for name in SHEETS:
            if name in workbook.sheetnames:
                for row in workbook[name].iter_rows(min_row=3, values_only=True):
                    if row and row[0] is not None:
                        rows[name].append([*row, path.name])
        workbook.close()
    for name, data in rows.items():
        sheet = master.create_sheet(name)
        for row in data:
            sheet.append(row)
    master.save(out)
    return {"rows": sum(len(data) for data in rows.values())}


def run_pandas(files: list[Path], out: Path, _procs: int) -> dict[str, int]:
    """(d) what a user writes with pandas: calamine reads, a pandera schema per sheet, concat, to_excel."""
    import pandas as pd
    import pandera.pandas as pa

    measure_id = pa.Column(str, pa.Check.str_matches(r"^M-\d{3,4}$"), nullable=False)
    number = pa.Column(float, nullable=True, coerce=True)
    schemas = {
        "施策": pa.DataFrameSchema(
            {"施策ID": measure_id, "自己評価": pa.Column(str, pa.Check.isin(list("ABCD")), nullable=True)}
        ),
        "KPI": pa.DataFrameSchema({"施策ID": measure_id, "基準値": number, "目標値": number, "実績値": number}),
        "予算": pa.DataFrameSchema({"当初予算": number, "補正後予算": number, "決算": number}),
    }
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in SHEETS}
    problems = 0
    for path in files:
        book = pd.read_excel(path, sheet_name=list(SHEETS), header=1, engine="calamine")
        for name, frame in book.items():
            frame = frame[frame.iloc[:, 0].notna()]
            if name in schemas:
                try:
                    schemas[name].validate(frame, lazy=True)
                except pa.errors.SchemaErrors as errors:
                    problems += len(errors.failure_cases)
            frames[name].append(frame.assign(ファイル=path.name))
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        for name, parts in frames.items():
            pd.concat(parts).to_excel(writer, sheet_name=name, index=False)
    return {"rows": sum(len(p) for parts in frames.values() for p in parts), "problems": problems}


def run_start(_files: list[Path], _out: Path, _procs: int) -> dict[str, int]:
    """(s) Python starting and stopping, nothing else: counted once in (a) and once in (i)."""
    return {}


def run_imports(_files: list[Path], _out: Path, _procs: int) -> dict[str, int]:
    """(i) importing pandera's pandas API (and pandas under it), what the design's validation costs
    before a single row: with (a) it bounds what any consolidate that validates with pandera costs."""
    import pandera.pandas  # noqa: F401

    return {}


RUNNERS: dict[str, Callable[[list[Path], Path, int], dict[str, int]]] = {
    "start": run_start,
    "imports": run_imports,
    "calamine": run_calamine,
    "openpyxl": run_openpyxl,
    "pandas": run_pandas,
}


def child(kind: str, directory: Path, out: Path, procs: int) -> None:
    """Run one script-style measurement in this process; print what it did as JSON."""
    files = sorted(directory.glob("*.xlsx"))
    print(json.dumps(RUNNERS[kind](files, out, procs)))


def command(kind: str, directory: Path, out: Path, procs: int) -> list[str]:
    """The command line of a measurement: consolidate itself, or this script as a child."""
    if kind == "consolidate":
        return [sys.executable, "-m", "xlplan", "consolidate", str(directory), "-o", str(out), "--json"] + (
            ["--jobs", str(procs)] if procs else []
        )
    return [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--dir",
        str(directory),
        "--out",
        str(out),
        "--procs",
        str(procs),
    ]


def run_process(argv: list[str], scratch: Path) -> dict[str, float]:
    """Run a whole process; its CPU (with every process it waited for), wall and peak RSS."""
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err)
        tree_peak = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, tree_rss_kib(process.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{err_path.read_text()[-3000:]}")
    stdout = out_path.read_text()
    info = json.loads(stdout[stdout.index("{") :]) if "{" in stdout else {}
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        # the process's own peak is exact; its readers are seen through the 20 ms samples. On Linux
        # a child's ru_maxrss is at least this script's own peak (the child starts as a copy of it):
        # a figure at or under `bench_peak_mb` says only "no more than this script"
        "rss_mb": max(tree_peak, usage.ru_maxrss) / 1024,
        "info": info,
    }


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


class PhaseMeter:
    """CPU seconds and peak resident memory of each phase of one run in this process.

    Phases nest (grade runs inside lint): time and memory count for the innermost phase
    running. The peak of a phase is the highest resident set while it ran (Linux: VmHWM,
    reset between phases through /proc/self/clear_refs; elsewhere no peaks).
    """

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.peak_kib: dict[str, int] = {}
        self._stack = ["other"]
        self._since = time.process_time()
        self._resets = _reset_peak_rss()

    def enter(self, label: str) -> None:
        """A phase starts (inside the one running, if any)."""
        self._close_slice()
        self._stack.append(label)

    def leave(self) -> None:
        """The innermost phase ends."""
        self._close_slice()
        self._stack.pop()

    def finish(self) -> None:
        """The run ends: count what ran outside every phase."""
        self._close_slice()

    def _close_slice(self) -> None:
        now = time.process_time()
        label = self._stack[-1]
        self.cpu[label] = self.cpu.get(label, 0.0) + now - self._since
        self._since = now
        if self._resets:
            self.peak_kib[label] = max(self.peak_kib.get(label, 0), _status_kib("VmHWM"))
            _reset_peak_rss()


def _status_kib(key: str) -> int:
    """A field of /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    """Start this process's peak resident set (VmHWM) afresh from what it holds now (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def time_calls(module: object, labels: dict[str, str], meter: PhaseMeter) -> list[tuple[object, str, object]]:
    """Wrap each function `module.name` so that its calls count as phase `labels[name]` in
    `meter`; return (module, name, original) for each, to put back."""
    originals = []
    for name, label in labels.items():
        original = getattr(module, name)
        originals.append((module, name, original))

        def wrapper(*args: object, _original=original, _label=label, **kwargs: object) -> object:
            meter.enter(_label)
            try:
                return _original(*args, **kwargs)
            finally:
                meter.leave()

        setattr(module, name, wrapper)
    return originals


def timed_phases(directory: Path, out: Path) -> tuple[dict[str, float], dict[str, int]]:
    """CPU seconds and peak RSS (MB) of each phase of one in-process consolidate (`jobs=1`, so all
    CPU and memory is here).

    Times the functions `app.consolidate` calls for each phase (read_all, check_workbooks,
    merge_sections, grade_plan inside lint_plan, write_master); audit is lint_plan less its grading.
    """
    import xlplan.app.consolidate as consolidate_module
    import xlplan.app.lint as lint_module
    from xlplan.app.check import prepare_validation

    prepare_validation()  # pandas and pandera imported before the clock starts: start-up, not check
    gc.collect()
    meter = PhaseMeter()
    originals = time_calls(
        consolidate_module,
        {
            "read_all": "read",
            "check_workbooks": "check",
            "merge_sections": "merge",
            "carry_kpi_years": "merge",
            "lint_plan": "audit",
            "write_master": "write",
        },
        meter,
    )
    originals += time_calls(lint_module, {"grade_plan": "grade"}, meter)
    try:
        consolidate_module.consolidate([directory], out, jobs=1)
    finally:
        meter.finish()
        for module, name, original in originals:  # the next size times the real functions again
            setattr(module, name, original)
    spent = {phase: meter.cpu.get(phase, 0.0) for phase in (*PHASES, "other")}
    spent["total"] = sum(spent.values())
    peaks = {phase: round(meter.peak_kib[phase] / 1024) for phase in (*PHASES, "other") if phase in meter.peak_kib}
    if peaks:
        peaks["total"] = max(peaks.values())
    return spent, peaks


def bench(sections: int, args: argparse.Namespace, work: Path) -> dict[str, object]:
    """Generate, measure in interleaved rounds, print; return the figures."""
    from xlplan.app.reading import default_jobs

    directory = (args.keep / str(sections)) if args.keep else work / f"returned{sections}"
    start = time.perf_counter()
    files = generate(directory, sections)
    size = sum(f.stat().st_size for f in files) / 1e6
    ready = time.perf_counter() - start
    print(f"\n== {len(files)} section workbooks ({size:.1f} MB), ready in {ready:.1f} s: {directory}")
    for path in files:  # warm the page cache: every measurement then reads from memory alike
        path.read_bytes()
    procs = default_jobs(len(files))
    full = args.full_up_to is None or sections <= args.full_up_to
    kinds = {"a": ("calamine", 1), "s": ("start", 1), "i": ("imports", 1)}
    if full or procs == 1:
        kinds["c1"] = ("consolidate", 1)
    if full:
        kinds["d"] = ("pandas", 1)
    if full and not args.skip_openpyxl:
        kinds["b"] = ("openpyxl", 1)
    if procs > 1:
        kinds["aN"] = ("calamine", procs)
        kinds["cN"] = ("consolidate", 0)  # the command's default
    rounds = args.rounds or (3 if sections <= 500 else 1)
    runs: dict[str, list[dict[str, float]]] = {key: [] for key in kinds}
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    bench_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before this size's phase run
    for _ in range(rounds):
        for key, (kind, n) in kinds.items():
            runs[key].append(run_process(command(kind, directory, work / f"{key}.xlsx", n), scratch))
    result: dict[str, object] = {"sections": len(files), "mb": round(size, 1), "rounds": rounds, "procs": procs}
    for key, found in runs.items():
        result[key] = {
            "cpu": round(statistics.median(r["cpu"] for r in found), 2),
            "wall": round(statistics.median(r["wall"] for r in found), 2),
            "rss_mb": round(max(r["rss_mb"] for r in found)),
        }
    merged = runs["c1" if "c1" in runs else "cN"][0]["info"].get("master", {}).get("merged")
    if merged != len(files):
        raise SystemExit(f"consolidate merged {merged} of {len(files)} files: the generated set is not realistic")
    phases, peaks = timed_phases(directory, work / "phases.xlsx")
    result["phases"] = {k: round(v, 2) for k, v in phases.items()}
    result["phase_peak_mb"] = peaks
    result["bench_peak_mb"] = round(bench_peak)
    result["targets"] = targets(result)
    report(result)
    return result


def targets(result: dict) -> dict[str, tuple[float, str, bool]]:
    """name → (value, target as text, met)."""
    cpu = {key: result[key]["cpu"] for key in result if isinstance(result[key], dict) and "cpu" in result[key]}
    out = {}
    if "c1" in cpu:
        out["c1/a"] = (cpu["c1"] / cpu["a"], f"<= {TARGET_C_OVER_A}", cpu["c1"] / cpu["a"] <= TARGET_C_OVER_A)
    if "cN" in cpu:
        out["cN/aN"] = (cpu["cN"] / cpu["aN"], f"<= {TARGET_C_OVER_A}", cpu["cN"] / cpu["aN"] <= TARGET_C_OVER_A)
    if "b" in cpu:
        out["b/c1"] = (cpu["b"] / cpu["c1"], f">= {TARGET_B_OVER_C:.0f}", cpu["b"] / cpu["c1"] >= TARGET_B_OVER_C)
    if "d" in cpu:
        out["d/c1"] = (cpu["d"] / cpu["c1"], "> 1 (beat the pandas script)", cpu["d"] > cpu["c1"])
    rss = max(result[k]["rss_mb"] for k in ("c1", "cN") if k in result)
    out["peak RSS of (c), MB"] = (rss, f"< {TARGET_RSS_MB}", rss < TARGET_RSS_MB)
    return {k: (round(v, 2), t, met) for k, (v, t, met) in out.items()}


def import_floor(result: dict) -> float:
    """CPU no consolidate can go below while it validates with pandera: importing pandera, plus
    reading as fast as calamine (one interpreter start is in both, counted once)."""
    return result["i"]["cpu"] + result["a"]["cpu"] - result["s"]["cpu"]


LABELS = {
    "a": "(a)  calamine, one process",
    "aN": "(aN) calamine, {procs} processes",
    "b": "(b)  openpyxl read_only script",
    "c1": "(c1) xlplan consolidate --jobs 1",
    "cN": "(cN) xlplan consolidate (default: {procs} readers)",
    "d": "(d)  pandas + calamine + pandera script",
    "s": "(s)  Python starting, nothing else",
    "i": "(i)  import pandera.pandas, nothing else",
}


def report(result: dict) -> None:
    """Print one size's figures, targets and phases."""
    print(f"{'':46}{'CPU s':>9}{'wall s':>9}{'peak MB':>9}   (median of {result['rounds']} interleaved rounds)")
    for key, label in LABELS.items():
        if key in result:
            row = result[key]
            print(f"{label.format(procs=result['procs']):46}{row['cpu']:9.2f}{row['wall']:9.2f}{row['rss_mb']:9.0f}")
    for name, (value, target, met) in result["targets"].items():
        print(f"  {name:22} {value:8.2f}   target {target:30} {'met' if met else 'NOT met'}")
    if "i" in result:
        floor = import_floor(result)
        print(
            f"  floor of any consolidate validating with pandera: (i) + (a) - (s) = {floor:.2f} s "
            f"= {floor / result['a']['cpu']:.2f}x (a), before it checks, merges or writes anything"
        )
    files = result["sections"]
    peaks = result.get("phase_peak_mb", {})
    print("  phases of consolidate --jobs 1, in-process CPU s (ms per file), peak RSS while the phase ran:")
    for phase, seconds in result["phases"].items():
        peak = f"{peaks[phase]:6d} MB" if phase in peaks else ""
        print(f"    {phase:8} {seconds:8.2f}   ({seconds / files * 1000:6.2f} ms)   {peak}")


def main() -> None:
    """Generate the workbooks, run the measurements at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, nargs="+", default=[130], help="sizes (default 130)")
    parser.add_argument("--keep", type=Path, default=None, help="generate into (and reuse) folders under this one")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3, 1 above 500)")
    parser.add_argument("--skip-openpyxl", action="store_true", help="skip (b), the slowest")
    parser.add_argument(
        "--full-up-to",
        type=int,
        default=None,
        help="above this many sections run only (a), (aN) and (cN), and the phases (b, c1 and d cost minutes there)",
    )
    parser.add_argument("--json-out", type=Path, default=None, help="also write the figures here (README table)")
    parser.add_argument("--child", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--procs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir, args.out, args.procs)
        return
    work = Path(tempfile.mkdtemp(prefix="xlplan-bench-"))
    try:
        print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
        results = []
        for sections in args.sections:
            results.append(bench(sections, args, work))
            if args.json_out:  # after each size: a later one that fails keeps the earlier figures
                load = os.getloadavg()[0]
                machine = {"cpus": os.cpu_count(), "load": round(load, 2), "python": sys.version.split()[0]}
                args.json_out.write_text(json.dumps({"machine": machine, "results": results}, ensure_ascii=False))
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

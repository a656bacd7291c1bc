"""Benchmark `xlplan lint` with its findings table against `xlplan lint --json` on a big master.

    python scripts/bench_lint.py --sections 2000 --keep /tmp/bench     # reuses bench_consolidate's files
    python scripts/bench_lint.py --master master.xlsx

Builds the master with `xlplan consolidate` from N generated section workbooks (the files of
`bench_consolidate.py`), unless --master is given, then runs both commands as whole processes
in interleaved rounds (the table run as on a 160-column colour terminal) and prints their CPU
seconds (median), the findings count and the ratio table/json (target <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_consolidate import generate

TARGET = 1.5


def cpu_of(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """CPU seconds of a whole process (and its children), and what it printed."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, _, usage = os.wait4(process.pid, 0)
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, out.read().decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=2000)
    parser.add_argument("--keep", type=Path, default=None, help="folder of bench_consolidate.py --keep")
    parser.add_argument("--master", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-out", type=Path, default=None, help="also write the figures here (README)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlplan-bench-lint-") as work:
        master = args.master
        if master is None:
            directory = (args.keep or Path(work)) / str(args.sections)
            generate(directory, args.sections)
            master = Path(work) / "master.xlsx"
            subprocess.run(
                [sys.executable, "-m", "xlplan", "consolidate", str(directory), "-o", str(master), "--json"],
                stdout=subprocess.DEVNULL,
                check=False,
            )
        terminal = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "160"}
        runs: dict[str, list[float]] = {"table": [], "json": []}
        findings = 0
        for _ in range(args.rounds):
            seconds, _ = cpu_of([sys.executable, "-m", "xlplan", "lint", str(master)], terminal)
            runs["table"].append(seconds)
            seconds, printed = cpu_of([sys.executable, "-m", "xlplan", "lint", "--json", str(master)], dict(os.environ))
            runs["json"].append(seconds)
            findings = len(json.loads(printed)["files"][0]["findings"])
    table, as_json = (statistics.median(r) for r in runs.values())
    ratio = table / as_json
    print(
        f"lint on {master.name}: {findings} findings, {args.rounds} interleaved rounds (median CPU s), "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    print(f"  lint (table)   {table:7.2f} s")
    print(f"  lint --json    {as_json:7.2f} s")
    print(f"  table/json = {ratio:.2f}   target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'}")
    if args.json_out:
        figures = {"findings": findings, "table": round(table, 2), "json": round(as_json, 2), "ratio": round(ratio, 2)}
        figures.update(met=ratio <= TARGET, rounds=args.rounds, cpus=os.cpu_count(), load=round(os.getloadavg()[0], 2))
        args.json_out.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

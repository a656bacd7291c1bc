"""Fuzz `xlplan check` and `xlplan consolidate` with mutated real section workbooks.

    python scripts/fuzz.py --cases 5000 --seed 1
    python scripts/fuzz.py --cases 200 --keep /tmp/fuzz-crashes      # keep crashing inputs
    python scripts/fuzz.py --only 1:4242                               # replay one case

The bases are real section workbooks: the bundled sample plan split per section and written
by the real template writer. Each case applies one to three mutations, drawn deterministically
from `--seed` and the case number, at three levels:

* zip: truncation, flipped bytes, dropped / duplicated / renamed parts, lying sizes, a part
  stored uncompressed, a compression bomb, garbage before or after the archive;
* XML: DOCTYPE and entities, cut spans, random cell references (far, lowercase, invalid),
  types and styles, hidden rows, columns and sheets, merges, sheet names, rows without `r`;
* cells: a typed value of the wrong kind in an input cell (dates, booleans, NaN, 1e309,
  full-width digits, ▲, %, emoji, control characters, 10,000 characters, markup...).

Every case runs `check_paths` in this process (and, every `--batch` cases, `consolidate` over
the batch) and renders the JSON report (and, with `--render`, the terminal table). A case is a
crash when an exception escapes, when the reader's last-resort net caught a programming error
(TypeError, KeyError...), or when an input changed; otherwise it is a finding (at least one
finding) or clean. Crashes are printed with their traceback. Exit status 1 on any crash.

`--output-faults` fuzzes the other side: each case runs one writing command (template,
template --from, consolidate, grade -o, revise, revise --changes-template, report, excel init)
in this process while `tests.faults` makes its Nth write fail with a random OS error (ENOSPC,
EDQUOT, EROFS, EACCES, EPERM, EIO, EBUSY), N drawn from 1 to a little past the command's
own count of writes, so some cases finish. Each command writes into one folder across cases,
so most runs replace a previous output. A case is a crash when anything but exit 0/1 (done) or
3 (refused with `エラー: 出力先 …`) comes out, when a traceback is printed, when an input
changes, when a refused run changed the previous output, or when a temporary is left behind.

    python scripts/fuzz.py --output-faults --cases 1000 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import logging
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from tests.corpus import RawMember, member, write_zip  # noqa: E402
from tests.faults import inject_fault  # noqa: E402
from xlplan.app.check import check_paths  # noqa: E402
from xlplan.app.result import CommandResult, envelope  # noqa: E402
from xlplan.app.sections import split_by_section  # noqa: E402
from xlplan.cli.render import print_reports  # noqa: E402
from xlplan.core.disassemble import section_records  # noqa: E402
from xlplan.core.layout import SECTION_SHEETS  # noqa: E402
from xlplan.errors import XlplanError  # noqa: E402
from xlplan.io.section_writer import TemplateOptions, write_section_workbook  # noqa: E402
from xlplan.sample import load_sample_plan  # noqa: E402

PROGRAMMING_ERRORS = (
    "TypeError",
    "AttributeError",
    "KeyError",
    "IndexError",
    "NameError",
    "UnboundLocalError",
    "AssertionError",
    "RecursionError",
    "ZeroDivisionError",
    "OverflowError",
    "ValueError",
    "PanicException",
)


# ---- bases ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Base:
    """A real section workbook, unzipped once: members in order."""

    name: str
    parts: tuple[tuple[str, bytes], ...]  # (member name, uncompressed bytes)
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name → member


def make_bases(folder: Path, count: int) -> list[Base]:
    """Write `count` section workbooks of the sample plan (most rows first) and unzip them."""
    plan = load_sample_plan()
    shares = sorted(split_by_section(plan), key=lambda s: (-len(s.measures) - len(s.projects), s.section))
    bases = []
    for share in shares[:count]:
        path = folder / f"{share.section}.xlsx"
        records = section_records(share.measures, share.projects, plan.evaluated_fy)
        options = TemplateOptions(fiscal_year=plan.evaluated_fy, section=share.section, blank_rows=20)
        write_section_workbook(path, options, records)
        with zipfile.ZipFile(path) as archive:
            parts = tuple((info.filename, archive.read(info)) for info in archive.infolist())
        bases.append(Base(share.section, parts, _sheet_parts(dict(parts))))
    return bases


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'Target="/?([^"]+)"[^>]*Id="([^"]+)"', rels))
    by_id = {v: k for k, v in targets.items()}
    sheets = re.findall(r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', parts["xl/workbook.xml"].decode())
    return {name: by_id.get(rel, "") for name, rel in sheets}


# ---- mutations --------------------------------------------------------------------------


@dataclass(slots=True)
class Case:
    """A workbook under mutation: its members (as RawMember) and what was done to it."""

    members: list[RawMember]
    sheets: dict[str, str]
    done: list[str] = field(default_factory=list)
    raw: bytes | None = None  # set by byte-level mutations: the final file

    def text(self, name: str) -> str | None:
        for item in self.members:
            if item.name == name and item.same_data_as is None:
                with contextlib.suppress(zlib.error, UnicodeDecodeError):
                    return _inflate(item).decode("utf-8")
        return None

    def put(self, name: str, text: str | bytes) -> None:
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        self.members = [member(name, data) if m.name == name else m for m in self.members]


def _inflate(item: RawMember) -> bytes:
    if item.method == zipfile.ZIP_STORED:
        return item.payload
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(item.payload, 64 << 20)


VALUES: list[tuple[str, str]] = [  # (cell XML attributes, inner XML): what people and tools type
    (' t="n"', "<v>1e309</v>"),
    (' t="n"', "<v>NaN</v>"),
    (' t="n"', "<v>-0</v>"),
    (' t="n"', "<v>123456789012345678901234567890</v>"),
    (' t="n"', "<v>-1</v>"),
    (' t="n"', "<v>0.226</v>"),
    (' t="n"', "<v>45200</v>"),
    (' t="n"', "<v></v>"),
    (' t="b"', "<v>1</v>"),
    (' t="b"', "<v>2</v>"),
    (' t="e"', "<v>#N/A</v>"),
    (' t="e"', "<v>#DIV/0!</v>"),
    (' t="d"', "<v>2024-10-01T00:00:00</v>"),
    (' t="s"', "<v>0</v>"),
    (' t="s"', "<v>99999</v>"),
    (' t="str"', "<f>1/0</f><v>#DIV/0!</v>"),
    ("", "<f>SUM(A1:A3)</f>"),
    ("", "<f>NOW()</f><v></v>"),
    (' t="zzz"', "<v>1</v>"),
]
TEXTS = [
    "約30",
    "３０．５",
    "▲1,234",
    "22.6%",
    "1,234千円",
    "該当なし",
    "-",
    "R6",
    "令和6年度",
    "来年度",
    "2024/10",
    "令和6年10月",
    "段階2",
    "3-4",
    "完了",
    "ｍ－００１",
    "M-001、M-002",
    "P-001-1",
    "=1+1",
    "   ",
    "\u3000",
    "😀🎉👨\u200d👩\u200d👧",
    "_x0007__x001B_[31m制御文字_x0000_",
    "\u202e逆順\u202c",
    "\ufeffBOM",
    "長" * 10_000,
    "[/]markup[link=file:///etc/passwd]x[/link]",
    "<script>alert(1)</script>",
    "nan",
    "inf",
    "1e400",
    "0x1F",
    "1_000",
    "𠮷野家",
    "A\nB\r\nC",
]


def mutate_cell(case: Case, rng: random.Random) -> None:
    """Put a value of a random kind into a random input cell of a section sheet."""
    layout = rng.choice(SECTION_SHEETS)
    part = case.sheets.get(layout.name, "")
    xml = case.text(part)
    if not xml:
        return
    row = rng.choice([3, 3, 4, 5, rng.randint(3, 30)])
    column = rng.randint(1, len(layout.columns))
    ref = f"{_letters(column)}{row}"
    if rng.random() < 0.5:
        attrs, inner = rng.choice(VALUES)
    else:
        text = rng.choice(TEXTS).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        attrs, inner = ' t="inlineStr"', f'<is><t xml:space="preserve">{text}</t></is>'
    cell = f'<c r="{ref}"{attrs}>{inner}</c>'
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', re.S)
    if pattern.search(xml):
        xml = pattern.sub(lambda _: cell, xml, count=1)
    else:
        xml = xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>', 1)
    case.put(part, xml)
    case.done.append(f"cell {layout.name}!{ref}={inner[:30]!r}")


def _letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


XML_EDITS: list[tuple[str, str, str]] = [  # (what, pattern, replacement) applied once at random
    ("cell ref far", r'<c r="[A-Z]+\d+"', '<c r="XFD1048576"'),
    ("cell ref wide", r'<c r="[A-Z]+(\d+)"', r'<c r="AAAA\1"'),
    ("cell ref lowercase", r'<c r="([A-Z]+)(\d+)"', lambda m: f'<c r="{m.group(1).lower()}{m.group(2)}"'),
    ("cell ref invalid", r'<c r="[A-Z]+\d+"', '<c r="1A$"'),
    ("cell ref zero", r'<c r="([A-Z]+)\d+"', r'<c r="\g<1>0"'),
    ("cell ref removed", r'<c r="[A-Z]+\d+"', "<c"),
    ("row ref far", r'<row r="\d+"', '<row r="1048576"'),
    ("row ref removed", r'<row r="\d+"', "<row"),
    ("row ref huge", r'<row r="\d+"', '<row r="99999999999"'),
    ("row hidden", r'<row r="(\d+)"', r'<row r="\1" hidden="1"'),
    ("row zero height", r'<row r="(\d+)"', r'<row r="\1" ht="0" customHeight="1"'),
    ("col hidden", r"<col ", '<col hidden="1" '),
    ("col huge range", r'min="\d+" max="\d+"', 'min="1" max="16384" hidden="1"'),
    ("type s", r' t="inlineStr"', ' t="s"'),
    ("type b", r' t="n"', ' t="b"'),
    ("type e", r' t="n"', ' t="e"'),
    ("style huge", r' s="\d+"', ' s="99999999"'),
    ("style percent", r' s="\d+"', ' s="1"'),
    ("merge all", r"</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
    ("merge reversed", r"</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="L9:A3"/></mergeCells>'),
    ("merge invalid", r"</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="?:!"/></mergeCells>'),
    ("dimension lie", r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"'),
    ("doctype", r"^(<\?xml[^>]*\?>)?", r'\1<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'),
    ("entity ref", r"<v>", "<v>&a;"),
    ("prefix", r"<c ", "<x:c "),
    ("cut span", None, ""),  # type: ignore[list-item]
    ("empty sheetData", r"<sheetData>.*</sheetData>", "<sheetData/>"),
    (
        "rows without refs",
        r"</sheetData>",
        '<row><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    ),
]
WORKBOOK_EDITS: list[tuple[str, str, str]] = [
    ("sheet hidden", r'state="visible"', 'state="hidden"'),
    ("sheet very hidden", r'state="visible"', 'state="veryHidden"'),
    ("sheet state invalid", r'state="visible"', 'state="bogus"'),
    ("sheet renamed", r'<sheet name="KPI"', '<sheet name="評価指標"'),
    ("sheet duplicated name", r'<sheet name="予算"', '<sheet name="KPI"'),
    ("sheet rel missing", r'r:id="rId6"', 'r:id="rId999"'),
    ("sheet rel removed", r' r:id="rId\d+"', ""),
    ("meta removed", r'<sheet name="_meta"[^>]*/>', ""),
    ("sheets removed", r"<sheets>.*</sheets>", "<sheets/>"),
    ("date1904", r"<workbookPr", '<workbookPr date1904="1"'),
]


def mutate_xml(case: Case, rng: random.Random) -> None:
    """Edit one XML part: a sheet (mostly), the workbook, the relationships or the styles."""
    roll = rng.random()
    if roll < 0.7:
        part = rng.choice([p for p in case.sheets.values() if p] or [""])
        edits = XML_EDITS
    elif roll < 0.9:
        part, edits = "xl/workbook.xml", WORKBOOK_EDITS
    else:
        part = rng.choice(["xl/styles.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"])
        edits = [
            ("cut span", None, ""),
            ("doctype", r"^(<\?xml[^>]*\?>)?", r'\1<!DOCTYPE x SYSTEM "file:///etc/passwd">'),
        ]  # type: ignore[list-item]
    xml = case.text(part)
    if xml is None:
        return
    what, pattern, replacement = rng.choice(edits)
    if pattern is None:  # cut a random span: malformed XML
        start = rng.randrange(len(xml))
        xml = xml[:start] + xml[start + rng.randint(1, 200) :]
    else:
        matches = list(re.finditer(pattern, xml, re.S))
        if not matches:
            return
        chosen = rng.choice(matches)
        new = chosen.expand(replacement) if isinstance(replacement, str) else replacement(chosen)
        xml = xml[: chosen.start()] + new + xml[chosen.end() :]
    case.put(part, xml)
    case.done.append(f"xml {part}: {what}")


def mutate_zip(case: Case, rng: random.Random) -> None:
    """Damage the archive itself."""
    if not case.members:
        return
    what = rng.choice(["drop", "duplicate", "rename", "lie", "store", "bomb", "encrypt flag", "method"])
    index = rng.randrange(len(case.members))
    item = case.members[index]
    if what == "drop":
        del case.members[index]
    elif what == "duplicate":
        case.members.append(item)
    elif what == "rename":
        case.members[index] = replace(item, name=rng.choice([item.name.upper(), item.name + "x", "xl/" + item.name]))
    elif what == "lie":
        case.members[index] = replace(item, size=rng.choice([0, 1, item.size // 2, item.size * 1000, 2**32 - 1]))
    elif what == "store":
        raw = _inflate(item)
        case.members[index] = RawMember(item.name, raw, zlib.crc32(raw), len(raw), method=zipfile.ZIP_STORED)
    elif what == "bomb":
        case.members.append(member(f"xl/media/image{index}.png", bytes(rng.choice([2, 20]) << 20)))
    elif what == "encrypt flag":
        case.members[index] = replace(item, flags=1)
    else:
        case.members[index] = replace(item, method=rng.choice([1, 9, 12, 14, 99]))
    case.done.append(f"zip {what} {item.name}")


def mutate_bytes(data: bytes, rng: random.Random, done: list[str]) -> bytes:
    """Damage the finished file: truncate, flip bytes, add garbage around it."""
    what = rng.choice(["truncate", "flip", "prepend", "append", "zero"])
    buffer = bytearray(data)
    if what == "truncate":
        buffer = buffer[: rng.randrange(len(buffer))]
    elif what == "flip":
        for _ in range(rng.randint(1, 16)):
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    elif what == "prepend":
        buffer[0:0] = rng.randbytes(rng.randint(1, 4096))
    elif what == "append":
        buffer += rng.randbytes(rng.randint(1, 4096))
    else:
        start = rng.randrange(len(buffer))
        buffer[start : start + rng.randint(1, 2048)] = bytes(min(2048, len(buffer) - start))
    done.append(f"bytes {what}")
    return bytes(buffer)


def build_case(bases: list[Base], seed: int, number: int) -> tuple[bytes, list[str]]:
    """The bytes of case `number` and what was done, the same for the same seed every time."""
    rng = random.Random(f"{seed}:{number}")
    base = rng.choice(bases)
    case = Case([member(name, raw) for name, raw in base.parts], base.sheets, [f"base {base.name}"])
    for _ in range(rng.choice([1, 1, 2, 3])):
        roll = rng.random()
        if roll < 0.5:
            for _ in range(rng.randint(1, 8)):
                mutate_cell(case, rng)
        elif roll < 0.8:
            mutate_xml(case, rng)
        else:
            mutate_zip(case, rng)
    data = write_zip(case.members)
    if rng.random() < 0.15:
        data = mutate_bytes(data, rng, case.done)
    return data, case.done


# ---- running ----------------------------------------------------------------------------


class _NetWatcher(logging.Handler):
    """Collects the exceptions the reader's last-resort nets caught (logged at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.caught: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] and record.exc_info[0].__name__ in PROGRAMMING_ERRORS:
            self.caught.append(record)


@dataclass(slots=True)
class Tally:
    """Counts and crash reports of a run."""

    counts: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    crashes: dict[str, list[str]] = field(default_factory=dict)  # signature → reports (first in full)

    def crash(self, label: str, detail: str, *, kind: str = "crash") -> None:
        self.counts[kind] += 1
        self.crashes.setdefault(_signature(detail), []).append(f"--- {label}\n{detail}")


_FRAME = re.compile(r'File "[^"]*?/((?:xlplan|validators)/[^"]+)", line \d+, in (\S+)')


def _signature(detail: str) -> str:
    """Where a crash comes from: the exception line and the innermost frame of our code, with no
    line numbers (`OverflowError: ... @ xlplan/core/assemble.py:_amount`), stable across edits."""
    lines = detail.strip().splitlines()
    frames = [f"{m.group(1)}:{m.group(2)}" for m in _FRAME.finditer(detail)]
    return f"{lines[-1][:120]} @ {frames[-1] if frames else '?'}"


def run_case(path: Path, label: str, tally: Tally, watcher: _NetWatcher, *, render: bool) -> bool:
    """Check one file; True when it crashed."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    watcher.caught.clear()
    try:
        checked = check_paths([path])
        reports = [c.report for c in checked]
        json.dumps(envelope(CommandResult("check", reports)), ensure_ascii=False)
        if render:
            print_reports(reports, Console(file=io.StringIO(), width=160), show_info=True)
    except Exception:
        tally.crash(label, traceback.format_exc())
        return True
    if hashlib.sha256(path.read_bytes()).hexdigest() != before:
        tally.crash(label, "the input changed")
        return True
    nets = [
        f.params for c in checked for f in c.report.findings if f.code == "file-unreadable"
    ]  # app.check's own net does not log: its reason names the exception
    caught = [r for r in watcher.caught] + [
        p for p in nets if any(dict(p).get("reason", "").startswith(name) for name in PROGRAMMING_ERRORS)
    ]
    if caught:
        detail = "".join(
            logging.Formatter().formatException(r.exc_info) if isinstance(r, logging.LogRecord) else repr(r)  # type: ignore[arg-type]
            for r in caught
        )
        tally.crash(label, "caught by a last-resort net:\n" + detail)
        return True
    findings = [f for c in checked for f in c.report.findings]
    tally.codes.update(str(f.code) for f in findings)
    tally.counts["finding" if findings else "clean"] += 1
    return False


def run_consolidate(folder: Path, label: str, tally: Tally) -> None:
    """Consolidate a batch of cases; only an unexpected exception or a changed input counts."""
    try:
        from xlplan.app.consolidate import consolidate
    except ImportError:
        return
    inputs = sorted(folder.glob("*.xlsx"))
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}
    output = folder.parent / "master.xlsx"
    try:
        consolidate([folder], output, fiscal_year=2024, cards=False)
    except XlplanError:
        pass  # said to the user in Japanese: not a crash
    except Exception:
        tally.crash(label, traceback.format_exc(), kind="consolidate-crash")
    tally.counts["consolidate-runs"] += 1
    if any(hashlib.sha256(p.read_bytes()).hexdigest() != digest for p, digest in before.items()):
        tally.crash(label, "consolidate changed an input", kind="consolidate-crash")


def fuzz(
    cases: int,
    seed: int,
    *,
    bases: int = 6,
    batch: int = 50,
    render: bool = False,
    keep: Path | None = None,
    only: int | None = None,
    out: Callable[[str], None] = print,
) -> Tally:
    """Run the fuzzer; return the tally (see the module docstring)."""
    tally = Tally()
    watcher = _NetWatcher()
    logger = logging.getLogger("xlplan")
    logger.addHandler(watcher)
    previous_level = logger.level
    logger.setLevel(logging.DEBUG)
    work = Path(tempfile.mkdtemp(prefix="xlplan-fuzz-"))
    try:
        started = time.perf_counter()
        base_list = make_bases(work, bases)
        numbers = [only] if only is not None else list(range(cases))
        tally.counts["cases"] = len(numbers)
        folder = work / "batch"
        for position, number in enumerate(numbers, start=1):
            data, done = build_case(base_list, seed, number)
            folder.mkdir(exist_ok=True)
            path = folder / f"case{number:06d}.xlsx"
            path.write_bytes(data)
            label = f"{seed}:{number} " + " | ".join(done)
            if run_case(path, label, tally, watcher, render=render) and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, keep / path.name)
            if batch and (position % batch == 0 or position == len(numbers)):
                run_consolidate(folder, f"{seed}:consolidate up to case {number}", tally)
                shutil.rmtree(folder)
        tally.counts["seconds"] = round(time.perf_counter() - started)
    finally:
        logger.removeHandler(watcher)
        logger.setLevel(previous_level)
        shutil.rmtree(work, ignore_errors=True)
    for signature, reports in tally.crashes.items():
        out(f"=== {len(reports)} crash(es): {signature}")
        out(reports[0])
        for other in reports[1:4]:
            out(other.splitlines()[0])
    return tally


# ---- the output side ---------------------------------------------------------------------------

OUTPUT_ERRORS = ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO", "EBUSY")


def _output_commands(inputs: Path) -> dict[str, tuple[Path, list[str]]]:
    """Each writing command: the folder it writes under (`out/<its own>`) and its arguments."""
    out = inputs.parent / "out"
    master, rules = inputs / "master.xlsx", inputs / "rules.toml"
    section = sorted((inputs / "returned").iterdir())[0]
    name = section.stem
    commands = {
        "template": ["template", "-o", str(out / "template" / "様式.xlsx")],
        "template --from": [
            "template",
            "--from",
            str(master),
            "--section",
            name,
            "-o",
            str(out / "from" / "様式.xlsx"),
        ],
        "consolidate": ["consolidate", str(inputs / "returned"), "-o", str(out / "consolidate" / "master.xlsx")],
        "grade -o": ["grade", str(section), "-o", str(out / "grade" / "評価.xlsx"), "--rules", str(rules)],
        "revise": ["revise", str(master), "-o", str(out / "revise" / "改訂")],
        "revise --changes-template": [
            "revise",
            str(master),
            "--changes-template",
            "-o",
            str(out / "changes" / "c.xlsx"),
        ],
        "report": ["report", str(master), "-o", str(out / "report" / "報告"), "--no-pdf", "--rules", str(rules)],
        "excel init": ["excel", "init", str(out / "excel" / "hq"), "--force"],
    }
    return {name: (out / _first_part(args, out), args) for name, args in commands.items()}


def _first_part(args: list[str], out: Path) -> str:
    """The folder of `out` that a command's arguments write under."""
    written = next(a for a in args if a.startswith(f"{out}/"))
    return Path(written).relative_to(out).parts[0]


def _output_inputs(folder: Path) -> Path:
    """Two small returned section workbooks of the sample plan, their master and a rules file."""
    from click.testing import CliRunner

    from xlplan.cli.main import cli

    plan = load_sample_plan()
    shares = sorted(split_by_section(plan), key=lambda s: (len(s.measures) + len(s.projects), s.section))[:2]
    (folder / "returned").mkdir(parents=True)
    for share in shares:
        options = TemplateOptions(fiscal_year=plan.evaluated_fy, section=share.section, blank_rows=5)
        records = section_records(share.measures, share.projects, plan.evaluated_fy)
        write_section_workbook(folder / "returned" / f"{share.section}.xlsx", options, records)
    result = CliRunner().invoke(cli, ["consolidate", str(folder / "returned"), "-o", str(folder / "master.xlsx")])
    assert result.exit_code in (0, 1), result.output
    shutil.copy(ROOT / "xlplan" / "rules" / "akita.toml", folder / "rules.toml")
    return folder


def _tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def fuzz_output(cases: int, seed: int, *, skip: tuple[str, ...] = (), out: Callable[[str], None] = print) -> Tally:
    """Run writing commands (all but those in `skip`) with a random OS error at a random write; return the tally."""
    import errno as errno_codes

    from click.testing import CliRunner

    from xlplan.cli.main import cli

    tally = Tally()
    work = Path(tempfile.mkdtemp(prefix="xlplan-fuzz-out-"))
    try:
        started = time.perf_counter()
        inputs = _output_inputs(work / "inputs")
        commands = {name: c for name, c in _output_commands(inputs).items() if name not in skip}
        writes: dict[str, int] = {}
        for name, (root, args) in commands.items():  # each command's count of writes, from a clean run
            with inject_fault(root, errno_codes.ENOSPC, at=0) as counted:
                CliRunner().invoke(cli, args)
            writes[name] = counted.events
        before_inputs = _tree(inputs)
        rng = random.Random(seed)
        for number in range(cases):
            name = rng.choice(list(commands))
            root, args = commands[name]
            code_name = rng.choice(OUTPUT_ERRORS)
            at = rng.randint(1, writes[name] + 2)  # past the last write: the run completes
            previous = _tree(root)
            with inject_fault(root, getattr(errno_codes, code_name), at=at):
                result = CliRunner().invoke(cli, args)
            label = f"{seed}:{number} {name}, {code_name} at write {at} of {writes[name]}"
            problem = _output_problem(result, root, previous)
            if _tree(inputs) != before_inputs:
                problem = "an input changed"
            if problem:
                tally.crash(label, problem)
            else:
                tally.counts["refused" if result.exit_code == 3 else "written"] += 1
                tally.codes[f"{name}: {'exit 3' if result.exit_code == 3 else 'done'}"] += 1
        tally.counts["cases"] = cases
        tally.counts["seconds"] = round(time.perf_counter() - started)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for signature, reports in tally.crashes.items():
        out(f"=== {len(reports)} crash(es): {signature}")
        out(reports[0])
    return tally


def _output_problem(result: Any, root: Path, previous: dict[str, str]) -> str | None:
    """What is wrong with one output-fault case (None: refused cleanly, or done)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "".join(traceback.format_exception(result.exception))
    if "Traceback" in result.output:
        return "a traceback was printed:\n" + result.output
    if result.exit_code not in (0, 1, 3):
        return f"exit {result.exit_code}:\n{result.output}"
    if result.exit_code == 3:
        if not result.stderr.startswith("エラー: 出力先 "):
            return "exit 3 without its message:\n" + result.output
        if _tree(root) != previous:
            return "a refused run changed the previous output"
    hidden = [str(p.relative_to(root)) for p in root.rglob(".*")] if root.exists() else []
    return f"temporaries left: {hidden}" if hidden else None


def main(argv: list[str] | None = None) -> int:
    """Command line: print counts; exit 1 on any crash."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100, help="how many mutated workbooks")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same cases")
    parser.add_argument("--bases", type=int, default=6, help="how many real section workbooks to mutate")
    parser.add_argument("--batch", type=int, default=50, help="consolidate every N cases (0: never)")
    parser.add_argument("--render", action=argparse.BooleanOptionalAction, default=False, help="also draw the table")
    parser.add_argument("--keep", type=Path, default=None, help="copy crashing inputs here")
    parser.add_argument("--only", default=None, help="SEED:CASE: replay one case")
    parser.add_argument("--output-faults", action="store_true", help="fault the writes of every writing command")
    parser.add_argument("--skip", action="append", default=[], help="with --output-faults: leave this command out")
    args = parser.parse_args(argv)
    if args.output_faults:
        tally = fuzz_output(args.cases, args.seed, skip=tuple(args.skip))
        counts = tally.counts
        print(
            f"output faults, cases {counts['cases']}: crash {counts['crash']}  refused (exit 3) {counts['refused']}"
            f"  written {counts['written']}  | {counts['seconds']} s, seed {args.seed}"
        )
        print("by command: " + ", ".join(f"{key} {n}" for key, n in sorted(tally.codes.items())))
        return 1 if counts["crash"] else 0
    seed, only = args.seed, None
    if args.only:
        seed_text, _, case_text = args.only.partition(":")
        seed, only = int(seed_text), int(case_text)
    tally = fuzz(args.cases, seed, bases=args.bases, batch=args.batch, render=args.render, keep=args.keep, only=only)
    counts = tally.counts
    print(
        f"cases {counts['cases']}: crash {counts['crash']}  finding {counts['finding']}  clean {counts['clean']}"
        f"  | consolidate: {counts['consolidate-runs']} runs, {counts['consolidate-crash']} crashed"
        f"  | {counts['seconds']} s, seed {seed}"
    )
    print("top codes: " + ", ".join(f"{code} {n}" for code, n in tally.codes.most_common(12)))
    return 1 if counts["crash"] or counts["consolidate-crash"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""What every command hands back: one result type, rendered as a table, JSON, CSV or a workbook.

A `CommandResult` holds typed findings (a `Code` enum each, so a flag such as "has a formula
form on the workbook's 入力チェック sheet" can be derived from the code), grouped by the file
they point at (one `core.findings.FileReport` per file); the outputs written; the command's
own payload under one key; and the level at which findings fail the run (errors; `lint`:
warnings). Nothing downstream parses strings.

The JSON envelope (`envelope`) is the one shape `--json` prints for every command, success or
failure; `xlplan/schemas/result.schema.json` describes it and a test validates every command
against it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..core.enums import Severity
from ..core.findings import Code, FileReport, Finding, sorted_findings
from ..notes import Note, note_text

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "CommandResult",
    "Note",
    "Output",
    "envelope",
    "error_envelope",
    "files_of",
    "note_text",
]

EXIT_OK = 0
EXIT_FINDINGS = 1  # the run finished and found problems at the failing level

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Output:
    """A file or folder the command wrote: what it is (`kind`, stable) and where."""

    kind: str
    path: str


@dataclass(slots=True)
class CommandResult:
    """The result of one command: files and their findings, outputs, and the command's payload.

    :param command: the command's name (`check`, `consolidate`...).
    :param files: every input (and related file) with its findings.
    :param outputs: what was written.
    :param payload_key: the one key the command's own data goes under in JSON (`measures`...).
    :param payload: that data, JSON-ready (plain dicts, lists, strings and numbers).
    :param fail_on: the least severity that fails the run (ERROR; WARNING for lint).
    :param notes: what a person should know that is not a finding (a missing PDF engine).
    """

    command: str
    files: list[FileReport] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    payload_key: str | None = None
    payload: Any = None
    fail_on: Severity = Severity.ERROR
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding, file by file."""
        return [f for file in self.files for f in file.findings]

    def count(self, severity: Severity) -> int:
        """How many findings of one severity, all files together."""
        return sum(file.count(severity) for file in self.files)

    def by_code(self) -> Counter[Code]:
        """How many findings of each code, all files together."""
        return Counter(f.code for f in self.findings)

    @property
    def ok(self) -> bool:
        """True when no finding is at or above the failing level."""
        limit = _RANK[self.fail_on]
        return not any(_RANK[f.severity] <= limit for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 findings at the failing level."""
        return EXIT_OK if self.ok else EXIT_FINDINGS

    def without(self, codes: Iterable[Code]) -> CommandResult:
        """The same result with the findings of `codes` left out (`--skip`)."""
        dropped = frozenset(codes)
        if not dropped:
            return self
        files = [
            FileReport(f.path, [x for x in f.findings if x.code not in dropped], f.skipped, f.status, f.section)
            for f in self.files
        ]
        return CommandResult(
            self.command, files, self.outputs, self.payload_key, self.payload, self.fail_on, self.notes
        )


def files_of(
    findings: Iterable[Finding], *, order: Iterable[str] = (), default: str = "", status: str = "related"
) -> list[FileReport]:
    """Findings grouped into one `FileReport` per file they name (file-less ones under `default`).

    :param order: paths listed first and always (status "checked"), even without findings.
    """
    files: dict[str, FileReport] = {path: FileReport(path) for path in order}
    for finding in findings:
        path = finding.file or default
        files.setdefault(path, FileReport(path, status=status)).findings.append(finding)
    return list(files.values())


def _finding_json(finding: Finding, lang: str) -> dict[str, Any]:
    return {
        "file": finding.file,
        "sheet": finding.sheet,
        "cell": finding.cell,
        "address": finding.address,
        "column": finding.column,
        "value": finding.value,
        "severity": str(finding.severity),
        "code": str(finding.code),
        "message": finding.message(lang),
        "params": dict(finding.params),
        "self_check": finding.in_self_check,
    }


def _summary(counts: Mapping[Severity, int], by_code: Mapping[Code, int]) -> dict[str, Any]:
    return {
        "errors": counts.get(Severity.ERROR, 0),
        "warnings": counts.get(Severity.WARNING, 0),
        "infos": counts.get(Severity.INFO, 0),
        "by_code": {str(code): n for code, n in sorted(by_code.items(), key=lambda item: (-item[1], item[0]))},
    }


def envelope(result: CommandResult, *, lang: str = "ja") -> dict[str, Any]:
    """The JSON document `--json` prints for `result` (see xlplan/schemas/result.schema.json)."""
    counts = Counter(f.severity for f in result.findings)
    document: dict[str, Any] = {
        "command": result.command,
        "version": __version__,
        "ok": result.ok,
        "exit_code": result.exit_code,
        "summary": _summary(counts, result.by_code()),
        "files": [
            {
                "path": file.path,
                "status": file.status,
                "skipped": file.skipped,
                "section": file.section,
                "ok": file.ok,
                "errors": file.count(Severity.ERROR),
                "warnings": file.count(Severity.WARNING),
                "infos": file.count(Severity.INFO),
                "findings": [_finding_json(f, lang) for f in sorted_findings(file.findings)],
            }
            for file in result.files
        ],
        "outputs": [{"kind": o.kind, "path": o.path} for o in result.outputs],
        "notes": [note_text(note, lang) for note in result.notes],
        "error": None,
    }
    if result.payload_key:
        document[result.payload_key] = result.payload
    return document


def error_envelope(command: str, exit_code: int, code: str, message: str) -> dict[str, Any]:
    """The JSON document for a run that stopped before a result (a usage error, nothing writable)."""
    return {
        "command": command,
        "version": __version__,
        "ok": False,
        "exit_code": exit_code,
        "summary": _summary({}, {}),
        "files": [],
        "outputs": [],
        "notes": [],
        "error": {"code": code, "message": message},
    }

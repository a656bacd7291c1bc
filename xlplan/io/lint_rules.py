"""Read a rules file (TOML) into the grade rules and the audit thresholds of its `[lint]` table.

The `[lint]` table lives in the same file as the grade rules (`xlplan/rules/akita.toml` by
default), so a city copies and edits one file. The file is parsed once; `[lint]` goes to
`AuditRules`, the rest to `GradeRules`. A file without `[lint]` keeps Akita's thresholds.
Akita's values are the `[lint]` table of `xlplan/rules/akita.toml` (equal to `AuditRules()`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..core.audit.context import AuditRules
from ..core.grading.rules import GradeRules
from ..errors import XlplanError
from .csv_export import Publisher
from .rules_file import DEFAULT_RULES, rules_text

__all__ = ["load_lint_rules", "load_publisher", "load_rule_set"]


def _parse(path: Path | None) -> tuple[str, dict[str, Any]]:
    name = str(path) if path is not None else DEFAULT_RULES
    try:
        return name, tomllib.loads(rules_text(path))
    except tomllib.TOMLDecodeError as error:
        raise XlplanError(
            f"評価基準ファイル {name} を TOML として読めません（{error}）。",
            english=f"The rules file {name} cannot be read as TOML ({error}).",
        ) from None


def _audit_rules(name: str, data: dict[str, Any]) -> AuditRules:
    table = data.get("lint", {})
    if not isinstance(table, dict):
        raise XlplanError(
            f"評価基準ファイル {name}: [lint] は見出し [lint] の下に「キー = 値」で書いてください。",
            english=f"Rules file {name}: write [lint] as key = value lines under the heading [lint].",
        )
    try:
        return AuditRules.from_table(table)
    except XlplanError as error:
        raise XlplanError(
            f"評価基準ファイル {name}: {error}", english=f"Rules file {name}: {error.message('en')}"
        ) from None


def load_lint_rules(path: Path | None = None) -> AuditRules:
    """Load the `[lint]` thresholds of a rules file; None reads the bundled Akita file.

    :param path: a rules file (a copy of `akita.toml`), or None.
    :raises XlplanError: when the file is missing or not TOML, or `[lint]` holds a value not
        allowed (the message says which key and what to write).
    """
    return _audit_rules(*_parse(path))


def load_rule_set(path: Path | None = None) -> tuple[GradeRules, AuditRules]:
    """Load both the grade rules and the `[lint]` thresholds of one rules file, parsed once.

    :param path: a rules file, or None for the bundled Akita file.
    :raises XlplanError: as `load_lint_rules`, and on a grade rule not allowed.
    """
    name, data = _parse(path)
    audit = _audit_rules(name, data)
    try:
        grades = GradeRules.from_dict({k: v for k, v in data.items() if k not in ("lint", "open_data")})
    except XlplanError as error:
        raise XlplanError(
            f"評価基準ファイル {name}: {error}", english=f"Rules file {name}: {error.message('en')}"
        ) from None
    return grades, audit


def load_publisher(path: Path | None = None) -> Publisher:
    """Load the `[open_data]` table of a rules file (団体コード, 団体名, license); None reads Akita's.

    :raises XlplanError: when the file is unreadable or the table holds a value not allowed.
    """
    name, data = _parse(path)
    table = data.get("open_data", {})
    try:
        if not isinstance(table, dict):
            raise XlplanError(
                "[open_data] は見出し [open_data] の下に「キー = 値」で書いてください。",
                english="Write [open_data] as key = value lines under the heading [open_data].",
            )
        return Publisher.from_table(table)
    except XlplanError as error:
        raise XlplanError(
            f"評価基準ファイル {name}: {error}", english=f"Rules file {name}: {error.message('en')}"
        ) from None

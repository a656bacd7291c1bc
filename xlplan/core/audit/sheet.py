"""The rows of the master's 監査観点 sheet: every audit finding with its audit opinion (pure).

The master writer lays these rows under `AUDIT_SHEET_COLUMNS`; the council report and the
open-data CSV use the same rows, so the three always agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding
from ..master.layout import TableColumn
from .catalog import AUDIT_CATALOG, check_of

__all__ = ["AUDIT_SHEET", "AUDIT_SHEET_COLUMNS", "audit_sheet_rows", "where"]

AUDIT_SHEET = "監査観点"

_SEVERITY_LABELS = {"error": "エラー", "warning": "警告", "info": "情報"}
_ORDER = {check.code: n for n, check in enumerate(AUDIT_CATALOG)}


AUDIT_SHEET_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("measures", "施策ID", 12),
    TableColumn("subject", "対象", 10),
    TableColumn("name", "名称", 36),
    TableColumn("severity", "区分", 8),
    TableColumn("check", "観点", 44),
    TableColumn("opinions", "監査意見", 18),
    TableColumn("code", "コード", 32),
    TableColumn("message", "内容", 90),
    TableColumn("where", "場所", 24),
)


def where(finding: Finding) -> str:
    """「情報統計課.xlsx KPI!D5」: the file's name and the cell, or "" for a plan built in code."""
    name = finding.file.replace("\\", "/").rsplit("/", 1)[-1]
    return " ".join(part for part in (name, finding.address) if part)


def audit_sheet_rows(findings: Iterable[Finding], *, lang: str = "ja") -> list[tuple[str, ...]]:
    """One row per finding, in the order of `AUDIT_SHEET_COLUMNS`: by measure, then catalog order.

    :param findings: the findings of `audit_plan` (other codes are listed without an opinion).
    :param lang: the language of the message column.
    """
    rows = []
    for finding in findings:
        params = dict(finding.params)
        measures = params.get("measure", finding.value)
        try:
            check = check_of(finding.code)
            # the opinion the finding cites (the one naming the measure, if any), else the check's
            title, opinions = check.title, params.get("cited") or check.opinion_label
        except KeyError:
            title, opinions = "", ""
        rows.append(
            (
                (measures, _ORDER.get(finding.code, len(_ORDER)), finding.value),
                (
                    measures,
                    finding.value,
                    params.get("name", ""),
                    _SEVERITY_LABELS[str(finding.severity)],
                    title,
                    opinions,
                    str(finding.code),
                    finding.message(lang),
                    where(finding),
                ),
            )
        )
    rows.sort(key=lambda pair: pair[0])
    return [row for _, row in rows]

"""Who did not send what: roster sections without a workbook, measures nobody returned (pure)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from ..findings import Code, Finding
from ..layout import MEASURES
from ..model import Plan
from .provenance import cell_of

__all__ = ["not_returned_measures", "roster_findings", "section_key"]


def section_key(name: str) -> str:
    """A section name for comparison: NFKC, no spaces (「企画財政部 情報統計課」 = 「企画財政部情報統計課」)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def roster_findings(
    roster: Sequence[tuple[str, str]],
    returned: Mapping[str, str],
    *,
    roster_file: str,
) -> tuple[list[str], list[Finding]]:
    """Sections on the roster that sent nothing, and sections that sent a workbook but are not on it.

    :param roster: (section, cell in the roster file) in roster order.
    :param returned: section → the first file it sent.
    :param roster_file: the roster's path, for the findings.
    :returns: the missing sections (roster order) and the findings.
    """
    sent = {section_key(s): s for s in returned}
    listed = {section_key(name) for name, _ in roster}
    missing = [name for name, _ in roster if section_key(name) not in sent]
    findings = [
        Finding.of(Code.SECTION_NOT_RETURNED, file=roster_file, sheet="", cell=cell, value=name)
        for name, cell in roster
        if section_key(name) not in sent
    ]
    findings += [
        Finding.of(Code.SECTION_NOT_ON_ROSTER, file=returned[section], value=section)
        for key, section in sent.items()
        if key not in listed
    ]
    return missing, findings


def not_returned_measures(previous: Plan, returned_ids: Iterable[str]) -> tuple[list[str], list[Finding]]:
    """Measures of the previous master that no workbook returned, with a finding at their master row."""
    returned = set(returned_ids)
    missing = [m for m in previous.measures if m.measure_id not in returned]
    findings = [
        Finding.of(
            Code.MEASURE_NOT_RETURNED,
            file=m.source.file if m.source else "",
            sheet=m.source.sheet if m.source else "",
            cell=cell_of(m.source, MEASURES, "measure_id"),
            column=MEASURES.column("measure_id").header,
            value=m.measure_id,
            name=m.name,
        )
        for m in missing
    ]
    return [m.measure_id for m in missing], findings

"""Near-duplicate measures that differ only by owning section (opinion 11), pure.

The audit found eight 「…システムの標準化」 measures, one per section, in the same place of
the plan (L4659–4673). Japanese names put the kind of action last (「…の標準化」,
「…の導入」) and the object first (「戸籍システム」), so two measures are candidates when they
sit under the same hierarchy path, their names end alike for at least
`near_duplicate_min_suffix` characters, and different sections own them. Candidates link
into groups; every member of a group gets one finding naming the others.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence

from ..findings import Code, Finding
from ..model import Measure
from .catalog import audit_finding
from .context import AuditInput

__all__ = ["near_duplicate", "near_duplicate_groups"]


def _normal(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip()


def _common_suffix(names: Sequence[str]) -> str:
    if not names:
        return ""
    shortest = min(len(n) for n in names)
    size = 0
    while size < shortest and len({n[len(n) - size - 1] for n in names}) == 1:
        size += 1
    return names[0][len(names[0]) - size :]


def near_duplicate_groups(measures: Sequence[Measure], min_suffix: int) -> list[list[Measure]]:
    """Groups (in plan order) of measures that differ only by owning section.

    Two measures are linked when they share a hierarchy path, their (NFKC) names end in the
    same `min_suffix` characters and different sections own them; groups are what links join.
    Names sharing a place and an ending form a bucket, and a bucket owned by two or more
    sections is one group (each member links to a member of another section): linear in the
    number of measures, where comparing every pair took seconds for a plan of thousands.

    :param measures: the plan's measures.
    :param min_suffix: how many final characters of the names must agree.
    """
    parent = list(range(len(measures)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[tuple[str, ...], str], list[int]] = {}
    for i, measure in enumerate(measures):
        name = _normal(measure.name)
        if len(name) < min_suffix:
            continue  # too short to end in min_suffix agreeing characters
        ending = name[len(name) - min_suffix :] if min_suffix > 0 else ""
        buckets.setdefault((measure.hierarchy, ending), []).append(i)
    for members in buckets.values():
        if len({measures[i].primary_section for i in members}) > 1:
            for j in members[1:]:
                parent[root(j)] = root(members[0])
    groups: dict[int, list[Measure]] = {}
    for i, measure in enumerate(measures):
        groups.setdefault(root(i), []).append(measure)
    return [g for g in groups.values() if len(g) > 1]


def near_duplicate(a: AuditInput) -> Iterator[Finding]:
    """One finding per member of each near-duplicate group (opinion 11)."""
    for group in near_duplicate_groups(a.plan.measures, a.rules.near_duplicate_min_suffix):
        pattern = _common_suffix([_normal(m.name) for m in group])
        hierarchy = " > ".join(group[0].hierarchy)
        for measure in group:
            others = "、".join(m.measure_id for m in group if m is not measure)
            yield audit_finding(
                Code.AUDIT_NEAR_DUPLICATE,
                a,
                measure,
                "name",
                "施策名",
                measure.measure_id,
                measure=measure.measure_id,
                name=measure.name,
                others=others,
                pattern=pattern,
                hierarchy=hierarchy,
            )

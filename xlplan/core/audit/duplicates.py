"""Near-duplicate measures: the same business, owned by different sections (opinion 11), pure.

The audit found eight 「…システムの標準化」 measures, one per section, in the same place of
the plan (L4659–4673). Japanese names put the kind of action last (「…の標準化」,
「…の導入」) and the object first (「戸籍システム」), so two measures are candidates when they
sit under the same hierarchy path, their names end alike for at least
`near_duplicate_min_suffix` characters, and different sections own them. A similar name is
not enough: the two must describe the same business, their summaries (施策概要) agreeing at
least `near_duplicate_min_similarity` (difflib's ratio). Two 「…RPA・AI-OCRの導入」 measures
of different tasks, each with its own budget and outcome KPI, are not duplicates. Linked
measures form groups; every member of a group gets one finding naming the others.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

from ..findings import Code, Finding
from ..model import Measure
from .catalog import audit_finding
from .context import AuditInput

__all__ = ["LISTED_IDS", "near_duplicate", "near_duplicate_groups", "summary_similarity"]

LISTED_IDS = 20  # other members named in one finding


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


def summary_similarity(a: Measure, b: Measure) -> float:
    """How far two measures' summaries agree, 0–1 (0 when either has none: no evidence)."""
    return _text_similarity(_normal(a.summary), _normal(b.summary))


def _text_similarity(left: str, right: str) -> float:
    """`summary_similarity` of two normalised summaries."""
    if not left or not right:
        return 0.0
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() > 0 else 0.0


def near_duplicate_groups(
    measures: Sequence[Measure], min_suffix: int, min_similarity: float = 0.0
) -> list[list[Measure]]:
    """Groups (in plan order) of measures that describe the same business under different sections.

    Two measures are linked when they share a hierarchy path, their (NFKC) names end in the
    same `min_suffix` characters, different sections own them and their summaries agree at
    least `min_similarity`; groups are what links join. Only measures sharing a place and an
    ending (a bucket) are compared, so the work grows with the size of such buckets, not with
    the square of the plan.

    :param measures: the plan's measures.
    :param min_suffix: how many final characters of the names must agree.
    :param min_similarity: how far the summaries must agree (0 compares names only).
    """
    parent = list(range(len(measures)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    summaries = [_normal(m.summary) for m in measures]
    # one comparison per pair of distinct texts: copies of a business in many sections (or a
    # plan of thousands of sections) would otherwise compare the same two summaries b² times
    similarity = functools.cache(_text_similarity)

    buckets: dict[tuple[tuple[str, ...], str], list[int]] = {}
    for i, measure in enumerate(measures):
        name = _normal(measure.name)
        if len(name) < min_suffix:
            continue  # too short to end in min_suffix agreeing characters
        ending = name[len(name) - min_suffix :] if min_suffix > 0 else ""
        buckets.setdefault((measure.hierarchy, ending), []).append(i)
    for members in buckets.values():
        if len({measures[i].primary_section for i in members}) < 2:
            continue
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                a, b = measures[i], measures[j]
                if a.primary_section == b.primary_section or root(i) == root(j):
                    continue
                if min_similarity <= 0 or similarity(summaries[i], summaries[j]) >= min_similarity:
                    parent[root(j)] = root(i)
    groups: dict[int, list[Measure]] = {}
    for i, measure in enumerate(measures):
        groups.setdefault(root(i), []).append(measure)
    return [g for g in groups.values() if len(g) > 1]


def near_duplicate(a: AuditInput) -> Iterator[Finding]:
    """One finding per member of each near-duplicate group (opinion 11)."""
    rules = a.rules
    for group in near_duplicate_groups(
        a.plan.measures, rules.near_duplicate_min_suffix, rules.near_duplicate_min_similarity
    ):
        pattern = _common_suffix([_normal(m.name) for m in group])
        hierarchy = " > ".join(group[0].hierarchy)
        # Each member's closest summary among the others, compared once per pair of distinct
        # texts: a group of g copies of one business costs one comparison, not g².
        summaries = [_normal(m.summary) for m in group]
        copies = Counter(summaries)
        similarity = functools.cache(_text_similarity)
        for measure, mine in zip(group, summaries, strict=True):
            texts = [text for text in copies if text != mine or copies[text] > 1]
            closest = max(similarity(mine, text) for text in texts)
            others = [m.measure_id for m in group if m is not measure]
            yield audit_finding(
                Code.AUDIT_NEAR_DUPLICATE,
                a,
                measure,
                "name",
                "施策名",
                measure.measure_id,
                measure=measure.measure_id,
                name=measure.name,
                others=_listed(others),
                others_en=_listed(others, "en"),
                pattern=pattern,
                hierarchy=hierarchy,
                similarity=f"{closest:.0%}",
            )


def _listed(ids: Sequence[str], lang: str = "ja") -> str:
    """The other members' IDs; past `LISTED_IDS`, the first ones and how many more (a message naming
    a thousand IDs is read by nobody, and g findings of g IDs each grow with the square of g)."""
    shown = ("、" if lang == "ja" else ", ").join(ids[:LISTED_IDS])
    more = len(ids) - LISTED_IDS
    if more <= 0:
        return shown
    return f"{shown} ほか {more:,} 件" if lang == "ja" else f"{shown} and {more:,} more"

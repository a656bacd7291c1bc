"""Near-duplicate groups are exactly what comparing every pair of measures would link."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlplan.core.audit.duplicates import _common_suffix, _normal, near_duplicate_groups, summary_similarity
from xlplan.core.model import Measure


def pairwise_groups(measures: list[Measure], min_suffix: int, min_similarity: float = 0.0) -> list[list[str]]:
    """The definition: link every pair in one place, of two sections, whose names end alike
    and (with a similarity asked) whose summaries agree."""
    parent = list(range(len(measures)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(measures):
        for j in range(i + 1, len(measures)):
            b = measures[j]
            if a.hierarchy != b.hierarchy or a.primary_section == b.primary_section:
                continue
            if len(_common_suffix([_normal(a.name), _normal(b.name)])) < min_suffix:
                continue
            if min_similarity <= 0 or summary_similarity(a, b) >= min_similarity:
                parent[root(j)] = root(i)
    groups: dict[int, list[str]] = {}
    for i, measure in enumerate(measures):
        groups.setdefault(root(i), []).append(measure.measure_id)
    return sorted(g for g in groups.values() if len(g) > 1)


NAMES = st.sampled_from(
    [
        "戸籍システムの標準化",
        "住民記録システムの標準化",
        "税務システムの標準化",
        "ＡＩの導入",
        "AIの導入",
        "化",
        "",
        "標準化",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(NAMES, st.sampled_from(["市民課", "税務課", "情報統計課"]), st.sampled_from(["I", "II"])),
        max_size=14,
    ),
    st.integers(min_value=0, max_value=6),
)
def test_groups_equal_the_pairwise_definition(rows: list[tuple[str, str, str]], min_suffix: int) -> None:
    measures = [
        Measure(measure_id=f"M-{i:03d}", name=name, primary_section=section, hierarchy=(place,))
        for i, (name, section, place) in enumerate(rows)
    ]
    found = sorted([m.measure_id for m in group] for group in near_duplicate_groups(measures, min_suffix))
    assert found == pairwise_groups(measures, min_suffix)


SUMMARIES = st.sampled_from(
    [
        "",
        "国の標準仕様に準拠したシステムへ移行する。",
        "国の標準仕様に準拠したシステムへ令和7年度に移行する。",
        "定型事務にRPAを導入して入力時間を減らす。",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(NAMES, st.sampled_from(["市民課", "税務課", "情報統計課"]), st.sampled_from(["I", "II"]), SUMMARIES),
        max_size=12,
    ),
    st.integers(min_value=0, max_value=6),
    st.sampled_from([0.5, 0.75, 0.95]),
)
def test_groups_with_the_same_business_equal_the_pairwise_definition(
    rows: list[tuple[str, str, str, str]], min_suffix: int, min_similarity: float
) -> None:
    measures = [
        Measure(measure_id=f"M-{i:03d}", name=name, primary_section=section, hierarchy=(place,), summary=summary)
        for i, (name, section, place, summary) in enumerate(rows)
    ]
    found = sorted(
        [m.measure_id for m in group] for group in near_duplicate_groups(measures, min_suffix, min_similarity)
    )
    assert found == pairwise_groups(measures, min_suffix, min_similarity)

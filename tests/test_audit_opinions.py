"""The auditor's checks on the plan as published: every opinion naming measures is a case.

The `as-published` sample holds only what the audit report says (no milestones, no KPI
types, no cause the measure table lacks). The report's opinions 5–22 (seed L4498–4756) name
36 measures; the data lists them with their lines (`audit_opinions`). For each opinion the
measures it names must be flagged by a general rule, and the finding must cite that
opinion. The opinions are only cited: run without them, the same measures are flagged.

Closing figures (asserted below): the checks catch 33 of the 36 named measures with a
finding citing the naming opinion; the three left (opinions 7, 19, 20) ask for nothing a
rule on the plan's data can check. Beyond the named ones, 32 measures are flagged (27 of them
with a warning), 55 findings in all; `BEYOND` says why each flag is still right.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from xlplan.core.audit import audit_plan
from xlplan.core.enums import Severity
from xlplan.core.findings import Code, Finding
from xlplan.core.grading import grade_plan
from xlplan.io.rules_file import load_rules
from xlplan.sample import AS_PUBLISHED, load_sample_plan, sample_named_opinions

PLAN = load_sample_plan(AS_PUBLISHED)
NAMED = sample_named_opinions()
GRADES = {g.measure_id: g.grade for g in grade_plan(PLAN, load_rules()) if g.grade is not None}
FINDINGS = audit_plan(PLAN, grades=GRADES, named=NAMED)


def measures_of(finding: Finding) -> list[str]:
    """The measures a finding is about (a budget project's finding names every measure it funds)."""
    return dict(finding.params).get("measure", finding.value).split("、")


def cites(finding: Finding, opinion: str) -> bool:
    """True when the finding cites the opinion by number (「監査意見14」, 「監査意見9・11・22」)."""
    cited = dict(finding.params)["cited"]
    return cited.startswith("監査意見") and opinion.removeprefix("意見") in cited.removeprefix("監査意見").split("・")


def flags(findings: list[Finding]) -> set[tuple[str, Code]]:
    return {(m, f.code) for f in findings for m in measures_of(f)}


# opinion → (the measures it names, the check whose finding cites it on each of them)
CAUGHT: dict[str, tuple[set[str], Code]] = {
    # 意見5 (L4498–4530): outputs as KPIs, eleven examples by page; the KPI types are blank as
    # published, so each is a guess from the name (and the finding says so).
    "意見5": (
        {"M-016", "M-017", "M-018", "M-019", "M-030", "M-042", "M-043", "M-046", "M-047", "M-050", "M-052"},
        Code.AUDIT_KPI_OUTPUT_ONLY,
    ),
    "意見8": ({"M-005"}, Code.AUDIT_STUDY_ONLY),  # L4641–4645: in fact a study → stage 1
    "意見9": ({"M-007"}, Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET),  # L4647–4651: a KPI with no target → roadmap
    "意見10": ({"M-009"}, Code.AUDIT_KPI_OUTPUT_ONLY),  # L4653–4657: 投稿動画数 is an output
    "意見11": (  # L4659–4673: roadmaps for the standardisation measures
        {"M-020", "M-021", "M-022", "M-023", "M-024", "M-025", "M-026", "M-027", "M-028"},
        Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES,
    ),
    "意見12": ({"M-033"}, Code.AUDIT_KPI_OUTPUT_ONLY),  # L4675–4679: 利活用した課所室数 is an output
    "意見13": ({"M-038"}, Code.AUDIT_KPI_OUTPUT_ONLY),  # L4681–4685: 公開した動画数 does not show the purpose
    "意見14": ({"M-040"}, Code.AUDIT_STUDY_ONLY),  # L4687–4693: a trial → stage 1
    "意見15": ({"M-044", "M-045"}, Code.AUDIT_KPI_OUTPUT_ONLY),  # L4695–4703: 利用者数 is an output
    "意見16": ({"M-049"}, Code.AUDIT_NO_CHANGE),  # L4705–4709: no results for years
    "意見17": ({"M-054"}, Code.AUDIT_NO_CHANGE),  # L4711–4715: the KPI shows no result
    "意見18": ({"M-058"}, Code.AUDIT_SUGGEST_STAGE_3),  # L4717–4723: 100 = 100 = 100 → stage 3
    "意見21": ({"M-065"}, Code.AUDIT_CAUSE_RESPONSE_MISSING),  # L4741–4750: D, the table gives no cause
    "意見22": ({"M-066"}, Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES),  # L4752–4756: at the research stage
}

# Opinions naming a measure that no rule on the plan's data can check, and why.
NOT_CAUGHT = {
    # L4633–4639: asks to keep raising the online share toward its 30% target; M-001 is on its
    # path (22.6 against 24.1 expected, progress 51% ≥ far_below_progress) and graded B.
    "意見7": "M-001",
    # L4725–4731: the KPI (活用率 100%) is reached, but a part of the measure without a KPI
    # (帳票類のデジタル化) is not; nothing in the plan's data says so. M-061 does get the stage-3
    # suggestion of 意見18 (100 = 100 = 100), which is conditional (「今後も同様に推移する見込みであれば」);
    # read beside 意見19 it should wait until that part is done.
    "意見19": "M-061",
    # L4733–4739: praise and encouragement (more 町内会, more page views); nothing to correct.
    "意見20": "M-063",
}


def test_the_data_lists_every_opinion_naming_measures_and_each_is_a_case_here():
    named_by: dict[str, set[str]] = defaultdict(set)
    for measure_id, opinions in NAMED.items():
        for opinion in opinions:
            named_by[opinion].add(measure_id)
    assert {o: ms for o, (ms, _) in CAUGHT.items()} | {o: {m} for o, m in NOT_CAUGHT.items()} == named_by
    assert len(NAMED) == 36  # distinct measures named by opinions 5–22


@pytest.mark.parametrize("opinion", CAUGHT)
def test_each_named_measure_is_flagged_citing_the_opinion_that_names_it(opinion):
    measures, code = CAUGHT[opinion]
    for measure_id in measures:
        citing = [f for f in FINDINGS if f.code is code and measure_id in measures_of(f) and cites(f, opinion)]
        assert citing, (opinion, measure_id, code)
        assert dict(citing[0].params)["cited"] == f"監査意見{opinion.removeprefix('意見')}"  # that one, not a list


@pytest.mark.parametrize("opinion", NOT_CAUGHT)
def test_the_opinions_no_rule_can_check_are_cited_by_no_finding(opinion):
    assert not [f for f in FINDINGS if cites(f, opinion)]


def test_the_opinions_only_decide_what_is_cited_never_what_is_flagged():
    blind = audit_plan(PLAN, grades=GRADES)
    assert flags(blind) == flags(FINDINGS)
    # Without them a finding cites the check's general opinions (意見5・6 for outputs).
    m052 = next(f for f in blind if f.code is Code.AUDIT_KPI_OUTPUT_ONLY and f.value == "M-052")
    assert dict(m052.params)["cited"] == "監査意見5・6"


def test_more_findings_on_a_named_measure_cite_the_same_opinion():
    # 意見9 and 意見11 ask for roadmaps too; 意見14 also calls the trial's KPI an output; 意見11
    # names the seven standardisation measures that are one business; 意見16 the project that spent nothing.
    also = {
        ("M-007", Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES, "意見9"),
        ("M-040", Code.AUDIT_KPI_OUTPUT_ONLY, "意見14"),
        ("M-058", Code.AUDIT_KPI_OUTPUT_ONLY, "意見18"),
        ("M-049", Code.AUDIT_NOTHING_SPENT, "意見16"),
        *{(f"M-0{n}", Code.AUDIT_NEAR_DUPLICATE, "意見11") for n in range(22, 29)},
        *{(f"M-0{n}", Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET, "意見11") for n in range(20, 29)},
    }
    for measure_id, code, opinion in also:
        assert [f for f in FINDINGS if f.code is code and measure_id in measures_of(f) and cites(f, opinion)], (
            measure_id,
            code,
        )


def test_findings_never_pull_one_measure_both_ways():
    stage_one = {Code.AUDIT_STUDY_ONLY, Code.AUDIT_STAGE_WITHOUT_TARGET}
    by_measure: dict[str, set[Code]] = defaultdict(set)
    for finding in FINDINGS:
        for measure_id in measures_of(finding):
            by_measure[measure_id].add(finding.code)
    both = [m for m, codes in by_measure.items() if Code.AUDIT_SUGGEST_STAGE_3 in codes and codes & stage_one]
    assert both == []
    assert Code.AUDIT_STUDY_ONLY in by_measure["M-040"]  # 意見14: the 20 = 20 = 20 trial goes back to stage 1


def test_the_output_guess_says_it_is_a_guess():
    output_only = [f for f in FINDINGS if f.code is Code.AUDIT_KPI_OUTPUT_ONLY]
    assert len(output_only) == 38
    assert all("（推定）" in f.message() and "指標名からの推定です" in f.message() for f in output_only)


def test_near_duplicates_are_the_standardisation_measures_of_one_business_only():
    found = sorted({f.value for f in FINDINGS if f.code is Code.AUDIT_NEAR_DUPLICATE})
    assert found == [f"M-0{n}" for n in range(22, 29)]  # not M-034/M-035: own task, budget and outcome KPI


# Every measure flagged that no opinion names: its checks, and why the flag is still right.
_OUTPUT = "意見5 lists its eleven measures as examples (「例」, L4504) of outputs used as KPIs, not all of them"
_SHARE = (
    "a share of a service's use counts use of what the city provides, an output by the report's own "
    "definitions (L4525–4527) and as 意見15 and 意見18 call 利用者数 and 達成率"
)
_NO_ROADMAP = (
    "schedule-managed, and the report publishes no milestones for any measure: 意見9・11・22 ask for a "
    "roadmap on the measures they name, and the same gap holds for this one"
)
_GUESS = "its KPI type is blank as published (the report has no 指標区分); the guess is shown as a guess (info)"
OUT, G = Code.AUDIT_KPI_OUTPUT_ONLY, Code.AUDIT_KPI_TYPE_GUESSED
W, T = Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES, Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET
BEYOND: dict[str, tuple[set[Code], str]] = {
    "M-002": ({OUT, G}, f"オンライン申込み・決済の利用割合: {_SHARE}"),
    "M-003": ({OUT, G}, f"二次利用された事例数 counts uses of the data: {_OUTPUT}"),
    "M-004": ({OUT, G}, f"カード保有枚数率 counts cards issued: {_SHARE}"),
    "M-006": ({W}, _NO_ROADMAP),
    "M-008": ({OUT, G}, f"LINE友だち数 counts subscribers: {_OUTPUT}"),
    "M-010": (
        {OUT, G, Code.AUDIT_SETTLEMENT_OVER_BUDGET},
        f"フォロワー数 counts followers: {_OUTPUT}; settled 8 against a budget of 7 (viewpoint ④, L4612)",
    ),
    "M-011": ({W}, _NO_ROADMAP),
    "M-012": ({W}, f"graded by the stage-1 schedule rules (L2255): {_NO_ROADMAP}"),
    "M-013": ({OUT, G}, f"the same LINE友だち数 as M-008: {_OUTPUT}"),
    "M-014": (
        {W, Code.AUDIT_SETTLEMENT_OVER_BUDGET},
        f"{_NO_ROADMAP}; settled 2,229 against a budget of 2,086 (viewpoint ④)",
    ),
    "M-015": ({OUT, G}, f"電子申請の割合: {_SHARE}"),
    "M-029": ({W}, _NO_ROADMAP),
    "M-031": ({W, T}, f"{_NO_ROADMAP}; its KPI 削減した業務時間 has no target (the 意見9 case)"),
    "M-032": ({G}, _GUESS),
    "M-034": ({G}, _GUESS),
    "M-035": ({G}, _GUESS),
    "M-036": ({W}, _NO_ROADMAP),
    "M-037": ({G}, _GUESS),
    "M-039": ({G}, _GUESS),
    "M-041": (
        {OUT, G, Code.AUDIT_EXECUTION_RATE_LOW},
        f"研修受講者数 counts attendance: {_OUTPUT}; executed 26.8% of its budget (viewpoint ④: ask why)",
    ),
    "M-048": ({W}, _NO_ROADMAP),
    "M-051": ({W, T}, f"{_NO_ROADMAP}; its KPI has no target (the 意見9 case)"),
    "M-053": ({W}, _NO_ROADMAP),
    "M-055": ({OUT, G}, f"友だち登録者数 counts subscribers: {_OUTPUT}"),
    "M-056": ({OUT, G}, f"画像ダウンロード数 counts downloads: {_OUTPUT}"),
    "M-057": ({OUT, G}, f"情報コーナー利用者割合: {_SHARE}"),
    "M-059": ({OUT, G}, f"the same LINE友だち数 as M-008: {_OUTPUT}"),
    "M-060": (
        {G, Code.AUDIT_CAUSE_RESPONSE_MISSING},
        "graded D (satisfaction 83 below its baseline 84) and the table gives no cause or response: the 意見21 case",
    ),
    "M-062": ({OUT, G}, f"オンライン申請割合: {_SHARE}"),
    "M-064": ({OUT, G}, f"バス利用件数 counts rides: {_OUTPUT}"),
    "M-067": (
        {G, Code.AUDIT_STAGE_WITHOUT_TARGET},
        "stage 2 (KPI-managed) with no target (該当なし, L3800): the 意見8 case of a measure not yet at stage 2",
    ),
    "M-068": ({W}, _NO_ROADMAP),
}


def test_every_flag_beyond_the_named_measures_has_its_reason():
    beyond: dict[str, set[Code]] = defaultdict(set)
    for measure_id, code in flags(FINDINGS):
        if measure_id not in NAMED:
            beyond[measure_id].add(code)
    assert {m: codes for m, (codes, _) in BEYOND.items()} == dict(beyond)
    assert all(reason for _, reason in BEYOND.values())


def test_the_closing_figures():
    named = set(NAMED)
    caught = {
        m
        for opinion, (measures, _) in CAUGHT.items()
        for m in measures
        if any(cites(f, opinion) and m in measures_of(f) for f in FINDINGS)
    }
    assert (len(caught), len(named)) == (33, 36)
    beyond = [f for f in FINDINGS if not set(measures_of(f)) <= named]
    flagged = {m for f in beyond for m in measures_of(f) if m not in named}
    warned = {m for f in beyond if f.severity is Severity.WARNING for m in measures_of(f) if m not in named}
    assert (len(flagged), len(warned), len(beyond)) == (32, 27, 55)

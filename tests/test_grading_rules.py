"""Grade rules are data: Akita's bundled file, a city's edited copy, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlplan.core.enums import Basis, Grade, Stage
from xlplan.core.grading.rules import GradeRules, KpiTarget
from xlplan.errors import XlplanError
from xlplan.io.rules_file import load_rules, rules_text


def test_the_bundled_rules_are_akitas_and_spell_out_every_default():
    rules = load_rules()
    assert rules == GradeRules()
    assert rules.name == "秋田市デジタル化推進計画2.0"
    assert [rules.basis_for(s) for s in Stage] == [
        Basis.SCHEDULE,
        Basis.KPI,
        Basis.NONE,
        Basis.SCHEDULE,
        Basis.KPI,
        Basis.NONE,
    ]
    assert (rules.kpi.target, rules.kpi.reached_band, rules.kpi.flat_band) == (KpiTarget.PLAN, 0.0, 0.0)
    assert (rules.kpi.reached, rules.kpi.improved, rules.kpi.flat, rules.kpi.worsened) == tuple(Grade)
    assert rules.kpi.partly_reached is Grade.B
    text = rules_text()
    for key in ("flat_band", "reached_band", "partly_reached", "all_done", "on_plan", "overdue", "not_started"):
        assert f"\n{key} = " in text, key


def test_a_city_copy_changes_only_what_it_says(tmp_path: Path):
    path = tmp_path / "other.toml"
    path.write_text(
        'name = "架空市"\n[stages]\n"3" = "kpi"\n'
        '[kpi]\ntarget = "yearly"\nflat_band = 0.05\n'
        '[schedule]\noverdue = "D"\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.name == "架空市"
    assert rules.basis_for(Stage.STABLE) is Basis.KPI
    assert rules.basis_for(Stage.BUILD) is Basis.SCHEDULE
    assert (rules.kpi.target, rules.kpi.flat_band, rules.kpi.reached_band) == (KpiTarget.YEARLY, 0.05, 0.0)
    assert (rules.schedule.overdue, rules.schedule.on_plan) == (Grade.D, Grade.B)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[kpi]\nflat_band = -1\n", "[kpi] の flat_band は 0 以上 1 未満の数値にしてください"),
        ('[kpi]\nreached = "S"\n', "[kpi] の reached は A・B・C・D のいずれかにしてください（値: 'S'）"),
        ('[kpi]\ntarget = "prorated"\n', '[kpi] の target は "plan"'),
        ("[kpi]\nflat_bnad = 0.1\n", "[kpi] のキー「flat_bnad」は使えません"),
        ('[stages]\n"6" = "kpi"\n', "[stages] のキー「6」は使えません"),
        ('[stages]\n"2" = "目標"\n', "[stages] の段階「2」の評価方法「目標」は使えません"),
        ("[schedule]\non_plan = 1\n", "[schedule] の on_plan は A・B・C・D のいずれかにしてください"),
        ("kpi = 3\n", "[kpi] は表"),
        ("[kpi\n", "TOML として読めません"),
    ],
)
def test_a_bad_rules_file_says_what_to_fix(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(XlplanError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"評価基準ファイル {path}")
    assert message in str(caught.value)


def test_a_missing_rules_file(tmp_path: Path):
    with pytest.raises(XlplanError, match="が見つかりません"):
        load_rules(tmp_path / "none.toml")

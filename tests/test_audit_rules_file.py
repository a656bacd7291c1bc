"""The audit thresholds are data: the `[lint]` table of the rules file."""

from __future__ import annotations

import tomllib

import pytest

from xlplan.core.audit.context import AuditRules
from xlplan.core.enums import Grade, KpiType
from xlplan.core.grading.rules import GradeRules
from xlplan.errors import XlplanError
from xlplan.io.lint_rules import load_lint_rules, load_rule_set
from xlplan.io.rules_file import load_rules, rules_text


def test_the_bundled_lint_table_is_akitas_defaults():
    assert AuditRules.from_table(tomllib.loads(rules_text())["lint"]) == AuditRules()


def test_grading_reads_the_same_file_and_ignores_the_lint_table():
    assert load_rules() == GradeRules()


def test_the_bundled_rules_file_gives_akitas_thresholds():
    assert load_lint_rules() == AuditRules()
    grade_rules, audit_rules = load_rule_set()
    assert (grade_rules, audit_rules) == (GradeRules(), AuditRules())


def test_a_city_copies_the_file_and_changes_a_threshold(tmp_path):
    path = tmp_path / "other-city.toml"
    text = rules_text()
    path.write_text(
        text.replace("execution_rate_min = 0.5", "execution_rate_min = 0.8")
        .replace('weak_grades = ["C", "D"]', 'weak_grades = ["D"]')
        .replace('"アウトカム" = ["満足度"', '"アウトカム" = ["利用率", "満足度"'),
        encoding="utf-8",
    )
    grade_rules, rules = load_rule_set(path)
    assert grade_rules == GradeRules()
    assert (rules.execution_rate_min, rules.weak_grades) == (0.8, frozenset({Grade.D}))
    assert rules.kpi_type_words[0] == (
        KpiType.OUTCOME,
        ("利用率", "満足度", "削減", "短縮", "費用対効果", "就職", "起業", "改善"),
    )
    assert rules.stagnant_years == 2  # untouched keys keep Akita's values


def test_a_file_without_a_lint_table_keeps_akitas_thresholds(tmp_path):
    path = tmp_path / "grades-only.toml"
    path.write_text('name = "別の市"\n[kpi]\nflat_band = 0.05\n', encoding="utf-8")
    grade_rules, rules = load_rule_set(path)
    assert (grade_rules.name, grade_rules.kpi.flat_band, rules) == ("別の市", 0.05, AuditRules())


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("execution_rate = 0.5", "キー「execution_rate」は使えません"),
        ("execution_rate_min = 50", "execution_rate_min は 0 以上 1 以下の数値"),
        ("stagnant_years = 1", "stagnant_years は 2 以上の整数"),
        ('weak_grades = ["E"]', "weak_grades は"),
        ('study_words = "検討"', "study_words は"),
        ('[lint.kpi_type_words]\n"成果" = ["満足度"]', "区分「成果」は使えません"),
    ],
)
def test_a_wrong_threshold_says_which_key_and_what_to_write(tmp_path, table, message):
    path = tmp_path / "wrong.toml"
    text = table if table.startswith("[") else f"[lint]\n{table}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(XlplanError, match=message) as caught:
        load_lint_rules(path)
    assert str(path) in str(caught.value)

import datetime as dt

import pytest

from xlplan.core.fiscal import YearMonth, fiscal_year_of, fy_label, parse_fiscal_year, parse_year_month


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        (2024, 2024),
        (2024.0, 2024),
        ("2024", 2024),
        ("２０２４年度", 2024),
        ("R6", 2024),
        ("r6", 2024),
        ("Ｒ６", 2024),
        ("R6年度", 2024),
        ("令和6年度", 2024),
        ("令和６年度", 2024),
        ("令和 6", 2024),
        ("令和元年度", 2019),
        ("H30", 2018),
        ("平成30年度", 2018),
    ],
)
def test_fiscal_year_is_read_as_people_write_it(typed, year):
    assert parse_fiscal_year(typed) == year


@pytest.mark.parametrize("typed", ["来年度", "", "R", 2024.5, True, "20245", None, "1200"])
def test_what_is_not_a_fiscal_year_is_refused(typed):
    assert parse_fiscal_year(typed) is None


@pytest.mark.parametrize(
    ("year", "label"), [(2024, "令和6年度"), (2019, "令和元年度"), (2026, "令和8年度"), (2018, "平成30年度")]
)
def test_labels_use_the_japanese_era(year, label):
    assert fy_label(year) == label
    assert parse_fiscal_year(label) == year


def test_english_label():
    assert fy_label(2024, lang="en") == "FY2024"


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("2024/10", YearMonth(2024, 10)),
        ("2024-4", YearMonth(2024, 4)),
        ("2024年10月", YearMonth(2024, 10)),
        ("令和6年10月", YearMonth(2024, 10)),
        ("R6.10", YearMonth(2024, 10)),
        ("2024/10/01", YearMonth(2024, 10)),
        (dt.datetime(2025, 3, 1), YearMonth(2025, 3)),
        (dt.date(2025, 3, 31), YearMonth(2025, 3)),
    ],
)
def test_months_are_read_as_people_write_them(typed, month):
    assert parse_year_month(typed) == month


@pytest.mark.parametrize("typed", ["2024/13", "十月", "", 202410])
def test_what_is_not_a_month_is_refused(typed):
    assert parse_year_month(typed) is None


def test_january_to_march_belong_to_the_previous_fiscal_year():
    assert fiscal_year_of(dt.date(2025, 3, 31)) == 2024
    assert fiscal_year_of(dt.date(2025, 4, 1)) == 2025
    assert YearMonth(2025, 2).fiscal_year == 2024
    assert YearMonth(2024, 2).last_day() == dt.date(2024, 2, 29)

import pytest

from xlplan.core.layout import KPI, LIFECYCLE, PROJECTS, SCHEDULE
from xlplan.core.normalize import normalize_cell, percent_to_points

NUMBER = KPI.column("actual")
FY = KPI.column("baseline_fy")
STAGE = LIFECYCLE.column("stage")
MEASURE_ID = KPI.column("measure_id")
KPI_NAME = KPI.column("name")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("２２．６", 22.6),  # full-width digits
        ("22.6%", 22.6),
        ("２２．６％", 22.6),
        ("1,234", 1234.0),
        ("１，２３４", 1234.0),
        ("▲1,234", -1234.0),
        ("△5", -5.0),
        (" 30 ", 30.0),
        ("30\u3000", 30.0),  # ideographic space
        ("－3", -3.0),  # full-width minus
        ("2,873千円", 2873.0),
    ],
)
def test_numbers_as_people_type_them_are_read_and_the_change_is_told(typed, value):
    result = normalize_cell(NUMBER, typed)
    assert result.value == pytest.approx(value)
    assert result.changed


def test_a_number_cell_is_taken_as_is():
    assert normalize_cell(NUMBER, 22.6) == normalize_cell(NUMBER, 22.6)
    assert normalize_cell(NUMBER, 22.6).value == 22.6
    assert not normalize_cell(NUMBER, 22.6).changed


@pytest.mark.parametrize("typed", ["該当なし", "－", "―", "-", "ー", "なし", "   ", "\u3000"])
def test_empty_markers_become_empty(typed):
    result = normalize_cell(NUMBER, typed)
    assert result.value is None
    assert result.changed


def test_what_cannot_be_read_is_passed_through_for_the_schema_to_report():
    assert normalize_cell(NUMBER, "約30").value == "約30"
    assert not normalize_cell(NUMBER, "約30").changed


@pytest.mark.parametrize(("typed", "year"), [("令和6年度", 2024), ("R6", 2024), (2024, 2024), ("2024年度", 2024)])
def test_fiscal_years_in_any_form_are_the_same_year(typed, year):
    assert normalize_cell(FY, typed).value == year


def test_the_dropdown_label_itself_is_not_reported_as_a_change():
    assert not normalize_cell(FY, "令和6年度").changed
    assert normalize_cell(FY, "R6").changed


@pytest.mark.parametrize(
    ("typed", "stage"), [("2", "2"), (2.0, "2"), ("段階2", "2"), ("３・４", "3・4"), ("3-4", "3・4"), ("3･4", "3・4")]
)
def test_stages_are_read_in_the_forms_people_use(typed, stage):
    assert normalize_cell(STAGE, typed).value == stage


def test_ids_are_upper_case_half_width():
    result = normalize_cell(MEASURE_ID, "ｍ－００１")
    assert result.value == "M-001"
    assert result.changed


def test_id_lists_accept_japanese_separators_without_noise():
    column = PROJECTS.column("measure_ids")
    assert normalize_cell(column, "M-008、M-013").value == "M-008,M-013"
    assert not normalize_cell(column, "M-008、M-013").changed
    assert normalize_cell(column, "Ｍ-008,M-013").changed


def test_text_keeps_its_characters_but_loses_stray_spaces():
    result = normalize_cell(KPI_NAME, "  電子申請の割合　")
    assert result.value == "電子申請の割合"
    assert result.changed
    assert normalize_cell(KPI_NAME, "－").value == "－"  # a dash is text in a text column


def test_months_normalise_to_iso():
    assert normalize_cell(SCHEDULE.column("planned_to"), "令和7年3月").value == "2025-03"


def test_percent_formatted_fraction_becomes_points():
    result = percent_to_points(0.226)
    assert result.value == pytest.approx(22.6)
    assert result.changed

"""The pandera models and the layout table describe the same sheets."""

import pandas as pd
import pytest

from xlplan.core.layout import SECTION_SHEETS
from xlplan_validators import SCHEMAS


@pytest.mark.parametrize("layout", SECTION_SHEETS, ids=lambda layout: layout.key)
def test_each_sheet_model_covers_exactly_the_layout_columns(layout):
    schema = SCHEMAS[layout.key].to_schema()
    input_headers = [c.header for c in layout.columns if not getattr(c, "computed", False)]
    assert list(schema.columns) == input_headers
    for column in layout.columns:
        if getattr(column, "computed", False):
            continue
        assert schema.columns[column.header].nullable is not column.required, column.header


def test_models_ignore_extra_columns_and_coerce():
    schema = SCHEMAS["budget"].to_schema()
    frame = pd.DataFrame(
        {
            "予算事業ID": ["P-001-1"],
            "科目": ["委託料"],
            "当初予算": ["792"],
            "補正後予算": [792],
            "決算": [None],
            "メモ": ["x"],
        },
        dtype=object,
    )
    validated = schema.validate(frame)
    assert list(validated.columns) == ["予算事業ID", "科目", "当初予算", "補正後予算", "決算"]
    assert validated["当初予算"].iloc[0] == 792.0


def test_the_installed_names_do_not_shadow_the_pypi_validators_package():
    import importlib.metadata

    top_level = importlib.metadata.distribution("xlplan").read_text("top_level.txt").split()
    assert sorted(top_level) == ["xlplan", "xlplan_validators"]

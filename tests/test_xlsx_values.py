"""The reader's date rules are openpyxl's, restated so that a reading process never imports
openpyxl (and numpy with it): the same formats show dates and durations, the same serials read
as the same dates, times and durations, and the same serials are out of the calendar.

"Duration" here is a cell's value (a `[h]:mm` format, a `timedelta`), never the test's run
time: nothing is timed (`deadline=None` even turns off hypothesis's own per-example clock)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from xlplan.io.xlsx import values

CUSTOM_FORMATS = [
    'yyyy"年"m"月"',
    'yyyy"年"m"月"d"日"',
    '[$-411]ggge"年"m"月"d"日"',
    "[$-ja-JP-x-gannen]ggge年m月d日",
    "[DBNum1][$-411]ge.m.d",
    "[h]:mm:ss",
    "[hh]:mm",
    "[mm]:ss",
    "[ss].00",
    "[s]",
    "[H]:MM",
    "mm:ss.0",
    "h:mm AM/PM",
    "0.00%",
    "#,##0",
    "@",
    '"d"0',
    '"day "0;"days "0',
    "_d0",
    "\\d0",
    "[Red]0",
    "[Red][h]:mm",
    '0;[Red]-0;"day"',
    ";;;",
    "General",
    "[$€-2] #,##0.00",
    "[>=100]0;0",
    "[$-F800]dddd, mmmm dd, yyyy",
    "yy/m/d;@",
    "0.0E+00",
    "# ?/?",
    "",
]
FORMAT_TEXT = st.text(alphabet='dmhysDMHYSgeG0#.,;:[]$-"\\_@%/ 年月日AaPp', max_size=16)


@pytest.mark.parametrize("code", [*BUILTIN_FORMATS.values(), *CUSTOM_FORMATS])
def test_a_format_shows_a_date_or_a_duration_exactly_when_openpyxl_says_so(code: str) -> None:
    assert values.is_date_format(code) == is_date_format(code)
    assert values.is_duration_format(code) == is_timedelta_format(code)


@settings(max_examples=300, deadline=None)
@given(FORMAT_TEXT)
def test_generated_formats_are_judged_as_openpyxl_judges_them(code: str) -> None:
    assert values.is_date_format(code) == is_date_format(code)
    assert values.is_duration_format(code) == is_timedelta_format(code)


def _openpyxl(number: float, date1904: bool, duration: bool) -> object:
    try:
        return _typed(from_excel(number, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900, timedelta=duration))
    except (OverflowError, ValueError) as error:
        return type(error)


def _ours(number: float, date1904: bool, duration: bool) -> object:
    try:
        return _typed(values.from_serial(number, date1904, duration))
    except (OverflowError, ValueError) as error:
        return type(error)


def _typed(value: object) -> tuple[type, object]:
    return type(value), value


SERIALS = [0, 0.5, 0.25, 0.9999999, 0.99999999999, 1, 1.5, 59, 59.999, 60, 60.5, 61, 45_383, 45_383.75]
SERIALS += [2_958_465, 2_958_465.9999, 2_958_466, -1, -0.5, -693_594, -700_000, 1e20, 1e308, math.inf, math.nan]


@pytest.mark.parametrize("number", SERIALS)
@pytest.mark.parametrize("date1904", [False, True])
@pytest.mark.parametrize("duration", [False, True])
def test_a_serial_reads_as_openpyxl_reads_it(number: float, date1904: bool, duration: bool) -> None:
    assert _ours(number, date1904, duration) == _openpyxl(number, date1904, duration)


@settings(max_examples=300, deadline=None)
@given(st.floats(-800_000, 3_000_000, allow_nan=False), st.booleans(), st.booleans())
def test_generated_serials_read_as_openpyxl_reads_them(number: float, date1904: bool, duration: bool) -> None:
    assert _ours(number, date1904, duration) == _openpyxl(number, date1904, duration)

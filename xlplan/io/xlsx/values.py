"""What a cell shows, from its type, its saved text and its number format, as Excel shows it.

A cell's XML says its type (`t`: `s` shared string, `str` formula text, `inlineStr`, `b`
boolean, `e` error, `d` ISO date, `n` or nothing: a number) and its text; its style says
whether a number is a date, a time or a duration. `cell_value` turns these into the Python
value the reader works with (str, float, bool, date, datetime, time, timedelta), or into an
`ErrorValue` for a cell that shows `#N/A`, `#DIV/0!`...: never an empty value in silence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

__all__ = [
    "BookFormats",
    "ErrorValue",
    "cell_value",
    "from_serial",
    "has_escapes",
    "is_date_format",
    "is_duration_format",
    "unescape",
    "xml_text",
]

# XML Schema's xsd:double, the only number syntax Excel writes into <v>
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN")
# Not xsd:double, but what Python and pandas write for one (repr(float("inf")) is "inf"): read as
# the non-finite number it means, so it is reported like 1e309, never taken for text downstream
# (where pandas would turn "nan" into an empty value and "inf" into a number).
_NON_FINITE = re.compile(r"[+-]?(?:inf(?:inity)?|nan)", re.IGNORECASE)
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6})|(lt|gt|amp|quot|apos));")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # OOXML's escape for characters XML cannot hold
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# Built-in number formats that show a date or a time. 27–36 and 50–58 are the East Asian
# date formats (和暦 among them) that Excel in Japanese shows as dates.
_BUILTIN_DATES = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_BUILTIN_DURATIONS = frozenset({46})
# openpyxl's rules for a number format that shows a date or a duration and for a serial's date
# (openpyxl 3.1: styles/numbers.py is_date_format, is_timedelta_format; utils/datetime.py
# from_excel), restated because importing openpyxl imports numpy: 0.3 s of CPU in every reading
# process. tests/test_xlsx_values.py holds them equal to openpyxl's on every built-in format,
# many custom ones and serials across the calendar.
_FORMAT_NOISE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, [Red], [$-ja-JP]
_DATE_PART = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION_PART = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.IGNORECASE)
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 0 as Excel's 1900 system counts (its 1900-02-29 included)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_SECONDS_A_DAY = 86_400


class ErrorValue(str):
    """The text of an error a cell shows (`#N/A`, `#DIV/0!`, `#VALUE!`, `#REF!`...)."""

    __slots__ = ()


@dataclass(slots=True)
class BookFormats:
    """What the workbook-level parts say about reading a cell: shared strings, and the styles
    whose number format shows a percent, a date or a duration."""

    strings: list[str] = field(default_factory=list)
    percent: frozenset[int] = frozenset()
    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()
    date1904: bool = False


def date_styles(formats: list[str], custom: dict[str, str]) -> tuple[frozenset[int], frozenset[int]]:
    """(date styles, duration styles) among the cellXfs, from each style's numFmtId."""
    dates: set[int] = set()
    durations: set[int] = set()
    for index, number in enumerate(formats):
        code = custom.get(number)
        if code is not None:
            if is_date_format(code):
                (durations if is_duration_format(code) else dates).add(index)
        elif number.isdigit() and int(number) in _BUILTIN_DATES:
            (durations if int(number) in _BUILTIN_DURATIONS else dates).add(index)
    return frozenset(dates), frozenset(durations)


def is_date_format(code: str) -> bool:
    """True when a number format shows a date, a time or a duration (openpyxl's rule)."""
    first = _FORMAT_NOISE.sub("", code.split(";")[0])  # the positive section, without its literals
    return _DATE_PART.search(first) is not None


def is_duration_format(code: str) -> bool:
    """True when a number format shows elapsed time (``[h]:mm``), openpyxl's rule."""
    return _DURATION_PART.search(code.split(";")[0]) is not None


def from_serial(number: float, date1904: bool = False, duration: bool = False) -> dt.datetime | dt.time | dt.timedelta:
    """A date serial as openpyxl's `from_excel` reads it: a timedelta for a duration, a time of
    day from 0 to below 1 (in either date system, as openpyxl has it), else a datetime, to the
    millisecond.

    :raises OverflowError: a serial past the calendar.
    """
    if duration:
        span = dt.timedelta(days=number)
        if span.microseconds:  # to the millisecond
            span = dt.timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
        return span
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    day, fraction = divmod(number, 1)
    clock = dt.timedelta(milliseconds=round(fraction * _SECONDS_A_DAY * 1000))
    if 0 <= number < 1 and clock.days == 0:
        minutes, seconds = divmod(clock.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return dt.time(hours, minutes, seconds, clock.microseconds)
    if 0 < number < 60 and not date1904:
        day += 1  # before Excel's 1900-02-29, which never was
    return epoch + dt.timedelta(days=day) + clock


def xml_text(raw: bytes) -> str | None:
    """Character data as an XML parser gives it (line ends normalised, references replaced);
    None when it holds something only a parser may decide (an unknown entity, bad UTF-8)."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "&" not in text:
        return text
    if len(_REFERENCE.findall(text)) != text.count("&"):
        return None
    try:
        return _REFERENCE.sub(_replace_reference, text)
    except ValueError:  # a character reference to no legal character
        return None


def has_escapes(text: str) -> bool:
    """True when `unescape` changes the text (it holds an escape such as `_x000D_`)."""
    return "_x" in text and _ESCAPED.search(text) is not None


def unescape(text: str) -> str:
    """Text as Excel shows it: `_x000D_` is a carriage return, `_x005F_` an underscore (ST_Xstring)."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _replace_reference(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise ValueError(code)


def cell_value(cell_type: str, text: str, style: int, formats: BookFormats) -> object:
    """The value a cell shows: "" when it shows nothing, an `ErrorValue` for an error.

    :param cell_type: the cell's `t` attribute ("" for none).
    :param text: the saved text (of `<v>`, or of an inline string's `<t>` runs).
    :param style: the cell's `s` attribute (-1 for none).
    :raises IndexError: a shared-string index past the table.
    """
    if cell_type in ("str", "inlineStr"):
        return unescape(text)
    if cell_type == "s":
        index = text.strip()
        if not index.isdigit() or len(index) > 10:
            raise IndexError(index)
        return formats.strings[int(index)]
    stripped = text.strip()
    if cell_type == "e":
        return ErrorValue(stripped) if stripped else ""
    if not stripped:
        return ""
    if cell_type == "b":
        return stripped in ("1", "true")
    if cell_type == "d":
        try:
            return _midnight_as_date(dt.datetime.fromisoformat(stripped))
        except ValueError:
            return stripped
    if not (_DOUBLE.fullmatch(stripped) or _NON_FINITE.fullmatch(stripped)):
        return stripped  # not a number Excel wrote: the validator reports it at its cell
    number = float(stripped)
    if style in formats.dates or style in formats.durations:
        return _serial(number, style in formats.durations, formats.date1904)
    return number


def _serial(number: float, duration: bool, date1904: bool) -> object:
    """A date serial as the date, time or duration it shows; the number when it is no date."""
    try:
        value = from_serial(number, date1904, duration)
    except (OverflowError, ValueError):
        return number  # out of the calendar: Excel shows ####; the number is what was typed
    return _midnight_as_date(value) if isinstance(value, dt.datetime) else value


def _midnight_as_date(value: dt.datetime) -> dt.date | dt.datetime:
    """A date with no time of day is a date (as the validators read it)."""
    return value.date() if value.time() == dt.time() and value.tzinfo is None else value

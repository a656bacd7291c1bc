"""The fast read of the shared strings finds exactly what the expat parser finds, or declines.

`fast_shared_strings` reads the part the plain way Excel, openpyxl and XlsxWriter write it
(`<si><t>…</t></si>`, Excel's phonetic guides after the text); `SharedStrings` under a guarded
expat parser is the reference. On generated parts of every kind (references, line ends,
`_x000D_` escapes, rich runs, phonetic guides, characters XML refuses, repeated attributes,
texts and counts at the limits) the fast read gives the same texts, or None where the parser
decides, and never reads a part the parser refuses.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlplan.io.xlsx.limits import EXCEL_MAX_CELL_CHARS, InputRefused
from xlplan.io.xlsx.xml_scan import SharedStrings, fast_shared_strings, guarded_parser

LIMIT = 50


def parsed(data: bytes, limit: int = LIMIT) -> list[str] | type[Exception]:
    strings = SharedStrings(limit)
    parser = guarded_parser("xl/sharedStrings.xml")
    for attribute, handler in strings.handlers().items():
        setattr(parser, attribute, handler)
    try:
        parser.Parse(data, True)
    except Exception as error:  # expat's errors and the handler's refusals alike
        return type(error)
    return strings.texts


def agree(data: bytes, limit: int = LIMIT) -> bool:
    """True when the fast read decided; then it found what the parser found."""
    fast = fast_shared_strings(data, limit)
    if fast is None:
        return False
    assert fast == parsed(data, limit), data.decode("utf-8", "replace")[:1000]
    return True


TEXTS = st.sampled_from(
    [
        "",
        " ",
        "abc",
        "秋田市",
        "a&amp;b",
        "&lt;x&gt;",
        "&quot;q&apos;",
        "改行\r\nあり",
        "cr\ronly",
        "line\nfeed",
        "&#13;&#10;",
        "&#x10000;",
        "&#95;x000D_",
        "_x000D_",
        "_x005F_x000D_",
        "x_x0041_y",
        "tab\there",
        "&#0;",
        "&#xFFFE;",
        "&nbsp;",
        "a]]>b",
        "a\x01b",
        "\ufffe",
        "a > b",
        "&amp",
    ]
)
ITEMS = st.one_of(
    TEXTS.map(lambda t: f"<si><t>{t}</t></si>"),
    TEXTS.map(lambda t: f'<si><t xml:space="preserve">{t}</t></si>'),
    st.just("<si><t/></si>"),
    TEXTS.map(lambda t: f'<si><t>{t}</t><rPh sb="0" eb="3"><t>アキタシ</t></rPh><phoneticPr fontId="1"/></si>'),
    TEXTS.map(lambda t: f'<si><t>{t}</t><phoneticPr fontId="1" type="noConversion"/></si>'),
    TEXTS.map(lambda t: f'<si><t>{t}</t><rPh sb="0" eb="1"><t>{t}</t></rPh></si>'),
    TEXTS.map(lambda t: f"<si><r><t>{t}</t></r><r><rPr><b/></rPr><t>x</t></r></si>"),  # rich text
    TEXTS.map(lambda t: f"<si><t>{t}</t></si>\n"),  # pretty-printed
    TEXTS.map(lambda t: f"<x:si><x:t>{t}</x:t></x:si>"),
)
HEADS = st.sampled_from(
    [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        "\ufeff<?xml version='1.0' encoding='utf-8'?>",
        "",
        '<?xml version="1.0" encoding="UTF-16"?>',
    ]
)
SST = st.sampled_from(
    [
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">',
        "<sst>",
        '<sst count="1" count="2">',
        '<sst xmlns="urn:x"\n  count="1" >',
    ]
)


@st.composite
def parts(draw: st.DrawFn) -> bytes:
    items = "".join(draw(st.lists(ITEMS, max_size=8)))
    tail = draw(st.sampled_from(["", "\n", "<!-- end -->", "<?pi x?>"]))
    return f"{draw(HEADS)}{draw(SST)}{items}</sst>{tail}".encode()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts())
def test_the_fast_read_agrees_with_the_parser(data: bytes) -> None:
    agree(data)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_generated_parts_often_take_the_fast_path() -> None:
    """The comparison above means something only if the fast read decides many parts itself."""
    decided = [agree(parts().example()) for _ in range(200)]
    assert sum(decided) >= 20


def test_plain_parts_take_the_fast_path_and_resolve_what_the_parser_resolves() -> None:
    data = (
        '<?xml version="1.0" encoding="UTF-8"?><sst count="6">'
        "<si><t>fiscal_year</t></si><si><t>A&amp;B &lt;1&gt;</t></si><si><t>改行\r\nと&#13;</t></si>"
        '<si><t xml:space="preserve"> 前後 </t></si><si><t/></si><si><t>_x000D_&#95;x0041_</t></si>'
        '<si><t>秋田</t><rPh sb="0" eb="2"><t>アキタ</t></rPh><phoneticPr fontId="1"/></si></sst>'
    ).encode()
    assert fast_shared_strings(data, LIMIT) == [
        "fiscal_year",
        "A&B <1>",
        "改行\nと\r",
        " 前後 ",
        "",
        "\rA",
        "秋田",
    ]
    assert agree(data)


@pytest.mark.parametrize(
    "item",
    [
        "<si><t>a\x01b</t></si>",  # a control character: expat refuses the part
        "<si><t>a]]>b</t></si>",
        "<si><t>\ufffe</t></si>",
        "<si><t>&#1;</t></si>",
        "<si><t>&unknown;</t></si>",
        '<si><t>ok</t><rPh sb="0" eb="1"><t>&amp;</t></rPh></si>',  # a reference the fast read skips
        "<si><r><t>rich</t></r></si>",
    ],
)
def test_what_the_parser_must_decide_is_left_to_it(item: str) -> None:
    data = f'<?xml version="1.0" encoding="UTF-8"?><sst>{item}</sst>'.encode()
    assert fast_shared_strings(data, LIMIT) is None


def test_bad_utf8_is_left_to_the_parser() -> None:
    data = b'<?xml version="1.0" encoding="UTF-8"?><sst><si><t>\xff\xfe</t></si></sst>'
    assert fast_shared_strings(data, LIMIT) is None
    assert not isinstance(parsed(data), list)


def test_a_text_or_a_count_past_the_limits_is_left_to_the_parser_which_refuses_it() -> None:
    long = f"<sst><si><t>{'あ' * (EXCEL_MAX_CELL_CHARS + 1)}</t></si></sst>".encode()
    assert fast_shared_strings(long, LIMIT) is None
    assert parsed(long) is InputRefused
    many = ("<sst>" + "<si><t>x</t></si>" * (LIMIT + 1) + "</sst>").encode()
    assert fast_shared_strings(many, LIMIT) is None
    assert parsed(many) is InputRefused
    at_limit = ("<sst>" + "<si><t>x</t></si>" * LIMIT + "</sst>").encode()
    assert fast_shared_strings(at_limit, LIMIT) == ["x"] * LIMIT

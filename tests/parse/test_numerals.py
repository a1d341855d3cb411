"""The vocabularies: Chinese numerals, multipliers, qualifiers and the figure grammar."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.numerals import cn_to_int, parse_figure, parse_number, qualifier_around
from pipeline.parse.patterns import FIGURE_RE, iter_figures


@pytest.mark.parametrize(
    "text,value",
    [
        ("二", 2),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("两千", 2000),
        ("三千五百", 3500),
        ("一万二千", 12000),
        ("三亿五千万", 350_000_000),
        ("二〇二四", 2024),
        ("三〇五", 305),
    ],
    ids=lambda x: str(x),
)
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    "text,value",
    [
        ("86", 86),
        ("1,234", 1234),
        ("56.95", 56.95),
        ("2万", 20000),
        ("1.2万", 12000),
        ("4.29亿", 429_000_000),
        ("百分之百", 100),
        ("百分之九十五", 95),
        ("百分之95.5", 95.5),
        ("九十五点五", 95.5),
        ("九十五点零五", 95.05),
        ("0", 0),
    ],
    ids=lambda x: str(x),
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "fig,value,qualifier",
    [
        ("2万余", 20000, "over"),
        ("二十余", 20, "over"),
        ("1000余", 1000, "over"),
        ("300多", 300, "over"),
        ("162", 162, "exact"),
        ("十余", 10, "over"),
    ],
    ids=lambda x: str(x),
)
def test_parse_figure_keeps_the_qualifier(fig, value, qualifier):
    assert parse_figure(fig) == (value, qualifier)


@pytest.mark.parametrize(
    "text,qualifier",
    [
        ("约86件", "approx"),
        ("大约86件", "approx"),
        ("近400项", "under"),
        ("将近400项", "under"),
        ("不足30件", "under"),
        ("不到30件", "under"),
        ("超过500件", "over"),
        ("逾500件", "over"),
        ("500件以上", "over"),
        ("500件左右", "approx"),
        ("共500件", None),
    ],
    ids=lambda x: str(x),
)
def test_qualifier_around(text, qualifier):
    m = FIGURE_RE.search(text)
    assert qualifier_around(text, m.start("fig"), m.end()) == qualifier


@pytest.mark.parametrize(
    "text,fig,unit",
    [
        ("受理86件", "86", "件"),
        ("2万余件", "2万余", "件"),
        ("1,234件", "1,234", "件"),
        ("56.95%", "56.95", "%"),
        ("二十余次", "二十余", "次"),
        ("1996户次", "1996", "户次"),
        ("1637万元", "1637万", "元"),
        ("学法六次", "六", "次"),
        ("败诉率为零。", "零", None),
    ],
    ids=lambda x: str(x),
)
def test_figure_grammar(text, fig, unit):
    m = FIGURE_RE.search(text)
    assert (m.group("fig"), m.group("unit")) == (fig, unit)


@pytest.mark.parametrize("text", ["一是加强领导", "二十大精神", "一件事", "十四五规划", "一次到位"])
def test_words_are_not_figures(text):
    assert not [m for m in FIGURE_RE.finditer(text) if m.group("fig") == "一"]


def test_bad_numeral_raises():
    with pytest.raises(ValueError):
        cn_to_int("甲")


@pytest.mark.parametrize("text", ["十十十", "万万", "点五五点"])
def test_malformed_numerals_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_number(text)


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789.,万亿千余多百分之零〇一二两三四五六七八九十件次%元年受理的")
        ),
        max_size=40,
    )
)
def test_iter_figures_finds_what_a_full_scan_finds(text):
    assert [m.span() for m in iter_figures(text)] == [m.span() for m in FIGURE_RE.finditer(text)]

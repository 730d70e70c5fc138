"""The number reader on the forms the 415X plans write (checked by hand)."""
import math

import pytest

from qzlib.numbers import NumberError, cn_to_number, parse_number, to_base_unit


@pytest.mark.parametrize("text, hint, value, unit, qualifier, comparator", [
    ("1.5万亩以上", "", 15000, "亩", "exact", "≥"),
    ("１.５万亩", "", 15000, "亩", "exact", ""),          # full-width digits and point
    ("３.２％", "", 3.2, "%", "exact", ""),
    ("3.2%", "%", 3.2, "%", "exact", ""),                # % in a % column: the number itself
    ("26.7", "%", 26.7, "%", "exact", ""),
    ("5000亿元", "", 5000, "亿元", "exact", ""),          # 亿元 stays 亿元
    ("2.5亿元", "", 2.5, "亿元", "exact", ""),
    ("0.35万亿元", "", 3500, "亿元", "exact", ""),
    ("28万元", "", 280000, "元", "exact", ""),           # 万元 -> 元
    ("35万元/人以上", "", 350000, "元/人", "exact", "≥"),
    ("6.5件/万人", "", 6.5, "件/万人", "exact", ""),     # a magnitude in the denominator is unit
    ("百亿级", "", 100, "亿元", "exact", ""),
    ("千亿元", "", 1000, "亿元", "exact", ""),
    ("500亿", "", 500, "亿元", "exact", ""),
    ("两个", "", 2, "个", "exact", ""),
    ("十五家", "", 15, "家", "exact", ""),
    ("30%左右", "", 30, "%", "approx", "≈"),
    ("突破5000亿元", "", 5000, "亿元", "exact", ">"),
    ("不低于50%", "", 50, "%", "exact", "≥"),
    ("达到6.5件", "", 6.5, "件", "exact", "="),
    ("5家（个）以上", "", 5, "家", "exact", "≥"),
    ("零突破", "", 1, "", "exact", "≥"),
    ("28", "万元/亩", 28, "万元/亩", "exact", ""),        # a bare number keeps the column's unit
])
def test_parse_number_forms(text, hint, value, unit, qualifier, comparator):
    q = parse_number(text, hint)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.qualifier, q.comparator, q.raw) == (unit, qualifier, comparator, text)


def test_one_third_in_a_percent_column_is_33_point_3_and_approximate():
    q = parse_number("1/3左右", "%")
    assert q.value == pytest.approx(100 / 3)
    assert (q.qualifier, q.comparator, q.unit) == ("approx", "≈", "%")
    assert parse_number("1/3").value == pytest.approx(1 / 3)  # no % context: a plain fraction


@pytest.mark.parametrize("text", ["/", "", "-", "—", "无"])
def test_missing_marks(text):
    q = parse_number(text, "%")
    assert q.value is None and q.qualifier == "missing"


def test_phrase_without_number_is_qualitative():
    q = parse_number("完成省下达任务", "%")
    assert q.value is None and q.qualifier == "qualitative" and q.raw == "完成省下达任务"


def test_range_keeps_both_ends():
    q = parse_number("1000—5000亩")
    assert (q.value, q.upper, q.unit, q.comparator) == (1000, 5000, "亩", "range")


@pytest.mark.parametrize("text", ["16O", "1六0", "12..5", "3.2%%", "abc", "#REF!", "1/0"])
def test_unreadable_numbers_raise(text):
    with pytest.raises(NumberError):
        parse_number(text, "万元/亩")


def test_base_unit_rule_and_cn2an():
    assert to_base_unit(1.5, "万亩") == (15000, "亩")
    assert to_base_unit(3, "千亿元") == (3000, "亿元")
    assert to_base_unit(5000, "亿元") == (5000, "亿元")
    assert to_base_unit(4, "万人") == (40000, "人")
    assert cn_to_number("一千五百") == 1500 and cn_to_number("百") == 100
    assert not math.isnan(cn_to_number("两"))

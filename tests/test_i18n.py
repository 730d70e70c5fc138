"""Message catalogues: every message has its English, with the same fields, and English that
is English (qzlib.i18n; resources/messages/zh.yml and en.yml)."""
from __future__ import annotations

import re

import pytest

from qzlib import i18n

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def test_every_message_has_its_english_and_the_same_fields():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert set(zh) - set(en) == set(), "messages without English"
    assert set(en) - set(zh) == set(), "English messages without Chinese"
    for key in zh:
        assert i18n.fields_of(zh[key]) == i18n.fields_of(en[key]), key


def test_english_messages_hold_no_chinese():
    for key, text in i18n.catalogue("en").items():
        assert not CJK.search(text), (key, text)


def test_a_missing_message_names_its_key_and_file():
    with pytest.raises(KeyError, match="no.such.key.*en.yml"):
        i18n.t("no.such.key", "en")


def test_verdict_words_match_the_rules():
    from qzlib import rules

    assert {c: i18n.t(f"verdict.words.{c}", "zh") for c in rules.VERDICTS} == rules.VERDICT_ZH
    assert [i18n.t(f"verdict.words.{c}", "en") for c in rules.VERDICTS] == \
        ["met", "on track", "at risk", "off track", "not assessed"]


def test_a_verdict_reason_reads_in_both_languages():
    from qzlib import rules

    v = rules.judge([(2023, 3.4)], milestone=(2025, None), year=2024, qualitative="完成省下达任务")
    assert v.text("zh") == "目标为定性表述（完成省下达任务），不作量化评估；最新值 3.4（2023年）"
    assert v.text("en") == ("the target is qualitative (fulfil the quota set by the province); not assessed; "
                            "latest figure 3.4 (2023)")

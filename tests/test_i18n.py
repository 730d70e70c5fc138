"""Message catalogues (qzlib.i18n): every message the package and the brief notebook write has
its English, with the same fields, and English that is English; data words (places, units,
phrases) are looked up and fall back to the Chinese."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from qzlib import i18n, paths

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
KEYWORDS = {"T", "N_"}


def _calls(code: str, where: str, found: dict[str, str]) -> None:
    """Every T("…")/N_("…") message in the code, also those inside an f-string's braces."""
    for node in ast.walk(ast.parse(code)):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) if isinstance(node, ast.Call) else None
        if (name in KEYWORDS
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.setdefault(node.args[0].value, where)


def _messages() -> dict[str, str]:
    """{Chinese msgid: where} of every message in qzlib and the brief notebook."""
    found: dict[str, str] = {}
    for path in sorted((paths.ROOT / "qzlib").rglob("*.py")):
        _calls(path.read_text(encoding="utf-8"), str(path.relative_to(paths.ROOT)), found)
    nb = json.loads((paths.NOTEBOOKS / paths.BRIEF_NOTEBOOK).read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("%"))
    _calls(code, paths.BRIEF_NOTEBOOK, found)
    return found


def test_every_message_has_its_english_with_the_same_fields():
    en = i18n.catalogue("en")
    found = _messages()
    assert "：反向变动" in found and "最新值 {value}（{year}年）" in found      # the extractor sees them
    assert "含测试数据，不得引用" in found                                     # also inside an f-string
    missing = [f"{where}: {m}" for m, where in found.items() if ("", m) not in en]
    assert missing == [], "messages without English:\n" + "\n".join(missing)
    for m in found:   # a translation may leave a field out (a Chinese quote, say), never add one
        assert i18n.fields_of(en[("", m)]) <= i18n.fields_of(m), m


def test_english_messages_hold_no_chinese():
    for (ctx, mid), text in i18n.catalogue("en").items():
        assert not CJK.search(text), (ctx, mid, text)


def test_a_message_reads_in_the_language_in_use_and_stays_chinese_by_default():
    assert i18n.current() == "zh" and i18n.T("已达成") == "已达成"
    with i18n.using("en"):
        assert i18n.T("已达成") == "met" and i18n.current() == "en"
    assert i18n.current() == "zh"
    with pytest.raises(ValueError, match="expected one of zh, en"):
        i18n.set_language("fr")


def test_verdict_words_match_the_rules():
    from qzlib import rules

    assert {c: i18n.T(w) for c, w in rules.VERDICT_ZH.items()} == rules.VERDICT_ZH
    with i18n.using("en"):
        assert [i18n.T(rules.VERDICT_ZH[c]) for c in rules.VERDICTS] == \
            ["met", "on track", "at risk", "off track", "not assessed"]


def test_a_verdict_reason_reads_in_both_languages():
    from qzlib import rules

    v = rules.judge([(2023, 3.4)], milestone=(2025, None), year=2024, qualitative="完成省下达任务")
    assert v.text("zh") == "目标为定性表述（完成省下达任务），不作量化评估；最新值 3.4（2023年）"
    assert v.text("en") == ("the target is qualitative (fulfil the quota set by the province); not assessed; "
                            "latest figure 3.4 (2023)")
    assert v.reason == v.text("zh")


def test_the_catalogue_is_a_valid_po_file():
    from babel.messages.pofile import read_po

    with open(i18n.po_file("en"), "rb") as fh:
        cat = read_po(fh)
    assert cat.locale_identifier == "en" and not cat.fuzzy
    assert Path(i18n.po_file("en")).is_relative_to(paths.RESOURCES)     # package data

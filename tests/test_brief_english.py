"""The brief in English (issue #24), built beside the Chinese one from the same data (the
SYNTHETIC bureau file of tests/fixtures/bureau, so every section has figures to speak of):
English everywhere a reader looks, the same figures as the Chinese tables, the Chinese brief
untouched."""
from __future__ import annotations

import html
import re
import subprocess

import pandas as pd
import pytest

from qzlib import catalogue, i18n
from qzlib.hashing import file_sha256

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(bureau_briefs):
    return bureau_briefs["en"]


def _visible_text(page: str) -> str:
    """What a reader of the HTML sees (no styles, scripts or embedded pictures)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def _allowed_chinese(page: str) -> str:
    """The page without what issue #24 keeps in Chinese: the plan's official title and document
    number (title page), a place's Chinese name in parentheses beside its English one, the
    glossary's terms (the words it explains), and the name of a researcher's own sheet where a
    figure was typed in (a file reference, not wording)."""
    page = re.sub(r'<div class="plan">[^<]*（[^<]*〕[^<]*号）</div>', "", page, count=1)
    page = re.sub(r"<b>[^<]*</b>(?= — )", "", page)
    places = {zh for (ctx, zh) in i18n.catalogue("en") if ctx == "place"}
    text = re.sub(r"\(([^()]+)\)", lambda m: "" if m.group(1) in places else m.group(0), _visible_text(page))
    return re.sub(r"sheet \S+ row \d+", "", text)   # where a researcher typed a figure: the sheet's own name


def test_the_english_files_sit_beside_the_chinese_ones_which_stay_as_they_were(bureau_briefs, folder):
    names = {p.name for p in folder.iterdir()}
    for name in ("brief.en.pdf", "brief.en.html", "brief.en.docx", "results.en.xlsx", "verdicts.en.csv",
                 "indicators_overview.en.csv", "datapackage.en.json"):
        assert name in names and ("brief.pdf" in names), name
    zh_csv = {n for n in names if n.endswith(".csv") and ".en." not in n}
    assert {n.replace(".csv", ".en.csv") for n in zh_csv if not n.startswith("figures_")} <= names
    after = {p.name: file_sha256(p) for p in folder.rglob("*") if p.is_file() and p.name in bureau_briefs["zh_files"]}
    changed = [n for n, h in bureau_briefs["zh_files"].items() if after.get(n) != h]
    assert changed == [], f"Chinese files changed or lost by the English build: {changed}"


def test_a_reader_meets_no_chinese_beyond_the_title_the_places_and_the_glossary(folder):
    page = (folder / "brief.en.html").read_text(encoding="utf-8")
    leaks = sorted({line.strip() for line in _allowed_chinese(page).splitlines() if CJK.search(line)})
    assert leaks == []
    text = _visible_text(page)
    assert "衢政办发〔2023〕22号" in text and "Quzhou (衢州市)" in text     # named once in Chinese, as issue #24 asks
    assert text.count("(衢州市)") == 1
    for word in ("on track", "at risk", "off track", "Units and terms", "1 mu = 1/15 hectare"):
        assert word in text, word


def test_every_indicator_is_named_in_english(folder):
    text = _visible_text((folder / "brief.en.html").read_text(encoding="utf-8"))
    overview = pd.read_csv(folder / "indicators_overview.en.csv", encoding="utf-8-sig")
    verdicts = pd.read_csv(folder / "verdicts.en.csv", encoding="utf-8-sig")
    names = {i.code: i.name_en for i in catalogue.indicators()}
    assert len(overview) == 16 and set(overview["indicator"]) <= set(names.values())
    for code in verdicts["code"].unique():
        assert names[code] in text.replace("\n", " ").replace("  ", " ") or names[code] in text, code
    assert set(verdicts["name_en"]) == {names[c] for c in verdicts["code"]}
    labels = pd.concat([verdicts[f"l{i}_label"] for i in range(1, 5)]).dropna()
    assert not labels.str.contains(CJK).any()


def _numbers(df: pd.DataFrame) -> pd.DataFrame:
    """The number columns, named by position (their headers differ by language)."""
    numbers = df.select_dtypes("number").reset_index(drop=True)
    return numbers.set_axis(range(numbers.shape[1]), axis=1)


@pytest.mark.parametrize("name", ["indicators_overview", "actual_vs_plan", "verdicts", "scenario_attainment",
                                  "data_requests"])
def test_the_english_tables_hold_the_chinese_tables_figures(bureau_briefs, folder, name):
    zh = pd.read_csv(bureau_briefs[2024] / f"{name}.csv", encoding="utf-8-sig")
    en = pd.read_csv(folder / f"{name}.en.csv", encoding="utf-8-sig")
    assert zh.shape == en.shape
    assert not _numbers(zh).empty or name in ("indicators_overview", "data_requests")
    pd.testing.assert_frame_equal(_numbers(zh), _numbers(en), check_names=False)
    # the text cells of a number column, as the Chinese brief prints them (1,953 or 1953 alike)
    for a, b in zip(zh.columns, en.columns):
        if zh[a].dtype == object and zh[a].astype(str).str.fullmatch(r"[\d.,+\-%]+").all():
            assert zh[a].str.replace(",", "").tolist() == en[b].str.replace(",", "").tolist(), (name, a)


def test_the_pdf_uses_only_the_bundled_font_for_latin_text_too(folder):
    fonts = subprocess.run(["pdffonts", str(folder / "brief.en.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("WenQuanYi" in line and " yes " in line for line in fonts), fonts


def test_the_english_workbook_and_word_document_are_english(folder):
    import docx
    import openpyxl

    book = openpyxl.load_workbook(folder / "results.en.xlsx", read_only=True)
    assert not any(CJK.search(name) for name in book.sheetnames), book.sheetnames
    document = docx.Document(folder / "brief.en.docx")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Summary" in headings and not any(CJK.search(h) for h in headings), headings

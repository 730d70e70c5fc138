"""The office files beside the shipped 2025 brief (built once, ``shipped_brief``): every CSV
clean and described in a valid data package, a sheet per table, the Word document with the
brief's headings, tables and charts, one PNG per chart."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qzlib.office import datapackage

pytestmark = pytest.mark.slow

BOM = b"\xef\xbb\xbf"
CJK = re.compile(r"[\u4e00-\u9fff]")
NOISE = re.compile(r"\d\.\d*(?:0{6,}|9{6,})\d|(?<![\d.])\d{4}\.0(?![\d])")   # 1.1000000000000003, 2025.0


@pytest.fixture(scope="module")
def folder(shipped_brief) -> Path:
    return shipped_brief


@pytest.fixture(scope="module")
def package(folder) -> dict:
    return datapackage.read(folder)


@pytest.fixture(scope="module")
def page(folder):
    import lxml.html

    return lxml.html.document_fromstring((folder / "brief.html").read_text(encoding="utf-8"))


def _charts_in(page) -> int:
    return len(page.xpath("//img[starts-with(@src, 'data:image/png')]"))


def test_every_file_is_beside_the_brief_and_every_csv_is_in_the_package(folder, package):
    names = {p.name for p in folder.iterdir()}
    assert {"brief.pdf", "brief.html", "brief.docx", "results.xlsx", "datapackage.json", "charts"} <= names
    csvs = sorted(p.name for p in folder.glob("*.csv"))
    assert csvs and sorted(r["path"] for r in package["resources"]) == csvs


def test_every_csv_has_a_bom_chinese_headers_and_numbers_as_printed(folder, package):
    import pandas as pd

    for res in package["resources"]:
        raw = (folder / res["path"]).read_bytes()
        assert raw.startswith(BOM), res["path"]
        text = raw.decode("utf-8-sig")
        assert not NOISE.search(text), (res["path"], NOISE.search(text).group(0))
        header = pd.read_csv(folder / res["path"], nrows=0).columns.tolist()
        fields = res["schema"]["fields"]
        assert header == [f["name"] for f in fields], res["path"]
        # a title for people: Chinese, or at least not ASCII (a section may title a column "②R")
        assert all(not f["title"].isascii() for f in fields if f["name"] != "code"), res["path"]
        if "列名为机器可读" not in res.get("description", ""):
            assert all(CJK.search(h) or h == "code" for h in header), (res["path"], header)
        values = pd.read_csv(folder / res["path"], dtype=str, keep_default_na=False)
        for f in fields:
            cells = [v for v in values[f["name"]] if v not in ("", "—")]
            if f["type"] == "integer":
                assert all(re.fullmatch(r"-?\d+", v) for v in cells), (res["path"], f["name"])
            elif f["type"] == "number":
                decimals = [len(v.split(".")[1]) if "." in v else 0 for v in cells]
                assert max(decimals, default=0) <= f["decimals"], (res["path"], f["name"])


def test_the_data_package_is_valid_and_names_the_brief(folder, package):
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert package["brief"] == {"year": 2025, "scenario": "plan_path"}
    assert package["plan"]["region"] == "衢州市" and package["plan"]["doc_number"] == "衢政办发〔2023〕22号"
    assert "版权归原发布机关所有" in package["license_note"] and package["test_figures"] is False


def test_the_workbook_has_an_index_and_a_chinese_sheet_per_table_with_numbers(folder, package):
    import openpyxl

    wb = openpyxl.load_workbook(folder / "results.xlsx")
    assert wb.sheetnames[0] == "目录" and len(wb.sheetnames) == len(package["resources"]) + 1
    listed = [wb["目录"].cell(row=i, column=2).value for i in range(3, len(wb.sheetnames) + 2)]
    assert listed == wb.sheetnames[1:]
    numbers = 0
    for ws, res in zip(wb.worksheets[1:], package["resources"]):
        assert CJK.search(ws.title) and ws.freeze_panes == "A3", ws.title
        assert "测试" not in str(ws["A1"].value)
        kinds = {j: f["type"] for j, f in enumerate(res["schema"]["fields"], 1)}
        for row in ws.iter_rows(min_row=3):
            for c in row:
                if kinds.get(c.column) in ("integer", "number") and c.value != "—":
                    assert isinstance(c.value, (int, float)) and c.number_format != "General", (ws.title, c.coordinate)
                    numbers += 1
    assert numbers > 100


def test_the_word_document_carries_the_brief_s_headings_tables_and_charts(folder, page):
    import docx

    doc = docx.Document(str(folder / "brief.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [re.sub(r"\s+", " ", h.text_content()).strip() for h in page.xpath("//h2")]
    assert len(doc.tables) == len(page.xpath("//table")) + len(page.xpath("//div[@class='box']"))
    html_rows = sum(len(t.xpath("./thead/tr|./tbody/tr|./tr")) for t in page.xpath("//table"))
    assert sum(len(t.rows) for t in doc.tables) >= html_rows
    assert len(doc.inline_shapes) == _charts_in(page)
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert "不得引用" not in "".join(p.text for p in sec.footer.paragraphs)


def test_one_png_per_chart_wide_enough_for_a_slide(folder, page):
    from PIL import Image

    pngs = sorted((folder / "charts").glob("*.png"))
    assert len(pngs) == _charts_in(page) > 0
    for p in pngs:
        im = Image.open(p)
        assert im.width >= 1200 and min(im.info["dpi"]) >= 150 and "Description" not in im.info, p.name

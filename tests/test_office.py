"""The office files, piece by piece and without a brief: the table description and its clean
CSV, ``ctx.save`` and the data package, ``show`` and charts/, the workbook, the Word document,
the test-data mark, and a failing export that leaves the previous brief as it was."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import toy_brief  # noqa: E402
from qzlib.office import csvfile, datapackage, word, workbook  # noqa: E402
from qzlib.office.tables import TableSpec, describe, printed  # noqa: E402
from qzlib.report.sections import context  # noqa: E402

BOM = b"\xef\xbb\xbf"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Synthetic rows shaped like the brief's tables (machine names, float noise, float years).
PROGRESS = pd.DataFrame({
    "code": ["rd_intensity", "rd_intensity"], "name_zh": ["研发费用占比", "研发费用占比"], "unit": ["%", "%"],
    "target_year": [2025.0, 2027.0], "latest_year": [2024.0, np.nan], "latest_value": [2.9, np.nan],
    "completion": [(2.9 - 2.7) / (3.0 - 2.7), np.nan], "required_cagr": [0.03960892150441753, np.nan],
    "required_pts_per_year": [1.1000000000000003, 0.2], "headline": [True, False], "note": ["", "同上"],
})


@pytest.fixture
def ctx(processed_dir, tmp_path):
    """A brief's context writing into a temporary folder (the kernel's side, in this process)."""
    c = context.load_context(2025, processed_dir=str(processed_dir), output_dir=str(tmp_path / "brief"))
    yield c
    context._current = None


def _with_test_figure(c) -> None:
    """Mark one of the context's figures as 测试, as an import declared so would."""
    row = c.observations.iloc[[0]].copy()
    row["source_kind"] = "test"
    c.observations = pd.concat([c.observations, row], ignore_index=True)


def _validate(path: Path):
    from frictionless import validate

    return validate(str(path))


def _fig(label: str = ""):
    from qzlib.fonts import use_cjk

    use_cjk()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.plot([2022, 2023, 2024], [2.7, 2.8, 2.9])
    ax.set_title("研发费用占营业收入的比重")
    if label:
        fig.set_label(label)
    return fig


def _red_rows(png: bytes, rows: int = 40) -> int:
    """Pixels of the brief's warning red in the top ``rows`` rows of a PNG."""
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))[:rows].astype(int)
    return int(((abs(a[..., 0] - 0xC0) < 40) & (abs(a[..., 1] - 0x39) < 40) & (abs(a[..., 2] - 0x2B) < 40)).sum())


# --------------------------------------------------------------------------- tables and CSV
def test_a_table_without_spec_gets_chinese_headers_whole_years_and_printed_precision():
    t = describe("progress", PROGRESS)
    assert t.title == "进展评估"
    headers = [c.header for c in t.columns]
    assert headers[0] == "code" and all(CJK.search(h) for h in headers[1:]), headers
    out = printed(PROGRESS, t)
    assert out["目标年"].tolist() == ["2025", "2027"] and out["最新年份"].tolist() == ["2024", ""]
    assert out["完成度"].tolist() == ["0.67", ""]              # a share: whole per cent, as printed ("67%")
    assert out["仍需年均增速"].tolist() == ["0.04", ""]        # a growth rate: 4.0 %, one decimal of the per cent
    assert out["仍需年均（百分点）"].tolist() == ["1.1", "0.2"]  # no 1.1000000000000003
    assert out["是否为主判断"].tolist() == ["true", "false"] and out["说明"].tolist() == ["", "同上"]


def test_a_machine_table_keeps_its_column_names_and_gets_chinese_titles():
    t = describe("verdicts", PROGRESS)
    assert [c.header for c in t.columns] == list(PROGRESS.columns)
    assert {c.name: c.title for c in t.columns}["target_year"] == "目标年" and t.keep_names
    assert [c.header for c in describe("x", PROGRESS, TableSpec(keep_names=True)).columns] == list(PROGRESS.columns)


def test_a_section_spec_names_title_units_headers_and_precision():
    df = pd.DataFrame({"年份": [2023, 2024], "增加值": [2.25, 1953.0], "share": [0.1045, 0.2]})
    spec = TableSpec(title="测试表", units={"增加值": "亿元"}, digits={"增加值": 1}, headers={"share": "占比"},
                     percent={"share": 1})
    t = describe("anything", df, spec)
    assert t.title == "测试表" and [c.header for c in t.columns] == ["年份", "增加值（亿元）", "占比"]
    assert [c.type for c in t.columns] == ["integer", "number", "number"]
    # half-up at the printed decimals, as the brief rounds (Python's round gives 2.2 for 2.25)
    assert printed(df, t).values.tolist() == [["2023", "2.3", "0.105"], ["2024", "1953", "0.2"]]
    assert describe("表九", df).title == "表九" and describe("new_table", df, number=9).title == "表9·new_table"


def test_csv_is_utf8_with_bom_and_reads_back_as_printed(tmp_path):
    t = describe("progress", PROGRESS)
    path = csvfile.write(PROGRESS, t, tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(BOM) and "目标年".encode() in raw
    assert b"1.1000000000000003" not in raw and b"2025.0" not in raw and b"e-" not in raw
    back = pd.read_csv(path)                          # pandas (and Excel) skip the BOM
    assert back.columns[0] == "code" and back["目标年"].tolist() == [2025, 2027]
    assert raw.decode("utf-8-sig").splitlines()[0].startswith("code,指标,单位,目标年")


# --------------------------------------------------------------------------- ctx.save and the package
def test_ctx_save_writes_the_csv_and_a_valid_data_package(ctx):
    out = ctx.output_dir
    assert ctx.save("progress", PROGRESS) is PROGRESS              # returns the frame, as sections rely on
    ctx.save("scenario_attainment", pd.DataFrame({"指标": ["亩均增加值"], "目标年": [2025], "情景值": [160.0]}),
             title="情景下的目标达成", units={"情景值": "万元/亩"})
    assert ctx.saved == ["progress.csv", "scenario_attainment.csv"]
    pkg = datapackage.read(out)
    assert [r["path"] for r in pkg["resources"]] == ctx.saved
    assert pkg["brief"] == {"year": 2025, "scenario": "plan_path"} and pkg["plan"]["doc_number"]
    assert pkg["test_figures"] is False and "license_note" in pkg
    fields = {f["name"]: f for f in pkg["resources"][1]["schema"]["fields"]}
    assert fields["情景值（万元/亩）"] == {"name": "情景值（万元/亩）", "title": "情景值", "type": "number",
                                          "decimals": 2, "unit": "万元/亩"}
    report = _validate(out / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    # the check is real: a value that is not a number in a number column fails it
    text = (out / "scenario_attainment.csv").read_text(encoding="utf-8-sig").replace(",160", ",一百六十")
    (out / "scenario_attainment.csv").write_text(text, encoding="utf-8-sig")
    assert not _validate(out / "datapackage.json").valid


def test_show_writes_each_chart_named_by_its_label_or_its_number(ctx):
    from PIL import Image

    before = set(plt.get_fignums())               # figures another test left open are not ours
    context.show(_fig("参考_浙江省_rd_gdp_pct"))
    context.show(_fig())
    context.show(None)
    charts = ctx.output_dir / "charts"
    assert sorted(p.name for p in charts.iterdir()) == ["参考_浙江省_rd_gdp_pct.png", "图02.png"]
    for p in charts.iterdir():
        im = Image.open(p)
        assert im.width >= 1200 and min(im.info["dpi"]) >= 150, (p.name, im.size, im.info.get("dpi"))
        assert "Description" not in im.info      # no test figures: no warning
    assert set(plt.get_fignums()) <= before       # shown figures are freed


@pytest.mark.parametrize("layout", ["constrained", "tight"])
def test_a_laid_out_chart_is_drawn_once_as_savefig_would_draw_it_and_keeps_its_engine(layout):
    """charts.png runs the layout itself and draws once; the picture is savefig's, pixel for pixel
    (each drawn from a new figure: a layout run twice need not land where it landed once)."""
    from PIL import Image

    from qzlib.office import charts

    def figure():
        fig, axes = plt.subplots(2, 2, figsize=(7.2, 4), layout=layout)
        for k, ax in enumerate(axes.flat):
            ax.plot([2022, 2025, 2027], [1, 2 + k, 4], marker="o")
            ax.set_title(f"指标 {k + 1}：规划隐含路径")
            ax.set_ylabel("万元/亩")
        fig.legend(["规划隐含路径"], loc="lower center")
        return fig

    fig = figure()
    engine, dpi = fig.get_layout_engine(), fig.get_dpi()
    drawn = charts.png(fig, min_dpi=170)
    assert fig.get_layout_engine() is engine and fig.get_dpi() == dpi     # left as it was
    other, buf = figure(), io.BytesIO()
    other.savefig(buf, format="png", dpi=170, metadata={"Software": "415X Monitor"})
    ours, theirs = (np.asarray(Image.open(io.BytesIO(b)).convert("RGB")) for b in (drawn, buf.getvalue()))
    assert ours.shape == theirs.shape == (680, 1224, 3)
    assert (ours != theirs).sum() == 0
    plt.close(fig)
    plt.close(other)


def test_figures_marked_test_put_the_warning_on_every_chart_and_sheet(ctx):
    _with_test_figure(ctx)
    warning = ctx.test_warning
    assert "测试" in warning and "不得引用" in warning
    context.show(_fig())
    png = (ctx.output_dir / "charts" / "图01.png").read_bytes()
    from PIL import Image

    assert Image.open(io.BytesIO(png)).info["Description"] == warning
    assert _red_rows(png) > 200                    # the red line above the chart
    from qzlib.office.charts import png as render

    assert _red_rows(render(_fig())) == 0          # and none without the warning
    ctx.save("progress", PROGRESS)
    ctx.save("conflicts", pd.DataFrame({"地区": ["全国"], "年份": [2024]}))
    pkg = datapackage.read(ctx.output_dir)
    assert pkg["test_figures"] is True and pkg["warning"] == warning
    wb = workbook.build(pkg, ctx.output_dir)
    for ws in wb.worksheets:
        assert warning in ws["A1"].value and ws["A1"].font.color.rgb.endswith("C0392B"), ws.title
        assert ws.oddFooter.left.text == warning


# --------------------------------------------------------------------------- the workbook
def test_workbook_sheets_hold_numbers_with_formats_frozen_bold_headers_and_an_index(ctx):
    ctx.save("progress", PROGRESS)
    ctx.save("figures_衢州市", pd.DataFrame({"指标": ["地区生产总值", "规上工业增加值"], "年份": [2023.0, 2024.0],
                                             "数值": [2125.2, 405442.0], "单位": ["亿元", "亿元"],
                                             "采用": ["405,442", "约33.33"]}))
    path = workbook.write(datapackage.read(ctx.output_dir), ctx.output_dir)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["目录", "进展评估", "衢州市已收集的数值"]
    index = wb["目录"]
    assert [index.cell(row=i, column=2).value for i in (3, 4)] == ["进展评估", "衢州市已收集的数值"]
    assert index.cell(row=3, column=2).hyperlink.location == "'进展评估'!A1"
    ws = wb["进展评估"]
    assert ws.freeze_panes == "A3" and all(c.font.b for c in ws[2] if c.value)
    head = [c.value for c in ws[2]]
    assert head[:4] == ["指标代码", "指标", "单位", "目标年"]
    row = {h: ws.cell(row=3, column=j) for j, h in enumerate(head, 1)}
    assert row["目标年"].value == 2025 and row["目标年"].number_format == "0"
    assert row["完成度"].value == 0.67 and row["完成度"].number_format == "0%"
    assert row["仍需年均增速"].value == 0.04 and row["仍需年均增速"].number_format == "0.0%"
    assert row["仍需年均（百分点）"].value == 1.1 and row["仍需年均（百分点）"].number_format == "#,##0.00"
    assert ws.cell(row=4, column=head.index("完成度") + 1).value == "—"     # no value: the brief's dash
    assert ws.column_dimensions["B"].width >= 12                              # a Chinese name fits
    figs = wb["衢州市已收集的数值"]
    assert [c.value for c in figs[3]] == ["地区生产总值", 2023, 2125.2, "亿元", 405442]
    assert figs["E3"].number_format == "#,##0" and figs["E4"].value == "约33.33"   # text stays text


# --------------------------------------------------------------------------- the Word document
HTML = """<!DOCTYPE html><html><head><title>简报</title><style>
.rag-green { background: #d8f0d8; } .chip.rag-red { background: #c0392b; color: #fff; }
.test-flag { color: #c0392b; font-weight: bold; } table.small { font-size: 7pt; }
</style></head><body>
<div class="title-page"><h1>“415X”监测<br/>2025年度简报</h1><div class="test-flag" data-footer="含测试数据，不得引用">本简报使用了标为“测试”的数据</div>
<dl><dt>报告年份</dt><dd>2025年</dd></dl></div><div class="page-break"></div>
<h2>一、主要目标<a class="anchor-link" href="#x">¶</a></h2>
<p>共 <b>16</b> 项
   指标。</p><ul><li>第一条</li><li>第二条</li></ul>
<table class="small"><colgroup><col style="width:30%"/><col/></colgroup>
<thead><tr><th>指标</th><th class="num">2025年目标</th></tr></thead>
<tbody><tr class="rag-green"><td>亩均增加值</td><td class="num">160</td></tr>
<tr><td>研发<br/><span class="nums">%</span></td><td class="num"><span class="chip rag-red">偏离</span></td></tr></tbody></table>
<div class="output_png"><img src="data:image/png;base64,{png}"/></div>
</body></html>"""


def _docx_xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if re.fullmatch(part, n)]
        return "".join(z.read(n).decode("utf-8") for n in names)


def test_word_document_has_headings_real_tables_images_a4_and_chinese_fonts(tmp_path):
    import base64

    import docx
    from docx.shared import Mm

    from qzlib.office.charts import png

    html = HTML.replace("{png}", base64.b64encode(png(_fig())).decode())
    path = word.write(html, tmp_path, title="衢州市监测简报 · 2025年")
    doc = docx.Document(str(path))
    paras = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert ("Title", "“415X”监测\n2025年度简报") in paras and ("Heading 1", "一、主要目标") in paras
    assert ("Normal", "共 16 项 指标。") in paras
    assert [t for s, t in paras if s == "List Bullet"] == ["第一条", "第二条"]
    assert ("Normal", "报告年份：2025年") in paras
    heading = next(p for p in doc.paragraphs if p.text == "一、主要目标")
    assert heading.paragraph_format.page_break_before            # the page break before section 一
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert [[c.text for c in r.cells] for r in t.rows] == [["指标", "2025年目标"], ["亩均增加值", "160"],
                                                            ["研发\n%", "偏离"]]
    xml = _docx_xml(path)
    assert 'w:fill="D8F0D8"' in xml and 'w:fill="C0392B"' in xml and "<w:tblHeader" in xml
    assert t.rows[1].cells[0].width > Mm(45)                       # the colgroup's 30 %
    assert len(doc.inline_shapes) == 1 and doc.inline_shapes[0].width <= Mm(178)
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)     # A4
    styles = _docx_xml(path, "word/styles.xml")
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles and "eastAsiaTheme" not in styles
    assert "衢州市监测简报" in _docx_xml(path, r"word/header\d*.xml")
    footer = _docx_xml(path, r"word/footer\d*.xml")
    assert "含测试数据，不得引用" in footer and "NUMPAGES" in footer


def test_a_brief_without_test_figures_has_no_warning_footer(tmp_path):
    html = HTML.replace('<div class="test-flag" data-footer="含测试数据，不得引用">本简报使用了标为“测试”的数据</div>', "")
    path = word.write(html.replace("{png}", ""), tmp_path)
    assert "不得引用" not in _docx_xml(path, r"word/footer\d*.xml")


# --------------------------------------------------------------------------- all or nothing
def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_failing_export_leaves_the_previous_brief_complete(tmp_path, monkeypatch):
    from qzlib.report.runner import BriefRequest, run_brief

    proj = toy_brief.make(tmp_path, ["print('正文')"])
    first = run_brief(BriefRequest(year=2025, scenario="a", **proj))
    assert first.ok, first.failed_cell
    folder = first.pdf.parent
    before = _snapshot(folder)
    assert {"brief.pdf", "brief.html", "brief.docx", "results.xlsx"} <= set(before)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(workbook, "write", broken)
    second = run_brief(BriefRequest(year=2025, scenario="a", **proj))
    assert not second.ok and "results.xlsx" in second.failed_cell and "disk full" in second.failed_cell
    assert _snapshot(folder) == before
    vdir = folder.parent / ".versions" / folder.name
    assert not [p for p in vdir.iterdir() if p.name.startswith(".staging-")]

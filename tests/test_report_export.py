"""Export: HTML without code, PDF with Chinese glyphs from the project's own font file."""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from qzlib.fonts import font_path, use_cjk
from qzlib.report.export import notebook_to_html


def _executed_notebook() -> nbformat.NotebookNode:
    params = new_code_cell("year = 2025", outputs=[])
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell("year = 2026", outputs=[])
    injected.metadata["tags"] = ["injected-parameters"]
    table = new_code_cell("secret_code_line()", outputs=[new_output(
        "execute_result", data={"text/html": "<table><tr><td>规上工业亩均增加值</td><td>119</td></tr></table>"},
        execution_count=3)])
    noisy = new_code_cell("warn()", outputs=[new_output("stream", name="stderr", text="UserWarning: noise\n")])
    nb = new_notebook(cells=[new_markdown_cell("# 年度监测简报"), params, injected, table, noisy])
    nb.metadata["papermill"] = {"parameters": {"year": 2026}}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_html_hides_code_parameters_stderr_and_papermill_metadata():
    html = notebook_to_html(_executed_notebook(), title="测试")
    assert "年度监测简报" in html and "规上工业亩均增加值" in html
    for hidden in ("secret_code_line", "year = 2025", "year = 2026", "UserWarning", "papermill"):
        assert hidden not in html, hidden
    assert font_path().as_uri() in html  # the @font-face points at the project's font file


def test_an_empty_output_leaves_no_box_that_could_take_a_page_of_its_own():
    nb = _executed_notebook()
    said = new_output("display_data", data={"text/html": "<p>县级数据</p>", "text/plain": "<HTML>"})
    nothing = [new_output("execute_result", data={"text/html": "", "text/plain": "<HTML>"}, execution_count=5),
               new_output("display_data", data={"text/markdown": "  \n"})]
    nb.cells += [new_code_cell("S.counties.sums(ctx)", outputs=nothing), new_code_cell("S.x(ctx)", outputs=[said])]
    html = notebook_to_html(nb, title="测试")
    assert "县级数据" in html and html.count("output_subarea") == 2     # the table's and this one's


def test_nbconvert_entry_point_writes_a_pdf_with_embedded_cjk_font(tmp_path):
    src = tmp_path / "executed.ipynb"
    nbformat.write(_executed_notebook(), src)
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run([str(jupyter), "nbconvert", "--to", "qzpdf", str(src)], check=True, capture_output=True)
    pdf = tmp_path / "executed.pdf"
    text = PdfReader(pdf).pages[0].extract_text().replace(" ", "")
    assert "规上工业亩均增加值" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts


def test_charts_draw_chinese_and_minus_signs_without_glyph_warnings(tmp_path):
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme()  # resets fonts; use_cjk must come after it
    use_cjk()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots()
        ax.plot([2022, 2027], [-3.2, 5])
        ax.set_title("规上工业单位增加值能耗降幅（%）")
        fig.savefig(tmp_path / "c.png")
    plt.close(fig)


def test_missing_font_gives_the_fix(monkeypatch):
    import qzlib.fonts as fonts

    fonts.font_path.cache_clear()
    monkeypatch.setenv("QZ_CJK_FONT", "/nonexistent.ttf")
    monkeypatch.setattr(fonts, "_CANDIDATES", [])
    with pytest.raises(fonts.FontMissing, match="make setup"):
        fonts.font_path()
    fonts.font_path.cache_clear()

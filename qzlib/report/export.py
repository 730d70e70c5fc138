"""Executed notebook → HTML (no code) → PDF, as an nbconvert exporter.

Why this route: nbconvert's LaTeX template drops every Chinese character without an
error, and ``--to webpdf`` needs a browser; WeasyPrint renders the HTML with one CJK
font file declared by ``@font-face`` (the same file matplotlib uses), so the PDF is
correct on a machine with no CJK font installed. The exporter is registered as the
nbconvert entry point ``qzpdf``: ``jupyter nbconvert --to qzpdf executed.ipynb``.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jinja2
import nbformat
from nbconvert.exporters import Exporter, HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Unicode

from qzlib import i18n
from qzlib.fonts import FONT_NAME, font_path
from qzlib.paths import RESOURCES

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove_cell", "hide"}
_PAPERMILL_KEYS = ("papermill",)


class StripForPublication(Preprocessor):
    """Drop what a reader should not see: stderr streams, papermill metadata, empty outputs."""

    def preprocess(self, nb, resources):
        for key in _PAPERMILL_KEYS:
            nb.metadata.pop(key, None)
        for cell in nb.cells:
            for key in _PAPERMILL_KEYS:
                cell.metadata.pop(key, None)
            if cell.cell_type == "code":
                cell.outputs = [
                    o for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr") and not _empty(o)
                ]
        return nb, resources


def _empty(output) -> bool:
    """An HTML or Markdown output with nothing in it (a section with nothing to say returns
    ``HTML("")``): its empty box would still take a line, or a page of its own after a full one."""
    data = output.get("data")
    if output.get("output_type") not in ("display_data", "execute_result") or not data:
        return False
    shown = {k: v for k, v in data.items() if k != "text/plain"}
    return bool(shown) and set(shown) <= {"text/html", "text/markdown"} and \
        all(not "".join(v).strip() if isinstance(v, list) else not str(v).strip() for v in shown.values())


def _page_template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(RESOURCES / "templates")), autoescape=False
    )
    return env.get_template("brief_page.html.j2")


def notebook_to_html(nb: nbformat.NotebookNode, title: str = "") -> str:
    """A stand-alone, print-ready HTML page of the notebook's outputs and prose only, its page
    furniture (footer, language tag) in the language in use."""
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True), enabled=True
    )
    exporter.register_preprocessor(StripForPublication(), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return _page_template().render(
        body=body,
        title=title or nb.metadata.get("title", "415X Monitor"),
        font_family=FONT_NAME,
        font_url=font_path().as_uri(),
        generated=dt.date.today().isoformat(),
        html_lang=i18n.T("zh-CN"),
        page_counter=page_counter(i18n.T("第 {page} 页 / 共 {pages} 页")),
    )


def page_counter(words: str) -> str:
    """A page footer's words as CSS ``content``: the numbers become page counters.

    >>> page_counter("page {page} of {pages}")
    '"page " counter(page) " of " counter(pages) ""'
    """
    parts = re.split(r"\{(page|pages)\}", words)
    return " ".join(f'counter({p})' if i % 2 else json.dumps(p, ensure_ascii=False) for i, p in enumerate(parts))


def html_to_pdf(html: str, pdf_path: str | Path | None = None, base_url: str | None = None) -> bytes:
    """Render HTML to PDF bytes with the project's CJK font (and write them if a path is given)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(
        string=f"@font-face {{ font-family: '{FONT_NAME}'; src: url('{font_path().as_uri()}'); }}",
        font_config=fonts,
    )
    pdf = HTML(string=html, base_url=base_url or str(Path.cwd())).write_pdf(
        stylesheets=[css], font_config=fonts
    )
    if pdf_path is not None:
        Path(pdf_path).write_bytes(pdf)
    return pdf


class BriefPDFExporter(Exporter):
    """nbconvert exporter ``qzpdf``: the brief's PDF (inputs hidden, Chinese intact)."""

    export_from_notebook = "415X brief (PDF)"
    output_mimetype = "application/pdf"
    file_extension = Unicode(".pdf").tag(config=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        html = notebook_to_html(nb, title=nb.metadata.get("title", ""))
        resources["output_extension"] = ".pdf"
        resources["html"] = html
        return html_to_pdf(html), resources

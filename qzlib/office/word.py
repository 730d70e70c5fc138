"""``brief.docx``: the brief as an editable Word document, converted from the brief's own HTML.

Route: the page WeasyPrint prints (``brief.html``) is walked with lxml and written with
python-docx: headings as Word headings (the navigation pane shows the sections), text as
paragraphs and lists, every table as a real Word table (header row repeated on each page,
numbers right-aligned, the brief's colour chips and row colours as shading, the column
shares the HTML gives), charts as the same PNG images, page breaks where the PDF has them;
A4, 宋体/黑体 named for the East Asian text (Times New Roman/Arial for Latin) so Word and WPS
on Chinese Windows render it with their own fonts; the running title in the header, page
numbers and, when the brief used figures marked 测试, its warning in every footer.

Why this route: one source of content. The sections write HTML; converting it means a new
section, table or sentence appears in the Word file with no second template to keep in
step (python-docx or docxtpl "from the same section data" would need one per section). Pandoc
(from the HTML) would need a ~100 MB program outside Python, drops the CSS classes (no
colours, no right-aligned numbers) and still needs python-docx afterwards for the per-brief
warning footer; the brief's HTML uses a small, known vocabulary (h1–h4, p, ul/ol, b, span,
br, table, img, dl, div), which this module covers, and colours come from the page's own CSS.
Styles are defined here in code (no binary template to diff).
"""
from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from qzlib.atomic import atomic_file
from qzlib.i18n import file_name
from qzlib.office.tables import display_width

FILE = "brief.docx"
BODY_FONT = ("Times New Roman", "宋体")     # (Latin, East Asian): present on every Chinese Windows and in WPS
HEADING_FONT = ("Arial", "黑体")
MARGIN_MM = (18, 16)                          # top/bottom, left/right: the PDF's @page margins
TEXT_WIDTH_MM = 210 - 2 * MARGIN_MM[1]
HEADING_COLOUR = "0B3D6B"
HEADER_FILL = "E8EEF5"
NOTE_STYLE, TABLE_STYLE = "注释", "表格文字"
SKIP = {"style", "script", "head", "title", "meta", "link", "input", "button", "svg"}
BLOCK = {"p", "div", "ul", "ol", "li", "table", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
         "pre", "blockquote", "hr", "section", "article", "header", "footer", "main", "figure", "body"}
HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 3", "h6": "Heading 3"}
_RULE = re.compile(r"(?<![\w\]\)])((?:\.[\w-]+)+)\s*\{([^}]*)\}")
_TABLE_SIZE = re.compile(r"(?<![\w.#-])table((?:\.[\w-]+)?)\s*\{[^}]*?font-size:\s*([\d.]+)pt")
TABLE_PT = 7.8          # the page's ``table { font-size }`` when it says none
PT_MM = 0.3528
CELL_MARGIN_MM = 1.0    # left and right in every cell (the page's td padding is 1–1.4 mm)
_PROP = re.compile(r"(background(?:-color)?|color|font-weight|white-space)\s*:\s*([^;]+)")


def _hex(colour: str) -> str | None:
    m = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", colour.strip())
    if not m:
        return None
    h = m.group(1)
    return (h if len(h) == 6 else "".join(c * 2 for c in h)).upper()


def class_styles(css: str) -> dict[frozenset, dict]:
    """Colours, weight and no-wrap of the page's class rules: {classes: {'fill', 'colour', 'bold', 'nowrap'}}.

    >>> s = class_styles(".chip.rag-red { background: #c0392b; color: #fff; } td.num { color: #000 }")
    >>> s[frozenset({"chip", "rag-red"})]
    {'fill': 'C0392B', 'colour': 'FFFFFF'}
    >>> frozenset({"num"}) in s
    False
    """
    out: dict[frozenset, dict] = {}
    for selector, body in _RULE.findall(css):
        props = {}
        for key, value in _PROP.findall(body):
            if key == "font-weight":
                props["bold"] = value.strip() in ("bold", "700", "800", "900")
            elif key == "white-space":
                props["nowrap"] = value.strip() == "nowrap"
            elif _hex(value):
                props["fill" if key.startswith("background") else "colour"] = _hex(value)
        if props:
            out.setdefault(frozenset(selector.strip(".").split(".")), {}).update(props)
    return out


def table_sizes(css: str) -> dict[str, float]:
    """Font sizes (pt) of the page's tables: {'': all tables, 'progress': table.progress, …}.

    >>> table_sizes("table { width: 100%; font-size: 7.8pt; } table.progress { font-size: 7.2pt; }")
    {'': 7.8, 'progress': 7.2}
    """
    return {cls.lstrip("."): float(size) for cls, size in _TABLE_SIZE.findall(css)}


@dataclass(frozen=True)
class Look:
    """How a run of text looks."""

    bold: bool = False
    italic: bool = False
    colour: str | None = None
    fill: str | None = None
    size: float | None = None
    script: str = ""        # 'superscript' | 'subscript'
    mono: bool = False


@dataclass
class _Token:
    kind: str               # 'text' | 'break' | 'image'
    text: str = ""
    look: Look = Look()
    data: bytes = b""


class _Writer:
    def __init__(self, doc, css: dict[frozenset, dict], sizes: dict[str, float] | None = None):
        self.doc = doc
        self.css = css
        self.sizes = sizes or {}
        self.after_table = False    # the next paragraph follows a table (gets space above)
        self.started = False        # something was written (a page break before it would be blank)
        self.break_pending = False
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """A paragraph style's id, looked up once (python-docx's lookup by name is slow)."""
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    # -- styles of classes ------------------------------------------------------------------
    def styled(self, el) -> dict:
        classes = set((el.get("class") or "").split())
        found: dict = {}
        for sel, props in sorted(self.css.items(), key=lambda kv: len(kv[0])):
            if sel <= classes:
                found.update(props)
        return found

    def look_of(self, el, look: Look) -> Look:
        tag = el.tag
        classes = set((el.get("class") or "").split())
        s = self.styled(el)
        look = replace(look, bold=look.bold or tag in ("b", "strong", "th") or s.get("bold", False),
                       italic=look.italic or tag in ("i", "em"), colour=s.get("colour", look.colour),
                       fill=s.get("fill") if tag == "span" and "fill" in s else look.fill,
                       mono=look.mono or tag in ("code", "kbd", "samp"))
        if tag in ("sup", "sub"):
            look = replace(look, script="superscript" if tag == "sup" else "subscript")
        if classes & {"nums", "note"}:
            look = replace(look, size=6.8 if "nums" in classes else 8.5)
        return look

    # -- inline content ---------------------------------------------------------------------
    def tokens(self, el, look: Look, out: list[_Token], with_tail: bool = True) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag and tag not in SKIP and not (tag == "a" and "anchor-link" in (el.get("class") or "")):
            if tag == "br":
                out.append(_Token("break"))
            elif tag == "img":
                data = _image_data(el)
                if data:
                    out.append(_Token("image", data=data))
            else:
                inner = self.look_of(el, look)
                if el.text:
                    out.append(_Token("text", el.text, inner))
                for child in el:
                    self.tokens(child, inner, out)
        if with_tail and el.tail:
            out.append(_Token("text", el.tail, look))

    def emit(self, par, tokens: list[_Token]) -> bool:
        """Write tokens into a paragraph: whitespace collapsed as a browser would; False if empty."""
        clean: list[_Token] = []
        for t in tokens:
            if t.kind == "text":
                text = re.sub(r"\s+", " ", t.text)
                if not clean or clean[-1].kind == "break":
                    text = text.lstrip()
                if text:
                    clean.append(_Token("text", text, t.look))
            else:
                if clean and clean[-1].kind == "text":
                    clean[-1].text = clean[-1].text.rstrip()
                clean.append(t)
        if clean and clean[-1].kind == "text":
            clean[-1].text = clean[-1].text.rstrip()
        while clean and clean[-1].kind == "break":
            clean.pop()
        if not any((t.kind == "text" and t.text) or t.kind == "image" for t in clean):
            return False
        for t in clean:
            if t.kind == "break":
                par.add_run().add_break()
            elif t.kind == "image":
                self.picture(par.add_run(), t.data)
            elif t.text:
                _run(par, t.text, t.look)
        return True

    # -- blocks ------------------------------------------------------------------------------
    def paragraph(self, box, style: str | None = None):
        par = box.add_paragraph()
        if style:
            par._p.style = self.style_id(style)
        if box is self.doc:
            if self.break_pending:
                par.paragraph_format.page_break_before = True
                self.break_pending = False
            elif self.after_table:
                from docx.shared import Pt

                par.paragraph_format.space_before = Pt(6)
            self.after_table = False
        return par

    def inline_block(self, box, tokens: list[_Token], style: str | None = None, align=None):
        if not any((t.kind == "text" and t.text.strip()) or t.kind == "image" for t in tokens):
            return None
        par = self.paragraph(box, style)
        if align is not None:
            par.alignment = align
        if not self.emit(par, tokens):
            par._p.getparent().remove(par._p)
            return None
        self.started = True
        return par

    def children(self, el, box, look: Look, style: str | None = None, level: int = 0) -> None:
        """The content of a block element: runs of inline content become paragraphs."""
        pending: list[_Token] = []
        if el.text:
            pending.append(_Token("text", el.text, look))
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in BLOCK or (tag == "img" and not pending):
                self.inline_block(box, pending, style)
                pending = []
                self.block(child, box, look, level)
                if child.tail:
                    pending.append(_Token("text", child.tail, look))
            else:
                self.tokens(child, look, pending)
        self.inline_block(box, pending, style)

    def block(self, el, box, look: Look = Look(), level: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP or tag == "hr":
            return
        classes = set((el.get("class") or "").split())
        if "page-break" in classes:
            self.break_pending = self.started
            return
        if tag in HEADINGS:
            toks: list[_Token] = []
            self.tokens(el, Look(), toks, with_tail=False)
            self.inline_block(box, toks, HEADINGS[tag])
        elif tag == "p":
            toks = []
            self.tokens(el, self.look_of(el, look), toks, with_tail=False)
            self.inline_block(box, toks, NOTE_STYLE if "note" in classes and box is self.doc else None)
        elif tag in ("ul", "ol"):
            for li in el:
                if getattr(li, "tag", None) == "li":
                    name = ("List Bullet" if tag == "ul" else "List Number") + (f" {level + 1}" if level else "")
                    self.children(li, box, look, style=name, level=level + 1)
        elif tag == "table":
            self.table(el, box)
        elif tag == "img":
            data = _image_data(el)
            if data:
                from docx.enum.text import WD_ALIGN_PARAGRAPH

                self.inline_block(box, [_Token("image", data=data)], align=WD_ALIGN_PARAGRAPH.CENTER)
        elif tag == "dl":
            self.definitions(el, box, look)
        elif "box" in classes and box is self.doc:
            self.framed(el, look)
        else:
            self.children(el, box, self.look_of(el, look), level=level)

    def definitions(self, el, box, look: Look) -> None:
        """<dl>: one paragraph per term, '术语：说明'."""
        toks: list[_Token] = []
        for child in el:
            if getattr(child, "tag", None) == "dt":
                self.inline_block(box, toks)
                toks = []
                self.tokens(child, replace(look, bold=True), toks, with_tail=False)
                toks.append(_Token("text", "：", replace(look, bold=True)))
            elif getattr(child, "tag", None) == "dd":
                self.tokens(child, look, toks, with_tail=False)
        self.inline_block(box, toks)

    def framed(self, el, look: Look) -> None:
        """A boxed block (the summary) as a one-cell table shaded like the page's box."""
        table = self._new_table(1, 1)
        cell = table.cell(0, 0)
        fill = self.styled(el).get("fill")
        if fill:
            _shade(cell, fill)
        self.children(el, cell, look)
        _drop_empty_first(cell)
        _set_widths(table, [TEXT_WIDTH_MM], margin_mm=3)   # room for the list's bullets
        self.after_table = True

    def _new_table(self, rows: int, cols: int):
        if self.break_pending:
            self.paragraph(self.doc)
        table = self.doc.add_table(rows=rows, cols=cols)
        table.style = "Table Grid"
        self.started = True
        return table

    def table(self, el, box) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        rows = _rows(el)
        if not rows:
            return
        ncols = max(sum(_span(c) for c in cells) for _, _, cells in rows)
        if box is not self.doc:   # a table inside a table cell: its text, row by row
            for _, _, cells in rows:
                toks: list[_Token] = []
                for c in cells:
                    self.tokens(c, Look(), toks, with_tail=False)
                    toks.append(_Token("text", "  "))
                self.inline_block(box, toks)
            return
        table = self._new_table(len(rows), ncols)
        size = next((self.sizes[c] for c in (el.get("class") or "").split() if c in self.sizes),
                    self.sizes.get("", TABLE_PT))
        grid = table._cells   # all cells at once (table.cell(i, j) rebuilds this list every call)
        for i, (header, tr, cells) in enumerate(rows):
            row_fill = self.styled(tr).get("fill")
            j = 0
            for c in cells:
                span = _span(c)
                if j >= ncols:
                    break
                cell = grid[i * ncols + j]
                if span > 1:
                    cell = cell.merge(grid[i * ncols + min(j + span, ncols) - 1])
                look = Look(bold=header or c.tag == "th", size=size)
                self.children(c, cell, self.look_of(c, look), style=TABLE_STYLE)
                _drop_empty_first(cell)
                for par in cell.paragraphs:
                    par._p.style = self.style_id(TABLE_STYLE)
                    if "num" in (c.get("class") or "").split():
                        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                fill = self.styled(c).get("fill") or row_fill or (HEADER_FILL if header or c.tag == "th" else None)
                if fill:
                    _shade(cell, fill)
                j += span
            if header:
                _repeat_header(table.rows[i])
            _keep_row_together(table.rows[i])
        nowrap = {next(iter(sel)) for sel, props in self.css.items() if props.get("nowrap") and len(sel) == 1}
        _set_widths(table, _column_widths(el, rows, ncols, size, nowrap))
        self.after_table = True

    def picture(self, run, data: bytes) -> None:
        from docx.shared import Mm

        shape = run.add_picture(io.BytesIO(data))
        limit = Mm(TEXT_WIDTH_MM)
        if shape.width > limit:
            shape.height = int(shape.height * limit / shape.width)
            shape.width = limit


# -- helpers on python-docx objects ------------------------------------------------------------
def _image_data(el) -> bytes:
    src = el.get("src") or ""
    m = re.match(r"data:image/(png|jpe?g|gif);base64,(.*)", src, re.S)
    return base64.b64decode(m.group(2)) if m else b""


def _span(cell) -> int:
    try:
        return max(int(cell.get("colspan") or 1), 1)
    except ValueError:
        return 1


def _rows(table_el) -> list[tuple[bool, object, list]]:
    """(is header, tr, cells) for the table's own rows (not those of tables inside it)."""
    out = []
    for tr in table_el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = [c for c in tr if getattr(c, "tag", None) in ("td", "th")]
        if not cells:
            continue
        header = tr.getparent().tag == "thead" or (not out and all(c.tag == "th" for c in cells)) or (
            bool(out) and all(h for h, _, _ in out) and all(c.tag == "th" for c in cells))
        out.append((header, tr, cells))
    return out


def _lines(el):
    """The text of a cell, piece by piece, with None where a <br> breaks the line."""
    yield el.text or ""
    for child in el:
        if child.tag == "br":
            yield None
        elif isinstance(child.tag, str):
            yield from _lines(child)
        yield child.tail or ""


def _lines_width(el) -> int:
    """Display width of a cell's longest line.

    >>> import lxml.html
    >>> _lines_width(lxml.html.fragment_fromstring('<td>26.7<br><span>（2022）</span> </td>'))
    8
    """
    lines, line = [], []
    for piece in _lines(el):
        if piece is None:
            lines.append("".join(line))
            line = []
        else:
            line.append(piece)
    lines.append("".join(line))
    return max(display_width(re.sub(r"\s+", " ", t).strip()) for t in lines)


SHORT_LINE = 8   # display columns: a line this short ("2025年", "（2024）") is not broken


def _unbroken_width(cell, nowrap: set[str]) -> int:
    """Display width a cell needs unbroken: its longest line when the page keeps the cell on one
    line (``num``, ``nowrap``), else its widest element of a no-wrap class (a chip, a number)
    or its longest line when that is short."""
    longest = _lines_width(cell)
    if {"num", "nowrap"} & set((cell.get("class") or "").split()):
        return longest
    return max([longest if longest <= SHORT_LINE else 0]
               + [display_width(re.sub(r"\s+", " ", e.text_content()).strip()) for e in cell.iterdescendants()
                  if isinstance(e.tag, str) and nowrap & set((e.get("class") or "").split())])


def _column_widths(table_el, rows, ncols: int, size_pt: float, nowrap: set[str] = frozenset()) -> list[float]:
    """Column widths (mm): the shares the HTML's <colgroup> fixes, the rest by content length;
    what the page keeps on one line (``num``, ``nowrap`` cells, elements of the ``nowrap`` classes)
    gets at least its width while the page has room."""
    fixed: dict[int, float] = {}
    for j, col in enumerate(table_el.xpath("./colgroup/col")):
        m = re.search(r"width:\s*([\d.]+)%", col.get("style") or "")
        if m and j < ncols:
            fixed[j] = float(m.group(1)) / 100
    weight, need = [4.0] * ncols, [0.0] * ncols
    unit_mm = size_pt * PT_MM / 2          # one display column: half an em
    for header, _, cells in rows:
        j = 0
        for c in cells:
            if _span(c) == 1 and j < ncols:
                w = _lines_width(c)
                weight[j] = max(weight[j], min(w, 36) + 2)
                if not header:
                    need[j] = max(need[j], _unbroken_width(c, nowrap) * unit_mm + 2 * CELL_MARGIN_MM + 0.5)
            j += _span(c)
    free = [j for j in range(ncols) if j not in fixed]
    rest = max(1.0 - sum(fixed.values()), 0.05 * len(free)) if free else 0
    total = sum(weight[j] for j in free) or 1
    shares = [fixed.get(j, rest * weight[j] / total) for j in range(ncols)]
    scale = sum(shares) or 1
    widths = [TEXT_WIDTH_MM * s / scale for s in shares]
    if sum(need) >= TEXT_WIDTH_MM:
        return widths
    held: set[int] = set()          # columns raised to their need; the others share what is left
    while short := [j for j in range(ncols) if j not in held and widths[j] < need[j] - 1e-6]:
        held.update(short)
        for j in held:
            widths[j] = need[j]
        others = [j for j in range(ncols) if j not in held]
        have = sum(widths[j] for j in others) or 1
        for j in others:
            widths[j] *= (TEXT_WIDTH_MM - sum(widths[j] for j in held)) / have
    return widths


def _set_widths(table, widths_mm: list[float], margin_mm: float = CELL_MARGIN_MM) -> None:
    """Fixed column widths (mm) and the cells' left and right margins."""
    from docx.shared import Mm

    table.autofit = False
    margins = _oxml("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_oxml(f"w:{side}", w=str(int(margin_mm * 56.7)), type="dxa"))
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for j, gc in enumerate(table._tbl.tblGrid.gridCol_lst):
        if j < len(widths_mm):
            gc.w = Mm(widths_mm[j])
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            if j < len(widths_mm):
                cell.width = Mm(widths_mm[j])


def _oxml(tag: str, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


# Word refuses properties out of the schema's order: each is inserted before its successors.
def _shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().insert_element_before(
        _oxml("w:shd", val="clear", color="auto", fill=fill),
        "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def _repeat_header(row) -> None:
    row._tr.get_or_add_trPr().insert_element_before(_oxml("w:tblHeader", val="true"),
                                                     "w:tblCellSpacing", "w:jc", "w:hidden")


def _keep_row_together(row) -> None:
    row._tr.get_or_add_trPr().insert_element_before(_oxml("w:cantSplit", val="true"), "w:trHeight",
                                                     "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")


def _drop_empty_first(cell) -> None:
    """A new cell holds one empty paragraph; drop it when the content brought its own."""
    pars = cell.paragraphs
    if len(pars) > 1 and not pars[0].text and not pars[0]._p.xpath(".//w:drawing"):
        pars[0]._p.getparent().remove(pars[0]._p)


def _run(par, text: str, look: Look):
    from docx.shared import Pt, RGBColor

    run = par.add_run(text)
    f = run.font
    if look.bold:
        f.bold = True
    if look.italic:
        f.italic = True
    if look.colour:
        f.color.rgb = RGBColor.from_string(look.colour)
    if look.size:
        f.size = Pt(look.size)
    if look.script:
        setattr(f, look.script, True)
    if look.mono:
        _fonts(run._r.get_or_add_rPr(), ("Consolas", BODY_FONT[1]))
    if look.fill:
        run._r.get_or_add_rPr().insert_element_before(
            _oxml("w:shd", val="clear", color="auto", fill=look.fill), "w:fitText", "w:vertAlign", "w:rtl",
            "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    return run


def _fonts(rpr, fonts: tuple[str, str]) -> None:
    """Name the Latin and the East Asian font explicitly (no theme fonts: WPS and Word then agree)."""
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    latin, east = fonts
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east)


def _setup(doc, title: str, warning: str) -> None:
    """A4, the PDF's margins, Chinese fonts and the brief's styles; header, footer, properties."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    styles = doc.styles
    for rfonts in styles.element.iter(qn("w:rFonts")):   # every style names its fonts: no theme fonts
        major = "major" in (rfonts.get(qn("w:asciiTheme")) or rfonts.get(qn("w:eastAsiaTheme")) or "")
        _fonts(rfonts.getparent(), HEADING_FONT if major else BODY_FONT)
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(defaults, BODY_FONT)
    lang = defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11)):
        st = styles[name]
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
        _fonts(st.element.get_or_add_rPr(), HEADING_FONT)
        st.paragraph_format.space_before = Pt(10 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
    for name, size, colour in ((NOTE_STYLE, 8.5, "555555"), (TABLE_STYLE, TABLE_PT, None)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.font.size = Pt(size)
        if colour:
            st.font.color.rgb = RGBColor.from_string(colour)
        if name == TABLE_STYLE:
            st.paragraph_format.space_after = Pt(0)
            st.paragraph_format.line_spacing = 1.1

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM[0])
    section.left_margin = section.right_margin = Mm(MARGIN_MM[1])
    section.different_first_page_header_footer = True   # the title page has none, as in the PDF
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(head, title, Look(colour="999999", size=8))
    foot = section.footer.paragraphs[0]
    if warning:
        _run(foot, warning, Look(colour="C0392B", size=8, bold=True))
        foot = section.footer.add_paragraph()
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    look = Look(colour="666666", size=8)
    _run(foot, "第 ", look)
    _field(foot, "PAGE", look)
    _run(foot, " 页 / 共 ", look)
    _field(foot, "NUMPAGES", look)
    _run(foot, " 页", look)
    props = doc.core_properties
    props.title, props.language, props.author = title, "zh-CN", "415X Monitor"
    if warning:
        props.comments = warning


def _field(par, instruction: str, look: Look) -> None:
    """A Word field (PAGE, NUMPAGES) that Word, WPS and LibreOffice update on opening."""
    fld = _oxml("w:fldSimple", instr=f" {instruction} ")
    run = _run(par, "1", look)
    par._p.remove(run._r)
    fld.append(run._r)
    par._p.append(fld)


def warning_of(root) -> str:
    """The brief's test-data warning as its page footer says it ('' when it has none)."""
    flags = root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' test-flag ')]")
    return (flags[0].get("data-footer") or " ".join(flags[0].itertext()).strip()) if flags else ""


def document(html: str, title: str = ""):
    """The python-docx Document of a brief's HTML page."""
    import lxml.html
    from docx import Document

    root = lxml.html.document_fromstring(html)
    css = "\n".join(s.text or "" for s in root.iter("style"))
    title = title or (root.findtext(".//title") or "").strip()
    doc = Document()
    _setup(doc, title, warning_of(root))
    body = root.find("body")
    writer = _Writer(doc, class_styles(css), table_sizes(css))
    writer.children(body if body is not None else root, doc, Look())
    return doc


def write(html: str, folder: str | Path, title: str = "") -> Path:
    """Write ``<folder>/brief.docx`` from the brief's HTML (atomically); returns the path."""
    path = Path(folder) / file_name(FILE)   # brief.en.docx etc. in an English brief
    doc = document(html, title)
    with atomic_file(path, "wb") as fh:
        doc.save(fh)
    return path

"""``results.xlsx`` (openpyxl): every table of the brief as a sheet with a Chinese name.

Built from the data package and its CSVs, so the workbook holds exactly the numbers the
CSVs hold. The first sheet, 目录, lists the sheets (with links). On every sheet: the
table's title in row 1 (and the test-data warning, in red, when the brief used figures
marked 测试), the header in row 2, bold and frozen with the title, column widths from the
contents, units in the header or in the table's 单位 column, numbers stored as numbers with
the brief's decimals as their display format (fractions as per cent), years as whole
numbers; A4 print set-up, fitted to the page width, the warning in the printed footer too.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from qzlib.atomic import atomic_file
from qzlib.i18n import N_, T, file_name
from qzlib.office import csvfile
from qzlib.office.datapackage import SHARE_UNIT, BriefInfo, info_of
from qzlib.office.tables import MISSING, display_width

FILE = "results.xlsx"
INDEX = N_("目录")   # said in the language in use
HEADER_FILL = "E8EEF5"     # the brief's table header (brief_page.html.j2 th)
WARNING_COLOUR = "C0392B"
MAX_WIDTH = 48
MAX_HEADER = 24     # a longer header wraps rather than widening its column
NUMBER_TEXT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?$")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unused sheet name: no []:*?/\\, at most 31 characters.

    >>> sheet_name("进展评估", {"进展评估"}), sheet_name("a/b?" * 10, set())
    ('进展评估2', 'a_b_a_b_a_b_a_b_a_b_a_b_a_b_a_b')
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'") or "表"
    name, n = base[:31], 2
    while name in taken or name == "History":
        name = f"{base[:31 - len(str(n))]}{n}"
        n += 1
    taken.add(name)
    return name


def number_format(field: dict) -> str:
    """The display format of a package field: the brief's decimals, per cent for fractions.

    >>> number_format({"type": "integer"}), number_format({"type": "number", "decimals": 2})
    ('0', '#,##0.00')
    >>> number_format({"type": "number", "decimals": 3, "unit": "比例"}), number_format({"type": "string"})
    ('0.0%', 'General')
    """
    if field["type"] == "integer":
        return "0"
    if field["type"] != "number":
        return "General"
    digits = int(field.get("decimals", 2))
    if field.get("unit") == SHARE_UNIT:
        digits -= 2
        return "0%" if digits <= 0 else "0." + "0" * digits + "%"
    return "#,##0" if digits <= 0 else "#,##0." + "0" * digits


def cell_value(text: str, field: dict):
    """The value a CSV cell is stored as: a number for a number (also inside a text column),
    the brief's '—' for no value, text otherwise.

    >>> cell_value("2025", {"type": "integer"}), cell_value("1.1", {"type": "number"}), cell_value("", {"type": "number"})
    (2025, 1.1, '—')
    >>> cell_value("405,442", {"type": "string"}), cell_value("约33.33", {"type": "string"}), cell_value("007", {"type": "string"})
    (405442, '约33.33', '007')
    """
    if text in MISSING:
        return MISSING[1] if field["type"] != "string" or text else None
    if field["type"] == "integer":
        return int(text)
    if field["type"] == "boolean":
        return text.lower() == "true"
    if field["type"] == "number" or NUMBER_TEXT.match(text):
        plain = text.replace(",", "")
        return int(plain) if re.fullmatch(r"[+-]?\d+", plain) and field["type"] != "number" else float(plain)
    return text


def _title_row(ws, text: str, warning: str) -> None:
    from openpyxl.styles import Font

    ws.cell(row=1, column=1, value=f"{text}　{warning}" if warning else text)
    ws.cell(row=1, column=1).font = Font(bold=True, size=12, color=WARNING_COLOUR if warning else None)


def _header(ws, labels: list[str]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    line = Side(style="thin", color="B9C3CF")
    for j, label in enumerate(labels, 1):
        c = ws.cell(row=2, column=j, value=label)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.border = Border(bottom=line)
    ws.freeze_panes = "A3"


def _finish(ws, labels: list[str], warning: str) -> None:
    """Column widths from the contents, long text wrapped; a filter on the header; A4 print set-up;
    the warning in the footer."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    header_lines = 1
    for j, label in enumerate(labels, 1):
        cells = [ws.cell(row=i, column=j) for i in range(3, ws.max_row + 1)]
        head = display_width(label)
        longest = max([min(head, MAX_HEADER)] + [display_width(c.value if c.value is not None else "")
                                                 + (2 if isinstance(c.value, (int, float)) else 0) for c in cells])
        width = min(max(longest + 2, 6), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(j)].width = width
        header_lines = max(header_lines, math.ceil(head / (width - 1)))
        numeric = any(isinstance(c.value, (int, float)) and not isinstance(c.value, bool) for c in cells)
        for c in cells:
            if longest + 2 > MAX_WIDTH:
                c.alignment = Alignment(wrap_text=True, vertical="top")
            elif numeric and c.value == MISSING[1]:
                c.alignment = Alignment(horizontal="right")    # the dash where a number would be
    if header_lines > 1:
        ws.row_dimensions[2].height = 15 * header_lines
    if labels:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(labels))}{max(ws.max_row, 2)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if len(labels) > 6 else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    if warning:
        ws.oddFooter.left.text = warning
        ws.oddFooter.left.color = WARNING_COLOUR
    ws.oddFooter.right.text = "&P / &N"


def _table_sheet(wb, resource: dict, folder: Path, name: str, warning: str) -> int:
    ws = wb.create_sheet(name)
    fields = resource["schema"]["fields"]
    df = csvfile.read(folder / resource["path"])
    labels = [_label(f) for f in fields]
    _title_row(ws, resource.get("title", name), warning)
    _header(ws, labels)
    formats = [number_format(f) for f in fields]
    for i, row in enumerate(df.itertuples(index=False), 3):
        for j, (text, f, form) in enumerate(zip(row, fields, formats), 1):
            value = cell_value(text, f)
            c = ws.cell(row=i, column=j, value=value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                c.number_format = form if form != "General" else ("#,##0" if "," in text else "General")
    _finish(ws, labels, warning)
    return len(df)


def _label(f: dict) -> str:
    """A package field's workbook header: its Chinese title with its unit."""
    title, unit = f.get("title") or f["name"], f.get("unit", "")
    return f"{title}（{unit}）" if unit and unit != SHARE_UNIT and unit not in title else title


def build(package: dict | None, folder: str | Path, title: str = ""):
    """The workbook of a brief folder's data package (an index sheet only when it has none)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    folder = Path(folder)
    info = info_of(package) if package else BriefInfo(year=0, scenario="")
    wb = Workbook()
    index = wb.active
    index.title = T(INDEX)
    taken = {T(INDEX)}
    rows = []
    for k, res in enumerate((package or {}).get("resources", []), 1):
        name = sheet_name(res.get("title") or res["name"], taken)
        n = _table_sheet(wb, res, folder, name, info.warning)
        rows.append((k, name, res.get("description", ""), res["path"], n, len(res["schema"]["fields"])))
    labels = ["序号", "工作表", "数据文件", "行数", "列数", "说明"]
    _title_row(index, title or (f"{info.title} · 数据表" if package else "数据表"), info.warning)
    _header(index, labels)
    for i, (k, name, desc, path, n, ncol) in enumerate(rows, 3):
        for j, value in enumerate((k, name, path, n, ncol, desc), 1):
            index.cell(row=i, column=j, value=value)
        link = index.cell(row=i, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1")   # a link inside the workbook
        link.font = Font(color="0563C1", underline="single")
    _finish(index, labels, info.warning)
    return wb


def write(package: dict | None, folder: str | Path, title: str = "") -> Path:
    """Write ``<folder>/results.xlsx`` (atomically); returns the path."""
    path = Path(folder) / file_name(FILE)   # brief.en.docx etc. in an English brief
    wb = build(package, folder, title)
    with atomic_file(path, "wb") as fh:
        wb.save(fh)
    return path

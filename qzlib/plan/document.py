"""Split a 415X plan's extracted text into body paragraphs and annex tables.

The layout family (衢州 and the county plans share it): annex tables were flattened on
extraction — every cell is a line starting with a tab, rows are separated by blank
lines, a cell broken over lines shows as a tab-led line, one blank line and a
continuation line without a tab. Annexes start at a line that reads just ``附件N``.
Nothing here depends on line numbers or on this city's wording, so another plan of the
family reads with no code change; every cell keeps its line number for error messages
and for tracing a number back to the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from qzlib.errors import InputError, Problem
from qzlib.numbers import fold

CN_ORD = "一二三四五六七八九十"
ANNEX_HEADING = re.compile(r"^\s*附\s*件\s*(\d+)\s*$")
ANNEX_LIST = re.compile(r"^\s*附件\s*[：:]")
SECTION_ROW = re.compile(rf"^[（(][{CN_ORD}]+[）)]")
FOOTER = re.compile(r"^(抄送|印发|主送|抄报|联系人)")
TOP_HEADING = re.compile(rf"^([{CN_ORD}]+)、(.*)$")
SUB_HEADING = re.compile(rf"^[（(]([{CN_ORD}]+)[）)](.*)$")
ITEM_HEADING = re.compile(r"^(\d+)[.．、](.*)$")


@dataclass
class Cell:
    text: str
    line: int  # 1-based line of the tab-led line that starts the cell


@dataclass
class Row:
    cells: list[Cell]

    @property
    def line(self) -> int:
        return self.cells[0].line

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Annex:
    number: int
    line: int  # line of the 附件N heading
    title: str
    header: list[str]
    header_line: int
    rows: list[Row]  # data rows and one-cell section rows, in order
    footer: list[Cell] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"附件{self.number}"

    def column(self, *names: str) -> int | None:
        """Index of the first header cell equal to one of ``names``."""
        for name in names:
            if name in self.header:
                return self.header.index(name)
        return None


@dataclass
class Paragraph:
    text: str
    line: int
    location: str  # "正文 二（一）1", "正文 一（二）", "正文 三（五）"
    section: str = ""  # 一 / 二 / 三 ...
    sub: str = ""  # （一） number as Chinese ordinal, '' if none
    item: str = ""  # 1..22, '' if none


@dataclass
class PlanDocument:
    path: Path
    lines: list[str]
    paragraphs: list[Paragraph]
    annexes: dict[int, Annex]
    listed_annexes: dict[int, int]  # annex number -> line where the body lists it

    def annex(self, number: int) -> Annex:
        return self.annexes[number]


def read_plan(path: str | Path) -> PlanDocument:
    """Read the plan text file into body paragraphs and annex tables."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.one(file=path, expected="the plan's text file (UTF-8) to exist") from None
    except UnicodeDecodeError as exc:
        raise InputError.one(file=path, where=f"byte {exc.start}", expected="UTF-8 text") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = [(i, int(fold(m.group(1)))) for i, line in enumerate(lines)
              if (m := ANNEX_HEADING.match(fold(line)))]
    body_end = starts[0][0] if starts else len(lines)
    paragraphs, listed = _body(lines[:body_end])
    found = {n for _, n in starts}
    lost = [Problem(file=path, where=f"附件{n} (listed on line {line})", field="annex heading",
                    expected=f"a line reading '附件{n}' followed by its table")
            for n, line in sorted(listed.items()) if n not in found]
    if lost:  # checked before reading tables: a lost heading would merge two tables
        raise InputError(lost)
    annexes: dict[int, Annex] = {}
    for k, (start, number) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        if number in annexes:
            raise InputError.one(file=path, where=f"line {start + 1}", field="annex heading",
                                 value=lines[start].strip(), expected=f"附件{number} to appear once")
        annexes[number] = _annex(path, lines, start, end, number)
    return PlanDocument(path, lines, paragraphs, annexes, listed)


def _body(lines: list[str]) -> tuple[list[Paragraph], dict[int, int]]:
    paras: list[Paragraph] = []
    listed: dict[int, int] = {}
    sec = sub = item = ""
    in_list = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if ANNEX_LIST.match(line):
            in_list = True
        if in_list:  # "附件：1．…  2．…" names the annexes; not body text
            m = re.search(r"(\d+)\s*[.．、]", fold(line))
            if m:
                listed[int(m.group(1))] = i + 1
            continue
        if m := TOP_HEADING.match(line):
            sec, sub, item = m.group(1), "", ""
        elif m := SUB_HEADING.match(line):
            sub, item = m.group(1), ""
        elif sec and (m := ITEM_HEADING.match(fold(line))):
            item = m.group(1)
        if not sec:
            loc = "正文 开头"
        else:
            loc = f"正文 {sec}" + (f"（{sub}）" if sub else "") + item
        paras.append(Paragraph(line, i + 1, loc, sec, sub, item))
    return paras, listed


def _annex(path: Path, lines: list[str], start: int, end: int, number: int) -> Annex:
    """Group the annex's lines into rows of cells (see the module docstring)."""
    label = f"附件{number}"
    title_parts: list[str] = []
    rows: list[list[Cell]] = []
    blanks = 0
    last_was_cell_text = False  # the previous non-blank line belonged to a cell
    trailing: list[str] = []
    for i in range(start + 1, end):
        line = lines[i]
        if not line.startswith("\t") and not line.strip():  # a lone tab is an empty cell
            blanks += 1
            continue
        if line.startswith("\t"):
            cell = Cell(line[1:].strip(), i + 1)
            if blanks or not rows:
                rows.append([cell])
            else:
                rows[-1].append(cell)
            last_was_cell_text = True
        elif rows and last_was_cell_text and blanks == 1 and not FOOTER.match(line.strip()):
            rows[-1][-1].text += line.strip()  # a cell broken over lines
        elif not rows:
            title_parts.append(line.strip())
        else:
            trailing.append(line.strip())
            last_was_cell_text = False
        blanks = 0
    header_idx = next((k for k, r in enumerate(rows) if "序号" in [c.text.replace(" ", "") for c in r]), None)
    if header_idx is None:
        raise InputError.one(file=path, where=f"{label} (line {start + 1})", field="header row",
                             expected="a table whose header row has a 序号 cell")
    header = [c.text.replace(" ", "").replace("\u3000", "") for c in rows[header_idx]]
    data: list[Row] = []
    footer: list[Cell] = []
    problems: list[Problem] = []
    for r in rows[header_idx + 1:]:
        first = r[0].text
        if footer or (len(r) == 1 and FOOTER.match(first)):
            footer.extend(r)
            continue
        if len(r) == 1 and SECTION_ROW.match(first):
            data.append(Row(r))
            continue
        if len(r) != len(header):
            problems.append(Problem(
                file=path, where=f"{label} 序号 {first or '?'} (line {r[0].line})", field="cells",
                value=len(r), expected=f"{len(header)} cells, one per column {'/'.join(header)}"))
            continue
        if not re.fullmatch(r"\d+", fold(first)):
            problems.append(Problem(file=path, where=f"{label} line {r[0].line}", field="序号",
                                    value=first, expected="a whole number"))
            continue
        data.append(Row(r))
    if problems:
        raise InputError(problems)
    return Annex(number, start + 1, "".join(title_parts), header, rows[header_idx][0].line, data, footer)

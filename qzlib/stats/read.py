"""Read a statistics file (CSV or Excel) into checked, unit-normalised observations.

Every problem in the file is collected and raised at once as one ``InputError``; each
names the file, the place as a person sees it in a spreadsheet (sheet, row with header =
row 1, column letter and the column's header as written in the file), the value found and
what was expected, in Chinese and in English.

Excel habits are met where they are harmless: a CSV may be UTF-8 (with Excel's BOM, "CSV
UTF-8") or GBK/GB18030 (Excel's "CSV (逗号分隔)" on Chinese Windows); a row without a 数值
is an unfilled template row and is skipped (in a workbook and in a CSV alike); a row's
region is its 地区 column, else the sheet's name (workbook) or the region ``--region``
gives (CSV). A CSV with neither is refused naming the file and what to add.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from qzlib import catalogue
from qzlib.errors import InputError, Problem
from qzlib.stats import mapping, plan, schema, sources

INSTRUCTION_SHEET = "填写说明"
LIST_SHEET = "选项"
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_VINTAGE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?$")
_TITLE_DATE = re.compile(r"(20\d{2}|19\d{2})-(\d{2})(?:-(\d{2}))?")


class Expect(NamedTuple):
    """What a cell should hold, in English and in Chinese (a clause starting 应为/应…)."""

    en: str
    zh: str


_EMPTY = Expect("a header row and at least one data row; the file is empty",
                "文件是空的：应有一行表头和至少一行数据")


@dataclass
class Record:
    """One data row as read, before any interpretation."""

    where: str
    row: int
    fields: dict[str, object]
    sheet: str | None = None
    uncached: set[str] = field(default_factory=set)  # fields holding a formula with no cached value
    # canonical column -> (column letter, header as written in the file); shared by a sheet's rows
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Table:
    label: str
    records: list[Record]
    encoding: str = ""
    problems: list[Problem] = field(default_factory=list)


def cell_problem(label: str, rec: Record, col: str, value: object, expected: Expect) -> Problem:
    """A problem in one cell, placed as the spreadsheet shows it (sheet, row, letter, header)."""
    letter, header = rec.columns.get(col, (None, schema.HEADER_ZH.get(col, col)))
    return Problem(file=label, where=rec.where, field=col, value=value, expected=expected.en,
                   sheet=rec.sheet, row=rec.row, column=letter, header=header, expected_zh=expected.zh)


def file_problem(label: str, expected: Expect, **kw) -> Problem:
    return Problem(file=label, expected=expected.en, expected_zh=expected.zh, **kw)


# ----------------------------------------------------------------------------- files

def read_table(path: str | Path, label: str | None = None, required=schema.REQUIRED,
               allow_empty: bool = False, region: str | None = None) -> Table:
    """Records of a CSV or .xlsx file; header and file-level problems are collected.

    ``region`` is the region of a CSV's rows (``--region``): it fills a missing or blank 地区
    column; a row naming another region is a problem. A workbook's sheets name their own."""
    path = Path(path)
    label = label or str(path)
    if not path.is_file():
        raise InputError([file_problem(label, Expect("an existing CSV or .xlsx file",
                                                     "找不到这个文件：应为已有的 CSV 或 .xlsx 文件"))])
    data = path.read_bytes()
    if not data.strip():
        raise InputError([file_problem(label, _EMPTY)])
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in {".xlsx", ".xlsm"}:
        if region is not None:
            raise InputError([file_problem(label, Expect(
                "no --region for a workbook: each sheet's name (or its 地区 column) is its region; --region is "
                "for a CSV", "工作簿不用 --region：每个工作表的名称（或“地区”列）就是地区；--region 只用于 CSV"),
                field="--region", value=region)])
        return _read_xlsx(path, label)
    if suffix == ".xls" or data[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
        raise InputError([file_problem(label, Expect(
            "an .xlsx workbook or a CSV; this is an old binary .xls file: open it and save as .xlsx",
            "这是旧的 .xls 格式：请在 Excel/WPS 中打开，另存为 .xlsx 后再导入"))])
    if region is not None and region not in mapping.regions():
        raise InputError([file_problem(label, _EXPECTED["known_region"](None), field="--region", value=region)])
    return _read_csv(data, label, required, allow_empty, region)


def _decode(data: bytes, label: str) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        raise InputError([file_problem(label, Expect(
            "a spreadsheet: a CSV text file or an .xlsx workbook (this file is binary data of another kind)",
            "应为表格文件（CSV 文本或 .xlsx 工作簿）；这个文件是其他类型的二进制数据"), value=data[:8].hex(" "))])
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as err:
        first = err
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: first.start].count(b"\n") + 1
        raise InputError([file_problem(label, Expect(
            "text encoded as UTF-8 (with or without BOM) or GBK/GB18030; save the file as 'CSV UTF-8'",
            f"第{line}行（第 {first.start} 字节）无法识别：应为 UTF-8 或 GBK 编码的文字，请另存为“CSV UTF-8”"),
            where=f"line {line}, byte {first.start}", value=data[first.start:first.start + 4].hex(" "))]) from None
    return text, "GBK/GB18030"


def _column_letter(n: int) -> str:
    """Excel's letter of the 1-based column ``n``, for messages (openpyxl is loaded only then:
    reading observations needs none).

    >>> _column_letter(1), _column_letter(27)
    ('A', 'AA')
    """
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _read_csv(data: bytes, label: str, required=schema.REQUIRED, allow_empty: bool = False,
              region: str | None = None) -> Table:
    text, encoding = _decode(data, label)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    table = Table(label, [], encoding)
    if not rows:
        raise InputError([file_problem(label, _EMPTY)])
    needed = tuple(c for c in required if not (region is not None and c == "region"))
    columns, problems = _header(rows[0], label, None, required=needed)
    if problems:
        raise InputError(problems)
    n = len(rows[0])
    placed = {col: (_column_letter(j + 1), str(rows[0][j]).strip()) for j, col in columns.items()}
    skipped = 0
    for i, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != n:
            table.problems.append(Problem(
                file=label, where=f"row {i}", row=i,
                expected=f"{n} comma-separated fields like the header, not {len(cells)} (quote text that "
                         "contains commas)",
                expected_zh=f"这一行有 {len(cells)} 个字段，应与表头一样有 {n} 个逗号分隔的字段（含逗号的文字请加引号）"))
            continue
        fields = {col: cells[j] for j, col in columns.items()}
        if "value" in columns.values() and _blank(fields["value"]):
            skipped += 1
            continue  # an unfilled template row (a sheet saved as CSV keeps all of them)
        rec = Record(f"row {i}", i, fields, columns=placed)
        if region is not None:
            _set_region(table, rec, region, "--region")
        table.records.append(rec)
    if not table.records and not table.problems and not allow_empty:
        raise InputError([file_problem(label, Expect("at least one data row below the header" + (
            f" with a value (all {skipped} rows leave 数值 empty)" if skipped else ""), "表头下面应至少有一行数据"
            + (f"（{skipped} 行都没有填「数值」）" if skipped else "")), where="row 2", row=2)])
    return table


def _set_region(table: Table, rec: Record, region: str, said_by: str) -> None:
    """Give ``rec`` the region ``said_by`` (the sheet's name, --region) says, where its 地区 cell is
    blank; a cell naming another region is a problem."""
    written = _text(rec.fields.get("region"))
    if not written:
        rec.fields["region"] = region
    elif unicodedata.normalize("NFKC", written) != region:
        zh = "工作表名" if said_by == "sheet" else "--region 指明的地区"
        table.problems.append(cell_problem(table.label, rec, "region", written, Expect(
            f"the region the {'sheet name' if said_by == 'sheet' else '--region option'} gives ({region}), "
            "or a blank cell", f"应与{zh}（{region}）一致，或留空")))


def _header(cells: list, label: str, sheet: str | None, required) -> tuple[dict[int, str], list[Problem]]:
    """Column index -> canonical column of a header row (row 1), and what is wrong with it."""
    lookup = schema.header_lookup()
    where = f"sheet {sheet} row 1" if sheet else "row 1"
    columns: dict[int, str] = {}
    problems = []
    known_zh = "、".join(schema.HEADER_ZH[c] for c in schema.INPUT_COLUMNS if not (sheet and c == "region"))
    for j, cell in enumerate(cells):
        key = schema.header_key(cell)
        if not key:
            continue
        col = lookup.get(key)
        letter = _column_letter(j + 1)
        if col is None:
            problems.append(Problem(file=label, where=f"{where}, column {j + 1}", field="header", value=cell,
                                    expected="a known column: " + ", ".join(schema.INPUT_COLUMNS),
                                    sheet=sheet, row=1, column=letter,
                                    expected_zh=f"应为已知的列名（{known_zh}，或对应的英文列名）"))
        elif col in columns.values():
            problems.append(Problem(file=label, where=f"{where}, column {j + 1}", field="header", value=cell,
                                    expected=f"each column once ('{col}' appears twice)",
                                    sheet=sheet, row=1, column=letter,
                                    expected_zh=f"每列只能出现一次（「{schema.HEADER_ZH[col]}」出现了两次）"))
        else:
            columns[j] = col
    missing = [c for c in required if c not in columns.values()]
    if not columns:
        problems = []  # no header at all: one message, not one per cell
    found = ", ".join(str(c) for c in cells if str(c or "").strip()) or "(nothing)"
    if missing == ["region"] and columns:
        problems.append(file_problem(label, _no_region(), where=where, field="header", value=found, row=1))
    elif missing:
        hint = _no_region(hint_only=True) if "region" in missing else Expect("", "")
        problems.append(Problem(file=label, where=where, field="header", value=found,
                                expected="a header row naming the columns " + ", ".join(required)
                                + f" (missing: {', '.join(missing)})" + hint.en, sheet=sheet, row=1,
                                expected_zh="第1行应为表头，包含这些列：" + "、".join(schema.HEADER_ZH[c] for c in required)
                                + "（缺少：" + "、".join(schema.HEADER_ZH[c] for c in missing) + "）" + hint.zh))
    return columns, problems


def _no_region(hint_only: bool = False) -> Expect:
    """What a CSV without a 地区 column needs (the example names the active plan's region)."""
    own = plan.active().region
    if hint_only:  # said after the list of missing header columns
        return Expect(f"; a CSV of one region may instead name it with --region (e.g. --region {own})",
                      f"；整个文件是同一地区时，也可以用 --region 指明（如 --region {own}）")
    return Expect(
        "a 地区 (region) column: nothing in this CSV says which region its figures are for. Add a column 地区 "
        "with the region in every row (the template's last column, kept when a sheet is saved as CSV), or give "
        f"the region with --region, e.g. --region {own}",
        "没有「地区」列，看不出数据属于哪个地区：请加一列「地区」并在每行填写地区名（模板的最后一列，工作表另存为 CSV "
        f"时会保留），或在命令后加 --region 地区名（如 --region {own}）")


def _read_xlsx(path: Path, label: str) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with open(path, "rb") as fh:  # a file object: openpyxl then ignores the extension
            values = load_workbook(fh, data_only=True)
        with open(path, "rb") as fh:
            formulas = load_workbook(fh, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise InputError([file_problem(label, Expect("an .xlsx workbook that Excel or WPS can open",
                                                     "无法打开：应为 Excel 或 WPS 能打开的 .xlsx 工作簿"),
                                       value=type(err).__name__)]) from None
    table = Table(label, [], "xlsx")
    known = set(mapping.regions())
    data_sheets = [ws for ws in values.worksheets if ws.title not in {INSTRUCTION_SHEET, LIST_SHEET}]
    if not data_sheets:
        own = plan.active().region
        raise InputError([file_problem(label, Expect(f"at least one sheet named after a region (e.g. {own})",
                                                     f"应至少有一个以地区命名的工作表（如“{own}”）"))])
    for ws in data_sheets:
        header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1), [])]
        required = tuple(c for c in schema.REQUIRED if c != "region")
        columns, problems = _header(header, label, ws.title, required)
        named = ws.title in known  # else every row's 地区 must say its region
        if not named and "region" not in columns.values():
            table.problems.append(Problem(file=label, where=f"sheet {ws.title}", field="sheet name",
                                          value=ws.title, expected="a region name as the sheet name ("
                                          + ", ".join(mapping.regions()) + f") or {INSTRUCTION_SHEET}",
                                          sheet=ws.title, expected_zh="工作表名应为地区名（"
                                          + "、".join(mapping.regions()) + f"）或“{INSTRUCTION_SHEET}”"))
            continue
        if problems:
            table.problems.extend(problems)
            continue
        placed = {col: (_column_letter(j + 1), str(header[j]).strip()) for j, col in columns.items()}
        fws = formulas[ws.title]
        for r, cells in enumerate(ws.iter_rows(min_row=2), start=2):
            fields = {col: cells[j].value if j < len(cells) else None for j, col in columns.items()}
            uncached = {col for j, col in columns.items()
                        if j < len(cells) and cells[j].value is None
                        and fws.cell(row=r, column=j + 1).data_type == "f"}
            if _blank(fields.get("value")) and "value" not in uncached:
                continue  # an unfilled template row
            rec = Record(f"sheet {ws.title} row {r}", r, fields, ws.title, uncached, placed)
            if named:  # else the row's 地区 says it (checked as any region is)
                _set_region(table, rec, ws.title, "sheet")
            table.records.append(rec)
    if not table.records and not table.problems:
        raise InputError([file_problem(label, Expect(
            "at least one filled 数值 cell in a region sheet; the workbook has none",
            "地区工作表中应至少填写一个「数值」；这个工作簿一个也没有"), field="数值")])
    return table


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ----------------------------------------------------------------------------- cells

_PLAIN_NUMBER = Expect("a plain number such as 1953, 1,953 or 2.7 (no 约/左右/—/%; put qualifiers in the "
                       "caveat column and the unit in the unit column)",
                       "应为一个数字，如 1953、1,953 或 2.7（不写“约”“左右”“—”“%”；说明写在「备注」列，"
                       "单位写在「单位」列）")
_WHOLE_YEAR = Expect("a whole year such as 2023", "应为四位数的年份，如 2023")


def parse_plain_number(raw: object) -> tuple[Decimal | None, Expect | None]:
    """A spreadsheet cell that must hold one exact number: (number, None) or (None, what was
    expected). Full-width digits and 1,953 are fine; 约3.5, 3.5% or ranges are not (the plan
    text's qualified numbers are read by :func:`qzlib.numbers.parse_number` instead).

    >>> parse_plain_number("１２３")[0], parse_plain_number("1,953")[0], parse_plain_number("约3.5")[0]
    (Decimal('123'), Decimal('1953'), None)
    """
    expected = _PLAIN_NUMBER
    if isinstance(raw, bool):
        return None, expected
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, expected
        return Decimal(repr(raw)).normalize() if isinstance(raw, float) else Decimal(raw), None
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace("\u2212", "-")
    if not _NUMBER.match(text):
        return None, expected
    try:
        return Decimal(text.replace(",", "")), None
    except InvalidOperation:  # pragma: no cover - the pattern rules it out
        return None, expected


def parse_year(raw: object) -> tuple[int | None, Expect | None]:
    expected = _WHOLE_YEAR
    if isinstance(raw, bool):
        return None, expected
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float):
        return (int(raw), None) if raw.is_integer() else (None, expected)
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("年")
    if re.fullmatch(r"\d{4}(\.0+)?", text):
        return int(float(text)), None
    return None, expected


def parse_vintage(raw: object) -> tuple[str, Expect | None]:
    """Publication date as ISO text ('2024', '2024-03', '2024-03-04'), '' when not given."""
    if _blank(raw):
        return "", None
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, dt.date):
        return raw.isoformat(), None
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        raw = str(int(raw))
    m = _VINTAGE.match(unicodedata.normalize("NFKC", str(raw)).strip())
    if not m:
        return "", Expect("a publication date: 2024, 2024-03 or 2024-03-04",
                          "应为发布日期，如 2024、2024-03 或 2024-03-04")
    y, mo, d = m.groups()
    parts = [y] + [f"{int(p):02d}" for p in (mo, d) if p]
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return "", Expect("a real calendar date such as 2024-03-04", "应为真实存在的日期，如 2024-03-04")
    return "-".join(parts), None


def vintage_from_title(title: str) -> str:
    """The publication date a source title states, e.g. '（衢州日报，2025-12-21）'."""
    m = _TITLE_DATE.search(title or "")
    return "-".join(p for p in m.groups() if p) if m else ""


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def classify_source(url: str, title: str) -> str:
    """Kind of a shipped row's source: yearbook tables, official government sites, the rest.

    >>> classify_source("repo:huhuaping/techme:data/RDIntense.rda@9ad6", "中国科技统计年鉴")
    'yearbook'
    >>> classify_source("http://zjzd.stats.gov.cn/x.html", "公报"), classify_source("https://a.com", "")
    ('official', 'unofficial')
    """
    if url.startswith("repo:"):
        return "yearbook"
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0].split(":")[0]
    if host.endswith(".gov.cn"):
        return "official"
    return "unofficial"


# ----------------------------------------------------------------------------- checks

def read_observations(path: str | Path, *, label: str | None = None, file: str | None = None,
                      source_kind: str | None = None, fill_origin: bool = False) -> pd.DataFrame:
    """Checked, unit-normalised observations of one file (columns of schema.OBS_COLUMNS).

    ``label`` names the file in messages, ``file`` in the ``file`` column. A row's kind of
    source is the type its 来源类型 column declares; a row that declares none gets
    ``source_kind`` (imports: 'researcher'), or when that is None its kind is classified
    from the source's address (see :func:`classify_source`). ``fill_origin`` records
    "file row N" in a blank ``origin`` of a CSV row (workbook rows always get theirs).
    """
    table = read_table(path, label)
    return observations_from_table(table, file=file or Path(path).name, source_kind=source_kind,
                                   fill_origin=fill_origin)


_FORMULA = Expect("a value: the cell holds a formula whose result was never saved "
                  "(open the file in Excel/WPS and save it, or paste values only)",
                  "应为数值：这个单元格是公式，文件里没有保存计算结果（请在 Excel/WPS 中打开后保存，"
                  "或“选择性粘贴→数值”）")
_NO_VALUE = Expect("a number (the row has no value)", "应填一个数字（这一行没有数值）")
_SOURCE_TYPE = Expect("a source type: 官方发布 (official release), 非官方转载 (unofficial copy) or 测试 (test)",
                      "应为来源类型：官方发布、非官方转载 或 测试（从下拉列表选择）")


def observations_from_table(table: Table, *, file: str, source_kind: str | None = None,
                            fill_origin: bool = False) -> pd.DataFrame:
    problems: list[tuple[int, int, Problem]] = [(-1, k, p) for k, p in enumerate(table.problems)]
    order = list(schema.INPUT_COLUMNS)

    def add(i: int, rec: Record, col: str, value: object, expected: Expect) -> None:
        problems.append((i, order.index(col), cell_problem(table.label, rec, col, value, expected)))

    parsed = []
    for i, rec in enumerate(table.records):
        f = rec.fields
        for col in sorted(rec.uncached, key=order.index):
            add(i, rec, col, "=formula", _FORMULA)
        number, year, vintage = None, None, ""
        if "value" not in rec.uncached:
            if _blank(f.get("value")):
                add(i, rec, "value", "", _NO_VALUE)
            else:
                number, err = parse_plain_number(f["value"])
                if err:
                    add(i, rec, "value", f["value"], err)
        if "year" not in rec.uncached:
            year, err = parse_year(f.get("year"))
            if err:
                add(i, rec, "year", f.get("year"), err)
        vintage, err = parse_vintage(f.get("vintage"))
        if err:
            add(i, rec, "vintage", f.get("vintage"), err)
        declared, ok = sources.declared_kind(f.get("source_type"))
        if not ok:
            add(i, rec, "source_type", _text(f.get("source_type")), _SOURCE_TYPE)
        parsed.append({
            "region": _text(f.get("region")),
            "indicator": _text(f.get("indicator")) or _text(f.get("indicator_name_zh")),
            "indicator_name_zh": _text(f.get("indicator_name_zh")),
            "year": year,
            "value": float(number) if number is not None else None,
            "number": number,
            "unit": mapping.clean_unit(f.get("unit")),
            "source": _text(f.get("source")),
            "url": _text(f.get("url")),
            "quote": _text(f.get("quote")),
            "vintage": vintage,
            "caveat": _text(f.get("caveat")),
            "origin": _text(f.get("origin")),
            "source_type": declared or "",
        })
    frame = pd.DataFrame(parsed, columns=list(parsed[0]) if parsed else None)
    if len(frame):
        frame["year"] = frame["year"].astype("Int64")
        frame["value"] = frame["value"].astype(float)
        problems += [(i, order.index(col), cell_problem(table.label, table.records[i], col, val, exp))
                     for i, col, val, exp in _schema_problems(frame)]
        problems += _name_mismatches(frame, table)
        problems += _duplicates(frame, table)
    if problems:
        problems.sort(key=lambda t: (t[0], t[1]))
        raise InputError([p for _, _, p in problems])
    return _normalise(frame, table, file, source_kind, fill_origin)


def _label(code: str) -> str:
    """'per_mu_tax（规上工业亩均税收）': a code with the plan's wording where it has one."""
    s = mapping.resolve(code)
    name = mapping.plan_names().get(s.code, s.name_zh) if s is not None else ""
    return f"{code}（{name}）" if name else code


def _ceiling_expected(indicator: str) -> Expect:
    kind = mapping.resolve(indicator).kind
    ceiling = catalogue.CEILINGS[kind]
    if kind in catalogue.NON_NEGATIVE_KINDS:
        return Expect(f"a {kind} between 0 and {ceiling:g} (%) for {indicator}",
                      f"{_label(indicator)}是比重，应在 0—{ceiling:g} 之间")
    return Expect(f"a {kind} of at most {ceiling:g} (%) for {indicator}",
                  f"{_label(indicator)}是降幅，应不超过 {ceiling:g}（上升时填负数）")


def _unit_expected(indicator: str) -> Expect:
    units = mapping.accepted_units(mapping.resolve(indicator))
    return Expect(f"a unit for {indicator}: " + " or ".join(units), f"{_label(indicator)}的单位应为：" + "、".join(units))


_EXPECTED = {
    "known_region": lambda r: Expect("a known region (" + "、".join(mapping.regions()) + ")",
                                     "应为已知的地区名（" + "、".join(mapping.regions()) + "）"),
    "known_indicator": lambda r: Expect("a known indicator code such as rd_intensity, or a plan indicator's "
                                        "exact name (listed in the template's 填写说明 sheet; reference codes in "
                                        "stats_mapping.yml)",
                                        "应为已知的指标代码（如 rd_intensity），或方案指标的完整名称"
                                        "（见模板的“填写说明”工作表）"),
    "year_range": lambda r: Expect(schema.year_rule_en(), "应符合规则：" + schema.year_rule_zh()),
    "known_unit": lambda r: Expect("a unit such as " + "、".join(mapping.units()),
                                   "应为已知的单位，如 " + "、".join(mapping.units())),
    "source_given": lambda r: Expect("the publication or table the figure comes from",
                                     f"应写明数据出自的出版物或报表（如《{plan.short_name(plan.active().region)}统计年鉴2024》表12-3）"),
    "unit_matches_indicator": lambda r: _unit_expected(r["indicator"]),
    "at_most_ceiling": lambda r: _ceiling_expected(r["indicator"]),
    "not_negative": lambda r: Expect(f"zero or more for {r['indicator']} (a {mapping.resolve(r['indicator']).kind})",
                                     f"{_label(r['indicator'])}不能为负数"),
    "url_or_quote": lambda r: Expect("a quote (the phrase or table cell the figure was read from) or a URL",
                                     "「原文摘录」或「网址」至少填一项（摘录写出数字所在的原句或表格位置）"),
}


def _schema_problems(frame: pd.DataFrame):
    """(record index, column, value, Expect) for every failed check, via pandera."""
    import pandera.errors

    try:
        schema.input_schema().validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    out = []
    seen = set()
    for case in cases.itertuples(index=False):
        check = str(case.check)
        name = check if check in _EXPECTED else next((k for k in _EXPECTED if k in check), None)
        if name is None or pd.isna(case.index):
            raise RuntimeError(f"unexpected schema failure: {case}")  # a bug, not bad input
        i = int(case.index)
        col = schema.WIDE_CHECKS.get(name, case.column)
        if (i, name) in seen:
            continue
        seen.add((i, name))
        row = frame.iloc[i]
        value = row[col]
        if col == "value":
            value = str(row["number"]) if row["number"] is not None else value
        value = None if pd.isna(value) else getattr(value, "item", lambda: value)()  # numpy -> python
        out.append((i, col, value, _EXPECTED[name](row)))
    return out


def _name_mismatches(frame: pd.DataFrame, table: Table):
    """Rows whose indicator code and Chinese name name two different series.

    A name that names no known series (a reference series' own wording, the template's
    占全省… for another region) is not compared: only a name that *is* another indicator's.
    """
    out = []
    order = list(schema.INPUT_COLUMNS)
    for i, r in frame.iterrows():
        code, name = r["indicator"], r["indicator_name_zh"]
        if not name or code == name:
            continue
        by_code, by_name = mapping.resolve(code), mapping.resolve(name)
        if by_code is None or by_name is None or by_code.code == by_name.code:
            continue
        rec = table.records[i]
        letter, header = rec.columns.get("indicator_name_zh", (None, schema.HEADER_ZH["indicator_name_zh"]))
        name_place = f"{letter}列「{header}」" if letter else f"「{header}」"
        out.append((i, order.index("indicator"), cell_problem(table.label, rec, "indicator", code, Expect(
            f"an indicator code and name that agree: code {code} is {mapping.plan_names().get(by_code.code, by_code.code)}"
            f" ({by_code.code}), but the name {name} is {by_name.code}; correct one of them",
            f"应与{name_place}一致：代码 {_label(code)}，名称「{name}」却是 {by_name.code} 的名称；请改正其中一个"))))
    return out


def _duplicates(frame: pd.DataFrame, table: Table):
    key = frame.assign(series=frame["indicator"].map(lambda c: getattr(mapping.resolve(c), "code", c)))
    cols = ["region", "series", "year", "source"]
    dup = key.duplicated(cols, keep="first")
    out = []
    order = list(schema.INPUT_COLUMNS)
    for i in dup[dup].index:
        first = key[(key[cols] == key.loc[i, cols]).all(axis=1)].index[0]
        rec, other = table.records[i], table.records[first]
        out.append((i, order.index("indicator"), cell_problem(table.label, rec, "indicator", frame.loc[i, "indicator"],
            Expect(f"one row per region, indicator, year and source: this repeats {other.where} "
                   "(delete one, or give each its own source)",
                   f"与第{other.row}行重复：同一地区、指标、年份、来源只能出现一次（删去一行，或写明各自的来源）"))))
    return out


def _normalise(frame: pd.DataFrame, table: Table, file: str, source_kind: str | None,
               fill_origin: bool = False) -> pd.DataFrame:
    rows = []
    for i, r in frame.iterrows():
        s = mapping.resolve(r["indicator"])
        canon, factor = mapping.units()[r["unit"]]
        rec = table.records[i]
        place = f"{Path(table.label).name} {rec.where}" if rec.sheet is not None or fill_origin else ""
        rows.append({
            "region": r["region"],
            "indicator": s.code,
            "indicator_name_zh": r["indicator_name_zh"] or s.name_zh,
            "year": int(r["year"]),
            "value": float(r["number"] * factor),
            "unit": canon,
            "source": r["source"],
            "url": r["url"],
            "quote": r["quote"],
            "vintage": r["vintage"] or vintage_from_title(r["source"]),
            "caveat": r["caveat"],
            "source_kind": r["source_type"] or source_kind or classify_source(r["url"], r["source"]),
            "plan_code": s.plan_code,
            "comparability": s.comparability,
            "comparability_note": s.note,
            "selected": False,
            "file": file,
            "row": rec.row,
            "value_published": plain_number(r["number"]),
            "unit_published": r["unit"],
            "source_code": r["indicator"],
            "origin": r["origin"] or place,
        })
    return pd.DataFrame(rows, columns=schema.OBS_COLUMNS)


def plain_number(number: Decimal) -> str:
    """Decimal as written, without exponent ('2125.20' stays, '1.2E+2' becomes '120')."""
    return format(number, "f")

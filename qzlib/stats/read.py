"""Read a statistics file (CSV or Excel) into checked, unit-normalised observations.

Every problem in the file is collected and raised at once as one ``InputError``; each
names the file, the place as a person counts it (CSV: header = row 1; Excel: sheet and
row), the column, the value found and what was expected.
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

import pandas as pd
import pandera.errors

from qzlib import catalogue
from qzlib.errors import InputError, Problem
from qzlib.stats import mapping, schema

INSTRUCTION_SHEET = "填写说明"
LIST_SHEET = "选项"
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_VINTAGE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?$")
_TITLE_DATE = re.compile(r"(20\d{2}|19\d{2})-(\d{2})(?:-(\d{2}))?")


@dataclass
class Record:
    """One data row as read, before any interpretation."""

    where: str
    row: int
    fields: dict[str, object]
    sheet: str | None = None
    uncached: set[str] = field(default_factory=set)  # fields holding a formula with no cached value


@dataclass
class Table:
    label: str
    records: list[Record]
    encoding: str = ""
    problems: list[Problem] = field(default_factory=list)


# ----------------------------------------------------------------------------- files

def read_table(path: str | Path, label: str | None = None, required=schema.REQUIRED,
               allow_empty: bool = False) -> Table:
    """Records of a CSV or .xlsx file; header and file-level problems are collected."""
    path = Path(path)
    label = label or str(path)
    if not path.is_file():
        raise InputError.one(file=label, expected="an existing CSV or .xlsx file")
    data = path.read_bytes()
    if not data.strip():
        raise InputError.one(file=label, expected="a header row and at least one data row; the file is empty")
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, label)
    if suffix == ".xls" or data[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
        raise InputError.one(file=label, expected="an .xlsx workbook or a CSV; this is an old binary "
                             ".xls file: open it and save as .xlsx")
    return _read_csv(data, label, required, allow_empty)


def _decode(data: bytes, label: str) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        raise InputError.one(file=label, value=data[:8].hex(" "),
                             expected="a spreadsheet: a CSV text file or an .xlsx workbook (this file is "
                             "binary data of another kind)")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as err:
        first = err
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: first.start].count(b"\n") + 1
        raise InputError.one(file=label, where=f"line {line}, byte {first.start}",
                             value=data[first.start:first.start + 4].hex(" "),
                             expected="text encoded as UTF-8 (with or without BOM) or GBK/GB18030; "
                             "save the file as 'CSV UTF-8'") from None
    return text, "GBK/GB18030"


def _read_csv(data: bytes, label: str, required=schema.REQUIRED, allow_empty: bool = False) -> Table:
    text, encoding = _decode(data, label)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    table = Table(label, [], encoding)
    if not rows:
        raise InputError.one(file=label, expected="a header row and at least one data row; the file is empty")
    columns, problems = _header(rows[0], label, "row 1", required=required)
    if problems:
        raise InputError(problems)
    n = len(rows[0])
    for i, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != n:
            table.problems.append(Problem(file=label, where=f"row {i}", value=f"{len(cells)} fields",
                                          expected=f"{n} comma-separated fields like the header "
                                          "(quote text that contains commas)"))
            continue
        fields = {col: cells[j] for j, col in columns.items()}
        table.records.append(Record(f"row {i}", i, fields))
    if not table.records and not table.problems and not allow_empty:
        raise InputError.one(file=label, where="row 2", expected="at least one data row below the header")
    return table


def _header(cells: list, label: str, where: str, required) -> tuple[dict[int, str], list[Problem]]:
    lookup = schema.header_lookup()
    columns: dict[int, str] = {}
    problems = []
    for j, cell in enumerate(cells):
        key = schema.fold(cell)
        if not key:
            continue
        col = lookup.get(key)
        if col is None:
            problems.append(Problem(file=label, where=f"{where}, column {j + 1}", field="header", value=cell,
                                    expected="a known column: " + ", ".join(schema.INPUT_COLUMNS)))
        elif col in columns.values():
            problems.append(Problem(file=label, where=f"{where}, column {j + 1}", field="header", value=cell,
                                    expected=f"each column once ('{col}' appears twice)"))
        else:
            columns[j] = col
    missing = [c for c in required if c not in columns.values()]
    if not columns:
        problems = []  # no header at all: one message, not one per cell
    if missing:
        found = ", ".join(str(c) for c in cells if str(c or "").strip()) or "(nothing)"
        problems.append(Problem(file=label, where=where, field="header", value=found,
                                expected="a header row naming the columns " + ", ".join(required)
                                + f" (missing: {', '.join(missing)})"))
    return columns, problems


def _read_xlsx(path: Path, label: str) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with open(path, "rb") as fh:  # a file object: openpyxl then ignores the extension
            values = load_workbook(fh, data_only=True)
        with open(path, "rb") as fh:
            formulas = load_workbook(fh, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise InputError.one(file=label, value=type(err).__name__,
                             expected="an .xlsx workbook that Excel or WPS can open") from None
    table = Table(label, [], "xlsx")
    known = set(mapping.regions())
    data_sheets = [ws for ws in values.worksheets if ws.title not in {INSTRUCTION_SHEET, LIST_SHEET}]
    if not data_sheets:
        raise InputError.one(file=label, expected="at least one sheet named after a region (e.g. 衢州市)")
    for ws in data_sheets:
        if ws.title not in known:
            table.problems.append(Problem(file=label, where=f"sheet {ws.title}", field="sheet name",
                                          value=ws.title, expected="a region name as the sheet name ("
                                          + ", ".join(mapping.regions()) + f") or {INSTRUCTION_SHEET}"))
            continue
        header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1), [])]
        required = tuple(c for c in schema.REQUIRED if c != "region")
        columns, problems = _header(header, label, f"sheet {ws.title} row 1", required)
        if "region" in columns.values():
            problems.append(Problem(file=label, where=f"sheet {ws.title} row 1", field="header", value="region",
                                    expected="no region column in a workbook: the sheet name is the region"))
        if problems:
            table.problems.extend(problems)
            continue
        fws = formulas[ws.title]
        for r, cells in enumerate(ws.iter_rows(min_row=2), start=2):
            fields = {col: cells[j].value if j < len(cells) else None for j, col in columns.items()}
            uncached = {col for j, col in columns.items()
                        if j < len(cells) and cells[j].value is None
                        and fws.cell(row=r, column=j + 1).data_type == "f"}
            if _blank(fields.get("value")) and "value" not in uncached:
                continue  # an unfilled template row
            fields["region"] = ws.title
            table.records.append(Record(f"sheet {ws.title} row {r}", r, fields, ws.title, uncached))
    if not table.records and not table.problems:
        raise InputError.one(file=label, field="数值",
                             expected="at least one filled 数值 cell in a region sheet; the workbook has none")
    return table


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ----------------------------------------------------------------------------- cells

def parse_number(raw: object) -> tuple[Decimal | None, str | None]:
    """(number, None) or (None, what was expected). Full-width digits and 1,953 are fine.

    >>> parse_number("１２３")[0], parse_number("1,953")[0], parse_number("约3.5")[0]
    (Decimal('123'), Decimal('1953'), None)
    """
    expected = ("a plain number such as 1953, 1,953 or 2.7 (no 约/左右/—/%; put qualifiers in the "
                "caveat column and the unit in the unit column)")
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


def parse_year(raw: object) -> tuple[int | None, str | None]:
    expected = "a whole year such as 2023"
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


def parse_vintage(raw: object) -> tuple[str, str | None]:
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
        return "", "a publication date: 2024, 2024-03 or 2024-03-04"
    y, mo, d = m.groups()
    parts = [y] + [f"{int(p):02d}" for p in (mo, d) if p]
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return "", "a real calendar date such as 2024-03-04"
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
                      source_kind: str | None = None) -> pd.DataFrame:
    """Checked, unit-normalised observations of one file (columns of schema.OBS_COLUMNS).

    ``label`` names the file in messages, ``file`` in the ``file`` column; ``source_kind``
    fixes the kind of every row (imports are 'researcher'); otherwise it is classified
    from the source's address (see :func:`classify_source`).
    """
    table = read_table(path, label)
    return observations_from_table(table, file=file or Path(path).name, source_kind=source_kind)


def observations_from_table(table: Table, *, file: str, source_kind: str | None = None) -> pd.DataFrame:
    problems: list[tuple[int, int, Problem]] = [(-1, k, p) for k, p in enumerate(table.problems)]
    order = list(schema.INPUT_COLUMNS)

    def add(i: int, rec: Record, col: str, value: object, expected: str) -> None:
        problems.append((i, order.index(col),
                         Problem(file=table.label, where=rec.where, field=col, value=value, expected=expected)))

    parsed = []
    for i, rec in enumerate(table.records):
        f = rec.fields
        for col in sorted(rec.uncached, key=order.index):
            add(i, rec, col, "=formula", "a value: the cell holds a formula whose result was never saved "
                "(open the file in Excel/WPS and save it, or paste values only)")
        number, year, vintage = None, None, ""
        if "value" not in rec.uncached:
            if _blank(f.get("value")):
                add(i, rec, "value", "", "a number (the row has no value)")
            else:
                number, err = parse_number(f["value"])
                if err:
                    add(i, rec, "value", f["value"], err)
        if "year" not in rec.uncached:
            year, err = parse_year(f.get("year"))
            if err:
                add(i, rec, "year", f.get("year"), err)
        vintage, err = parse_vintage(f.get("vintage"))
        if err:
            add(i, rec, "vintage", f.get("vintage"), err)
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
        })
    frame = pd.DataFrame(parsed, columns=list(parsed[0]) if parsed else None)
    if len(frame):
        frame["year"] = frame["year"].astype("Int64")
        frame["value"] = frame["value"].astype(float)
        problems += [(i, order.index(col), Problem(file=table.label, where=table.records[i].where,
                                                   field=col, value=val, expected=exp))
                     for i, col, val, exp in _schema_problems(frame)]
        problems += _duplicates(frame, table)
    if problems:
        problems.sort(key=lambda t: (t[0], t[1]))
        raise InputError([p for _, _, p in problems])
    return _normalise(frame, table, file, source_kind)


def _ceiling_expected(indicator: str) -> str:
    kind = mapping.resolve(indicator).kind
    ceiling = catalogue.CEILINGS[kind]
    if kind in catalogue.NON_NEGATIVE_KINDS:
        return f"a {kind} between 0 and {ceiling:g} (%) for {indicator}"
    return f"a {kind} of at most {ceiling:g} (%) for {indicator}"


_EXPECTED = {
    "known_region": lambda r: "a known region (" + "、".join(mapping.regions()) + ")",
    "known_indicator": lambda r: "a known indicator code such as rd_intensity, or a plan indicator's exact "
                                 "name (listed in the template's 填写说明 sheet; reference codes in "
                                 "stats_mapping.yml)",
    "year_range": lambda r: f"a year from {schema.FIRST_YEAR} to {schema.last_year()} "
                            "(a figure cannot describe a year that has not begun)",
    "known_unit": lambda r: "a unit such as " + "、".join(mapping.units()),
    "source_given": lambda r: "the publication or table the figure comes from",
    "unit_matches_indicator": lambda r: (f"a unit for {r['indicator']}: "
                                         + " or ".join(mapping.accepted_units(mapping.resolve(r['indicator'])))),
    "at_most_ceiling": lambda r: _ceiling_expected(r["indicator"]),
    "not_negative": lambda r: f"zero or more for {r['indicator']} (a {mapping.resolve(r['indicator']).kind})",
    "url_or_quote": lambda r: "a quote (the phrase or table cell the figure was read from) or a URL",
}


def _schema_problems(frame: pd.DataFrame):
    """(record index, column, value, expected) for every failed check, via pandera."""
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


def _duplicates(frame: pd.DataFrame, table: Table):
    key = frame.assign(series=frame["indicator"].map(lambda c: getattr(mapping.resolve(c), "code", c)))
    cols = ["region", "series", "year", "source"]
    dup = key.duplicated(cols, keep="first")
    out = []
    order = list(schema.INPUT_COLUMNS)
    for i in dup[dup].index:
        first = key[(key[cols] == key.loc[i, cols]).all(axis=1)].index[0]
        rec = table.records[i]
        out.append((i, order.index("indicator"), Problem(
            file=table.label, where=rec.where, field="indicator", value=frame.loc[i, "indicator"],
            expected=f"one row per region, indicator, year and source: this repeats "
                     f"{table.records[first].where} (delete one, or give each its own source)")))
    return out


def _normalise(frame: pd.DataFrame, table: Table, file: str, source_kind: str | None) -> pd.DataFrame:
    rows = []
    for i, r in frame.iterrows():
        s = mapping.resolve(r["indicator"])
        canon, factor = mapping.units()[r["unit"]]
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
            "source_kind": source_kind or classify_source(r["url"], r["source"]),
            "plan_code": s.plan_code,
            "comparability": s.comparability,
            "comparability_note": s.note,
            "selected": False,
            "file": file,
            "row": table.records[i].row,
            "value_published": plain_number(r["number"]),
            "unit_published": r["unit"],
            "source_code": r["indicator"],
            "origin": r["origin"] or ("" if table.records[i].sheet is None else
                                      f"{Path(table.label).name} {table.records[i].where}"),
        })
    return pd.DataFrame(rows, columns=schema.OBS_COLUMNS)


def plain_number(number: Decimal) -> str:
    """Decimal as written, without exponent ('2125.20' stays, '1.2E+2' becomes '120')."""
    return format(number, "f")

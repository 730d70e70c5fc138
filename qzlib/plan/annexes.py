"""Turn the plan's three annex tables into tidy DataFrames.

Tables are found by what their header says, not by position: the indicator table has
year columns (2022年, 2025年, …) and an indicator-name column; the task table has
重点任务/具体内容; the measure table has 政策措施/主要内容. A first-column value given
once for several rows (an empty cell afterwards) is carried down.
"""
from __future__ import annotations

import re

import pandas as pd

from qzlib.catalogue import by_code, infer, match_code
from qzlib.errors import InputError, Problem
from qzlib.numbers import NumberError, parse_number
from qzlib.plan.document import SECTION_ROW, Annex, PlanDocument
from qzlib.plan.responsibility import split_owners
from qzlib.text import split_outside_brackets

NUMBER_COL = ("序号",)
OWNER_COLS = ("责任单位", "牵头单位", "责任部门", "牵头部门")
NAME_COLS = ("二级指标", "指标名称", "指标")
CATEGORY_COLS = ("一级指标", "类别", "指标类别")
TASK_HEADING_COLS = ("重点任务", "主要任务")
TASK_CONTENT_COLS = ("具体内容", "工作内容")
MEASURE_HEADING_COLS = ("政策措施", "措施")
MEASURE_CONTENT_COLS = ("主要内容", "具体内容")
YEAR_COL = re.compile(r"^(\d{4})年?(?:目标|基数|基期|值)?$")
_UNIT = re.compile(r"^(?P<name>.*?)[（(](?P<unit>[^（）()]*)[）)]\s*$")
_DECLINE = ("降幅", "下降", "降低")


def year_columns(annex: Annex) -> list[tuple[int, int]]:
    """(column index, year) for header cells such as 2022年."""
    return [(i, int(m.group(1))) for i, h in enumerate(annex.header) if (m := YEAR_COL.match(h))]


def find_table(doc: PlanDocument, kind: str) -> Annex:
    """The annex holding the ``kind`` table (indicators | tasks | measures)."""
    for annex in sorted(doc.annexes.values(), key=lambda a: a.number):
        if kind == "indicators" and len(year_columns(annex)) >= 2 and annex.column(*NAME_COLS) is not None:
            return annex
        if kind == "tasks" and annex.column(*TASK_HEADING_COLS) is not None \
                and annex.column(*TASK_CONTENT_COLS) is not None:
            return annex
        if kind == "measures" and annex.column(*MEASURE_HEADING_COLS) is not None \
                and annex.column(*MEASURE_CONTENT_COLS) is not None:
            return annex
    wanted = {"indicators": "序号/二级指标/<year>年…/责任单位 (the indicator table, 附件1 in the 415X plans)",
              "tasks": "序号/重点任务/具体内容/责任单位 (the task table, 附件2)",
              "measures": "序号/政策措施/主要内容/责任单位 (the measure table, 附件3)"}[kind]
    have = ", ".join(f"附件{a.number}: {'/'.join(a.header)}" for a in doc.annexes.values()) or "no annexes"
    raise InputError.one(file=doc.path, where="annexes", field="table header", value=have,
                         expected=f"an annex whose header row has {wanted}")


def _need(doc: PlanDocument, annex: Annex, names: tuple[str, ...]) -> int:
    col = annex.column(*names)
    if col is None:
        raise InputError.one(file=doc.path, where=f"{annex.label} header (line {annex.header_line})",
                             field="columns", value="/".join(annex.header), expected=f"a column named {names[0]}")
    return col


def _carry(doc: PlanDocument, annex: Annex, values: list[tuple[str, int, str]], col: int) -> list[str]:
    """Fill empty cells with the value above (cells given once for several rows)."""
    out, last = [], None
    for text, line, number in values:
        if text:
            last = text
        elif last is None:
            raise InputError.one(file=doc.path, where=f"{annex.label} 序号 {number} (line {line})",
                                 field=annex.header[col], value="", expected="a value (nothing above to carry down)")
        out.append(last)
    return out


def split_name_unit(text: str) -> tuple[str, str]:
    """'规上工业亩均税收（万元/亩）' -> ('规上工业亩均税收', '万元/亩')."""
    m = _UNIT.match(text.strip())
    return (m.group("name").strip(), m.group("unit").strip()) if m else (text.strip(), "")


def indicators(doc: PlanDocument) -> tuple[pd.DataFrame, list[str]]:
    """附件1 as one row per indicator; returns the table and warnings."""
    annex = find_table(doc, "indicators")
    c_num = _need(doc, annex, NUMBER_COL)
    c_name = _need(doc, annex, NAME_COLS)
    c_owner = _need(doc, annex, OWNER_COLS)
    c_cat = annex.column(*CATEGORY_COLS)
    years = year_columns(annex)
    baseline = min(y for _, y in years)
    rows = [r for r in annex.rows if len(r.cells) == len(annex.header)]
    cats = _carry(doc, annex, [(r.cells[c_cat].text, r.cells[c_cat].line, r.cells[c_num].text) for r in rows], c_cat) \
        if c_cat is not None else [""] * len(rows)
    catalogue = by_code()
    warnings: list[str] = []
    problems: list[Problem] = []
    records, notes = [], []
    for r, cat in zip(rows, cats):
        number = int(r.cells[c_num].text)
        name, unit = split_name_unit(r.cells[c_name].text)
        code = match_code(name) or ""
        kind = catalogue[code].kind if code else ""
        name_en, kind_note = (catalogue[code].name_en, "") if code else ("", "")
        if not code:   # an indicator of this plan outside the catalogue: a stable code, an inferred kind
            code, kind, kind_note = infer(name, unit)
            name_en = f"Plan indicator {number} (outside the catalogue)"
            warnings.append(f"{annex.label} 序号 {number} (line {r.line}): indicator '{name}' is not in the "
                            f"catalogue (qzlib/resources/indicators.yml): code {code}, {kind_note}")
        direction = "decline_is_good" if any(w in name for w in _DECLINE) else "higher_is_better"
        owners, note = split_owners(r.cells[c_owner].text)
        if note and note not in notes:
            notes.append(note)
        rec = {"number": number, "category": cat, "name_zh": name, "unit": unit, "code": code,
               "name_en": name_en, "kind": kind, "kind_note": kind_note, "direction": direction,
               "owners": "、".join(owners), "baseline_year": baseline, "line": r.line}
        for col, year in years:
            cell = r.cells[col]
            text = cell.text
            if unit and unit != "%" and text.replace(" ", "").endswith(unit):
                text = text.replace(" ", "")[: -len(unit)]  # the column's unit repeated in the cell
            try:
                q = parse_number(text, unit_hint=unit)
            except NumberError:
                problems.append(Problem(file=doc.path, where=f"{annex.label} 序号 {number} (line {cell.line})",
                                        field=annex.header[col], value=cell.text,
                                        expected="a number (26.7, 3.2%, 1/3左右), '/' for missing, "
                                                 "or a phrase such as 完成省下达任务"))
                continue
            if q.is_number and q.unit != unit:
                problems.append(Problem(file=doc.path, where=f"{annex.label} 序号 {number} (line {cell.line})",
                                        field=annex.header[col], value=cell.text,
                                        expected=f"a value in the column's unit {unit!r}"))
                continue
            if year == baseline or not q.is_number:
                comparator = ""
            elif q.qualifier == "approx":
                comparator = "≈"
            else:
                # A target 'reached' means at least this much; a decline (降幅) is stated as a
                # positive size of fall, so more is better there too.
                comparator = q.comparator or "≥"
            rec.update({f"value_{year}": q.value, f"raw_{year}": cell.text,
                        f"qualifier_{year}": q.qualifier, f"comparator_{year}": comparator})
        records.append(rec)
    if problems:
        raise InputError(problems)
    df = pd.DataFrame(records)
    # A note such as "以下各项工作均需各县（市、区）政府落实，不再列出" speaks for every row.
    df.insert(df.columns.get_loc("owners") + 1, "note", "；".join(notes))
    return df, warnings


def _section_title(text: str) -> str:
    """'（一）实施空间腾换行动，优化产业发展空间。' -> '实施空间腾换行动，优化产业发展空间'."""
    return SECTION_ROW.sub("", text).strip().rstrip("。．.")


def _items(doc: PlanDocument, kind: str, heading_cols, content_cols) -> pd.DataFrame:
    annex = find_table(doc, kind)
    c_num = _need(doc, annex, NUMBER_COL)
    c_head = _need(doc, annex, heading_cols)
    c_body = annex.column(*[c for c in content_cols if c != annex.header[c_head]])
    c_owner = _need(doc, annex, OWNER_COLS)
    section = ""
    raw = []
    for r in annex.rows:
        if len(r.cells) == 1:
            section = r.cells[0].text
            continue
        raw.append((r, section))
    headings = _carry(doc, annex, [(r.cells[c_head].text, r.cells[c_head].line, r.cells[c_num].text)
                                   for r, _ in raw], c_head)
    records = []
    for (r, sec), heading in zip(raw, headings):
        owners, note = split_owners(r.cells[c_owner].text)
        records.append({"number": int(r.cells[c_num].text), "section": sec, "heading": heading,
                        "content": r.cells[c_body].text, "owners": "、".join(owners), "owner_note": note,
                        "line": r.line})
    return pd.DataFrame(records)


def tasks(doc: PlanDocument) -> pd.DataFrame:
    """附件2: number, action (e.g. 实施空间腾换行动), action_full, heading, content, owners, line."""
    df = _items(doc, "tasks", TASK_HEADING_COLS, TASK_CONTENT_COLS)
    # the action is the title's first clause; a ， inside （…） or “…” does not end it
    df.insert(1, "action", [(split_outside_brackets(_section_title(s), "，,。") or [""])[0] for s in df["section"]])
    df = df.rename(columns={"section": "action_full"})
    return df[["number", "action", "action_full", "heading", "content", "owners", "owner_note", "line"]]


def measures(doc: PlanDocument) -> pd.DataFrame:
    """附件3: number, group (e.g. 全力推动“五链”深度融合), group_full, heading, content, owners, line."""
    df = _items(doc, "measures", MEASURE_HEADING_COLS, MEASURE_CONTENT_COLS)
    df.insert(1, "group", [_section_title(s) for s in df["section"]])
    df = df.rename(columns={"section": "group_full"})
    return df[["number", "group", "group_full", "heading", "content", "owners", "owner_note", "line"]]

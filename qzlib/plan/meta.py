"""What a plan says about itself: its place, title, document number, issue date and period.

Every plan of the 415X family opens the same way: the issuing office, the document number
(衢政办发〔2023〕22号), the notice 「关于印发……实施方案（2023—2027年）的通知」, the
sentence 「现将《…》…印发给你们」, the office and the date. Everything plan-specific that
the brief, the coverage map and the template print (the region, the title, the years)
comes from here, not from code.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from qzlib.errors import InputError

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}〔\s*(\d{4})\s*〕\s*\d+\s*号")
ISSUED = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
QUOTED_TITLE = re.compile(r"《([^《》]*实施方案[^《》]*)》")
PERIOD = re.compile(r"[（(]\s*(\d{4})\s*[—–\-－~～至]+\s*(\d{4})\s*年?\s*[）)]")
REGION = re.compile(r"^(.{1,8}?(?:市|县|区|自治县))")
HEAD_LINES = 40   # the header sits in the first lines; the body's own dates come later
YEARS_AFTER_PLAN = 3   # briefs and scenarios look at a plan up to three years after its period ends


def horizon_end(period_end: int) -> int:
    """The last year a brief can be made for, and scenario paths run to, for a plan whose
    period ends in ``period_end``: YEARS_AFTER_PLAN years after it (the one rule).

    >>> horizon_end(2027)
    2030
    """
    return int(period_end) + YEARS_AFTER_PLAN


@dataclass(frozen=True)
class PlanMeta:
    region: str        # 衢州市, 龙游县, …: whose figures the plan's indicators are
    title: str         # the plan's full title, as quoted in the notice
    doc_number: str    # 衢政办发〔2023〕22号
    issued: str        # 2023年4月29日
    period_start: int  # 2023
    period_end: int    # 2027

    @property
    def horizon_end(self) -> int:
        """The last year of its briefs and scenario paths (:func:`horizon_end` of its period's end)."""
        return horizon_end(self.period_end)

    def as_dict(self) -> dict:
        return asdict(self)


def parse(text: str, file: str | Path | None = None) -> PlanMeta:
    """Read the header of a plan's text.

    >>> head = ("衢州市人民政府办公室文件\\n衢政办发〔2023〕22号\\n关于印发…的通知\\n"
    ...         "现将《衢州市全面推进“415X”先进制造业集群培育工程实施方案（2023—2027年）》印发给你们。\\n"
    ...         "衢州市人民政府办公室\\n2023年4月29日")
    >>> m = parse(head)
    >>> m.region, m.doc_number, m.issued, m.period_start, m.period_end
    ('衢州市', '衢政办发〔2023〕22号', '2023年4月29日', 2023, 2027)
    """
    lines = text.replace("\r\n", "\n").split("\n")
    head = "\n".join(lines[:HEAD_LINES])
    problems = []
    doc = DOC_NUMBER.search(head)
    title = QUOTED_TITLE.search(head)
    if title is None:   # no quoting notice: the title is the first line naming an 实施方案
        joined = "".join(line.strip() for line in lines[:HEAD_LINES])
        title = re.search(r"([\u4e00-\u9fff“”\"0-9A-Za-z]+实施方案[（(]\d{4}[—–\-－~～至]+\d{4}年?[）)])", joined)
    dates = list(ISSUED.finditer(head))
    if doc is None:
        problems.append(("document number", "a line such as 衢政办发〔2023〕22号 in the first lines"))
    if title is None:
        problems.append(("title", "the plan's title 《…实施方案（YYYY—YYYY年）》 in the first lines"))
    if not dates:
        problems.append(("issue date", "a date such as 2023年4月29日 in the first lines"))
    if problems:
        raise InputError([InputError.one(file=file, where=f"first {HEAD_LINES} lines", field=f, expected=e).problems[0]
                          for f, e in problems])
    t = re.sub(r"\s+", "", title.group(1))
    period = PERIOD.search(t)
    region = REGION.match(t)
    if period is None or region is None:
        raise InputError.one(file=file, where="title", field="period" if period is None else "region", value=t,
                             expected="a title that starts with the place (…市/县/区) and ends with its period "
                                      "（YYYY—YYYY年）")
    y, mth, d = dates[-1].groups()
    return PlanMeta(region=region.group(1), title=t, doc_number=re.sub(r"\s+", "", doc.group(0)),
                    issued=f"{int(y)}年{int(mth)}月{int(d)}日", period_start=int(period.group(1)),
                    period_end=int(period.group(2)))


def read(path: str | Path) -> PlanMeta:
    """The header of the plan file at ``path``."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), file=path)


def load(processed_dir: str | Path) -> PlanMeta:
    """The plan's header as `qz ingest` wrote it (``plan.csv``, one row), read with the csv
    module: ``qz brief`` checks the year against the plan's period before loading pandas."""
    import csv

    from qzlib.errors import InputError

    path = Path(processed_dir) / "plan.csv"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            row = next(csv.DictReader(fh))
        return PlanMeta(region=row["region"], title=row["title"], doc_number=row["doc_number"],
                        issued=row["issued"], period_start=int(row["period_start"]),
                        period_end=int(row["period_end"]))
    except FileNotFoundError:
        raise InputError.one(file=path, expected="the file written by `qz ingest` (run it first)") from None
    except (StopIteration, KeyError, ValueError, TypeError) as exc:
        raise InputError.one(file=path, field=str(exc).strip("'") if isinstance(exc, KeyError) else "",
                             expected="one row: region, title, doc_number, issued, period_start, period_end "
                                      "(years)") from None

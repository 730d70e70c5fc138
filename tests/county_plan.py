"""A generated plan for another county of the family (tests only; every number invented).

It is the shipped plan's text with another place (龙游县), another document number and
date, the period moved by one year (baseline 2023, targets 2026 and 2028), changed
numbers for one indicator and one more 附件1 row that is not in the catalogue. Nothing in
the suite may need a code change to read it.
"""
from __future__ import annotations

from qzlib import paths

PLACE, SHORT = "龙游县", "龙游"
DOC_NUMBER, ISSUED = "龙政办发〔2024〕5号", "2024年3月15日"
EXTRA_NAME = "规上工业新产品产值率"
EXTRA_ROW = f"\t17\n\t\n\t{EXTRA_NAME}（%）\n\t40\n\t45\n\t50左右\n\t县经信局\n\n"


def text() -> str:
    t = paths.PLAN_FILE.read_text(encoding="utf-8")
    t = t.replace("衢政办发〔2023〕22号", DOC_NUMBER).replace("2023年4月29日", ISSUED)
    t = t.replace("衢州市", PLACE).replace("衢州", SHORT)
    t = t.replace("（2023—2027年）", "（2024—2028年）")
    t = t.replace("\t2022年\n\t2025年\n\t2027年", "\t2023年\n\t2026年\n\t2028年")   # 附件1's year columns
    for old, new in (("到2027年", "到2028年"), ("到2025年", "到2026年"), ("2027年底前", "2028年底前")):
        t = t.replace(old, new)
    t = t.replace("\t规上工业亩均税收（万元/亩）\n\t17.6\n\t28\n\t32", "\t规上工业亩均税收（万元/亩）\n\t15.2\n\t24\n\t30")
    return t.replace("\n\n附件2\n", "\n" + EXTRA_ROW + "\n附件2\n")


def write(folder) -> "Path":  # noqa: F821 - a pathlib.Path
    """Write the county's plan as ``folder/plan/longyou-415x-plan-2024.txt`` and return its path."""
    from pathlib import Path

    path = Path(folder) / "plan" / "longyou-415x-plan-2024.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text(), encoding="utf-8")
    return path

"""A generated plan for another county of the family (tests only; every number invented).

It is the shipped plan's text with another place (龙游县), another document number and
date, the period moved by one year (baseline 2023, targets 2026 and 2028), changed
numbers for one indicator and one more 附件1 row that is not in the catalogue. Nothing in
the suite may need a code change to read it.

``period_start`` moves the whole plan further (its header, 附件1's year columns, the
body's 「到…年」 and its document's year): ``text(2028)`` is a 2028–2032 plan with baseline
2027 and targets 2030 and 2032.
"""
from __future__ import annotations

import re

from qzlib import paths

PLACE, SHORT = "龙游县", "龙游"
PERIOD_START = 2024   # the county's period: 2024–2028
DOC_NUMBER, ISSUED = "龙政办发〔2024〕5号", "2024年3月15日"
EXTRA_NAME = "规上工业新产品产值率"
EXTRA_ROW = f"\t17\n\t\n\t{EXTRA_NAME}（%）\n\t40\n\t45\n\t50左右\n\t县经信局\n\n"
SHIPPED_START = 2023  # the shipped plan's period: 2023–2027 (baseline 2022, targets 2025 and 2027)


def text(period_start: int = PERIOD_START) -> str:
    """The county's plan, its period starting in ``period_start`` (every year of the shipped
    plan's period, baseline and targets moved by the same number of years)."""
    t = paths.PLAN_FILE.read_text(encoding="utf-8")
    shift = period_start - SHIPPED_START
    doc, issued = (DOC_NUMBER, ISSUED) if period_start == PERIOD_START else \
        (DOC_NUMBER.replace("2024", str(period_start)), ISSUED.replace("2024", str(period_start)))
    t = t.replace("衢政办发〔2023〕22号", doc).replace("2023年4月29日", issued)
    t = t.replace("衢州市", PLACE).replace("衢州", SHORT)
    t = t.replace("（2023—2027年）", f"（{2023 + shift}—{2027 + shift}年）")
    t = t.replace("\t2022年\n\t2025年\n\t2027年", f"\t{2022 + shift}年\n\t{2025 + shift}年\n\t{2027 + shift}年")   # 附件1
    # 到2025年 / 到2027年 / 2027年底前, in one pass (a moved year is never moved twice)
    t = re.sub(r"(到)(2025|2027)(年)|(2027)(年底前)",
               lambda m: (f"到{int(m.group(2)) + shift}年" if m.group(2) else f"{int(m.group(4)) + shift}年底前"), t)
    t = t.replace("\t规上工业亩均税收（万元/亩）\n\t17.6\n\t28\n\t32", "\t规上工业亩均税收（万元/亩）\n\t15.2\n\t24\n\t30")
    return t.replace("\n\n附件2\n", "\n" + EXTRA_ROW + "\n附件2\n")


def write(folder, period_start: int = PERIOD_START) -> "Path":  # noqa: F821 - a pathlib.Path
    """Write the county's plan as ``folder/plan/longyou-415x-plan-<period_start>.txt`` and return its path."""
    from pathlib import Path

    path = Path(folder) / "plan" / f"longyou-415x-plan-{period_start}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text(period_start), encoding="utf-8")
    return path

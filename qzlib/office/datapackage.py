"""``datapackage.json``: a Frictionless (tabular) Data Package describing every CSV beside the brief.

Each table saved with ``ctx.save`` becomes a resource: its file, Chinese title, size and
SHA-256, and a Table Schema whose fields give the CSV header (``name``), the Chinese title,
the type, the unit and the decimals the brief prints. The package names the plan, the
brief's year and scenario, the sources with their licence note, and whether figures
marked 测试 (test) were used. The brief's kernel rewrites the file after every saved table,
so it is complete when the notebook ends; the workbook is built from it.

``frictionless validate datapackage.json`` accepts it (tests/test_office_brief.py).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from qzlib.atomic import atomic_file
from qzlib.hashing import file_sha256
from qzlib.i18n import file_name
from qzlib.office import csvfile
from qzlib.office.tables import MISSING, Table

FILE = "datapackage.json"
SHARE_UNIT = "比例"   # the unit of a fraction the brief prints as per cent


@dataclass(frozen=True)
class BriefInfo:
    """What the package says about the brief it comes with."""

    year: int
    scenario: str
    region: str = ""
    plan_title: str = ""
    doc_number: str = ""
    issued: str = ""
    period: str = ""
    warning: str = ""       # the brief's test-data warning ('' when no 测试 figure is used)

    @property
    def title(self) -> str:
        return f"{self.region}“415X”先进制造业集群培育工程监测简报 · {self.year}年"


def slug(text: str) -> str:
    """A package or resource name as the spec allows it (lower-case letters, digits, - . _).

    >>> slug("figures_衢州市"), slug("415X-brief-2025-plan_path"), slug("情景")
    ('figures', '415x-brief-2025-plan_path', 'table')
    """
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._") or "table"


def licence_note(info: BriefInfo) -> str:
    plan = f"《{info.plan_title}》（{info.doc_number}）" if info.plan_title else "规划文本"
    return (f"{plan}为发布机关公开发布的政府文件；统计数值摘自公开发布的统计公报、统计年鉴与新闻报道"
            "（多为转载），逐值的来源、原文摘录与提示见各表的来源等列和 provenance_files.csv。"
            "版权归原发布机关所有；本数据包不附加任何许可，引用时请注明原始来源。")


def field(col, table: Table) -> dict:
    f = {"name": col.header, "title": col.title, "type": col.type}
    if col.type == "number":
        f["decimals"] = col.digits
    if col.percent:
        f["unit"] = SHARE_UNIT
        f["description"] = "以小数表示的比例，简报印为百分数（0.104 即 10.4%）"
    elif col.unit:
        f["unit"] = col.unit
    elif table.unit_column and col.type in ("integer", "number") and col.header != table.unit_column:
        f["description"] = f"单位见“{table.unit_column}”列"
    return f


def resource(table: Table, folder: Path, taken: set[str]) -> dict:
    name = slug(table.name)
    while name in taken:
        name += "-2"
    taken.add(name)
    path = folder / table.file
    res = {"name": name, "path": table.file, "profile": "tabular-data-resource", "title": table.title,
           "format": "csv", "mediatype": "text/csv", "encoding": csvfile.ENCODING,
           "bytes": path.stat().st_size, "hash": f"sha256:{file_sha256(path)}",
           "schema": {"fields": [field(c, table) for c in table.columns], "missingValues": list(MISSING)}}
    if table.description:
        res["description"] = table.description
    if table.keep_names:
        res["description"] = (res.get("description", "") + " 列名为机器可读的固定名称，中文见各字段的 title。").strip()
    return res


def descriptor(info: BriefInfo, tables: list[Table], folder: str | Path) -> dict:
    folder = Path(folder)
    taken: set[str] = set()
    return {
        "profile": "tabular-data-package",
        "name": slug(f"415x-brief-{info.year}-{info.scenario}"),
        "title": f"{info.title} · 数据表",
        "description": ("简报中每张表格的数据，一表一个 CSV（UTF-8，带 BOM）。数值按简报所印的位数保存；"
                        "缺失值留空或记为“—”；以小数表示的比例见各字段说明。"),
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "keywords": ["415X", "先进制造业集群", info.region, str(info.year), info.scenario],
        "plan": {"region": info.region, "title": info.plan_title, "doc_number": info.doc_number,
                 "issued": info.issued, "period": info.period},
        "brief": {"year": info.year, "scenario": info.scenario},
        "test_figures": bool(info.warning),
        **({"warning": info.warning} if info.warning else {}),
        "license_note": licence_note(info),
        "sources": [{"title": f"《{info.plan_title}》（{info.doc_number}），{info.issued}"},
                    {"title": "统计数值：公开发布的统计公报、统计年鉴与新闻报道，逐值来源见各表"}],
        "resources": [resource(t, folder, taken) for t in tables],
    }


def write(info: BriefInfo, tables: list[Table], folder: str | Path) -> Path:
    """(Re)write ``<folder>/datapackage.json`` for ``tables`` (atomically)."""
    path = Path(folder) / file_name(FILE)   # brief.en.docx etc. in an English brief
    with atomic_file(path) as fh:
        json.dump(descriptor(info, tables, folder), fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return path


def read(folder: str | Path) -> dict | None:
    """The package beside a brief (None when its notebook saved no table)."""
    path = Path(folder) / file_name(FILE)   # brief.en.docx etc. in an English brief
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def info_of(package: dict) -> BriefInfo:
    """The :class:`BriefInfo` a package was written with."""
    plan = package.get("plan", {})
    return BriefInfo(year=int(package["brief"]["year"]), scenario=package["brief"]["scenario"],
                     region=plan.get("region", ""), plan_title=plan.get("title", ""),
                     doc_number=plan.get("doc_number", ""), issued=plan.get("issued", ""),
                     period=plan.get("period", ""), warning=package.get("warning", ""))


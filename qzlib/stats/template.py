"""The data-entry workbook researchers fill with the bureau's figures.

One sheet per region (default: the plan's region, the regions within it and those it lies
within), one row per indicator of the plan (its own codes, names, units) and year (``schema.template_years``: from
2015 to the plan's last year, never past the current year, the bound ``qz stats check``
applies) with its unit and region (the 地区 column, last, so that the sheet saved alone as
CSV keeps it) pre-filled, drop-downs for codes, units and the source type, number checks
on the value, and a sheet of instructions in Chinese. ``qz stats check`` reads it back —
or one sheet of it saved as CSV (UTF-8 or GBK) — with the same column names.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from qzlib import catalogue
from qzlib.atomic import atomic_file
from qzlib.stats import mapping, plan, schema
from qzlib.stats.read import INSTRUCTION_SHEET, LIST_SHEET
from qzlib.stats.sources import DECLARED_TYPES

WIDTHS = (26, 36, 7, 12, 9, 36, 30, 40, 12, 24, 12, 10)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
ENTRY_FILL = PatternFill("solid", fgColor="FFF2CC")

def _instructions_text() -> list[str]:
    first, last = schema.template_years()[0], schema.template_years()[-1]
    region = plan.active().region
    return [line.format(first=first, last=last, plan_end=schema.plan_period()[1], rule=schema.year_rule_zh(),
                        types="、".join(DECLARED_TYPES), region=region, short=plan.short_name(region))
            for line in INSTRUCTIONS]


INSTRUCTIONS = [
    "{region}“415X”方案指标统计数据填报表",
    "",
    "用途：把统计部门提供的年度数据录入本表，再用 `qz stats check 文件名` 检查、`qz stats import 文件名` 导入。",
    "",
    "填写规则：",
    "1. 每个工作表是一个地区，表名就是地区名（如“{region}”），请勿改名；不需要的地区表可以删除。"
    "每行最后的“地区”列已填好本表的地区，请勿修改。",
    "2. 每行是一个指标的一个年份。只填有数据的行的“数值”列，没有数据的行留空（留空的行不会导入）。",
    "3. “数值”只填数字，可带千分位（如 1,953）；不要写“约”“左右”“—”或“%”，这类说明写在“备注”列。",
    "4. “单位”已按指标填好，可从下拉列表改成同类单位（如 万元、亿元），系统会自动换算；不同类单位会被拒绝。",
    "5. “来源”必填：写明出版物或报表名称（如《{short}统计年鉴2024》表12-3）。“原文摘录”或“网址”至少填一项，"
    "摘录写出数字所在的原句或表格位置。",
    "6. “发布日期”写数据发布（或统计部门提供）的日期，格式 2024、2024-03 或 2024-03-04；同一数据有多个版本时，较新的版本优先。",
    "7. 不要用公式；如复制了公式，请“选择性粘贴→数值”，或在 Excel/WPS 中保存后再导入（否则读不到计算结果）。",
    "8. 年份：{rule}。本表列出 {first}—{last} 年（到方案期末 {plan_end} 年为止，但不超过当年）；"
    "需要补充其他年份时，复制一行到表尾并修改“年份”。同一地区、指标、年份、来源只能出现一次。",
    "9. 比重类指标在 0—100 之间；数量、总量类指标不能为负数。",
    "10. “来源类型”必选其一：{types}。官方发布 = 统计局、政府部门正式发布或提供的数据；非官方转载 = 新闻、网站等转载；"
    "测试 = 试填、演示用的数据（用了测试数据的简报会在封面和每页页脚注明）。不填的数据按“未声明”导入，不视为官方发布。",
    "11. 已导入过的数据（地区、指标、年份、数值、来源都相同）不会重复导入；要更正已导入的数值，改好后用 "
    "`qz stats import --revise 文件名` 导入，数据日志会记下旧值和新值。",
    "12. 也可以把一个工作表单独另存为 CSV（“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”均可）再检查、导入，"
    "地区取自“地区”列；没有“地区”列的 CSV 请加上这一列，或在命令后加 --region 地区名（如 --region {region}）。",
    "",
    "口径提示：只有定义相同的数据才能填入这些指标。例如全社会 R&D 经费占 GDP 比重不是“规上制造业研发费用占营业收入比重”；"
    "高技术制造业（国家统计局分类）不是高新技术产业（浙江省口径）；专利“拥有量”（存量）不是“授权量”（流量）；"
    "六大产业链“产值”不是“营业收入”。口径不同的数据请另行说明，不要填入本表。",
    "",
    "指标一览：",
]


def write_template(out: str | Path, regions: list[str] | None = None, the_plan: plan.Plan | None = None) -> Path:
    """Write the workbook for ``the_plan`` (default: the active plan: its indicators, its region's
    sheets, its years) to ``out`` (atomically) and return its path."""
    with plan.use(the_plan):
        return _write_template(out, regions)


def _write_template(out: str | Path, regions: list[str] | None) -> Path:
    regions = regions or mapping.template_regions()
    unknown = [r for r in regions if r not in mapping.regions()]
    if unknown:
        from qzlib.errors import InputError

        raise InputError.one(field="region", value=", ".join(unknown),
                             expected="known regions: " + "、".join(mapping.regions()))
    wb = Workbook()
    _instructions(wb.active)
    lists = wb.create_sheet(LIST_SHEET)
    codes = plan.active().codes()
    lists.append(["指标代码", "指标名称"])
    names = mapping.plan_names()
    for code in codes:
        lists.append([code, names[code]])
    lists.sheet_state = "hidden"
    for region in regions:
        _region_sheet(wb.create_sheet(region), codes, len(codes), region)
    path = Path(out)
    with atomic_file(path, "wb") as fh:
        wb.save(fh)
    return path


def _instructions(ws) -> None:
    ws.title = INSTRUCTION_SHEET
    for line in _instructions_text():
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["指标代码", "指标名称", "单位", "可用单位", "类型", "说明"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    kinds = {"share": "比重（0—100）", "level": "总量", "count": "数量", "ratio": "比率", "decline": "降幅"}
    known = catalogue.by_code()
    for ind in plan.active().indicators:
        s = mapping.resolve(ind.code)
        cumulative = ind.code in known and known[ind.code].cumulative
        note = "累计值" if cumulative else ("未列入指标目录（类别为推断）" if catalogue.is_generated(ind.code) else "")
        ws.append([ind.code, s.name_zh, s.unit, "、".join(mapping.accepted_units(s)), kinds.get(s.kind, s.kind), note])
    for col, width in zip("ABCDEF", (28, 40, 10, 22, 14, 10)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=1, max_row=len(INSTRUCTIONS)):
        row[0].alignment = Alignment(wrap_text=False)


def regional_name(name_zh: str, region: str) -> str:
    """The plan's wording for another region: 占全市生产总值 on a province's sheet reads 占全省….

    >>> regional_name("制造业增加值占全市生产总值比重", "浙江省"), regional_name("x占全市y", "全国")
    ('制造业增加值占全省生产总值比重', 'x占全国y')
    >>> regional_name("制造业增加值占全市生产总值比重", "常山县")
    '制造业增加值占全县生产总值比重'
    """
    whole = "全国" if region == "全国" else "全" + region[-1] if region[-1] in "省市县区" else "本地区"
    return name_zh.replace("全市", whole)


def _region_sheet(ws, codes: list[str], n_codes: int, region: str) -> None:
    ws.append(list(schema.WORKBOOK_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    code_dv = DataValidation(type="list", formula1=f"'{LIST_SHEET}'!$A$2:$A${n_codes + 1}", allow_blank=True,
                             showErrorMessage=True, errorTitle="指标代码", error="请从下拉列表选择方案指标代码")
    year_dv = DataValidation(type="whole", operator="between", formula1=str(schema.FIRST_YEAR),
                             formula2=str(schema.latest_year_begun()), allow_blank=True, showErrorMessage=True,
                             errorTitle="年份", error=schema.year_rule_zh())
    region_dv = DataValidation(type="list", formula1=f'"{region}"', allow_blank=True, showErrorMessage=True,
                               errorTitle="地区", error=f"本工作表的地区是“{region}”（另存为 CSV 时靠这一列保留地区）")
    kinds = ",".join(DECLARED_TYPES)
    type_dv = DataValidation(type="list", formula1=f'"{kinds}"', allow_blank=True, showErrorMessage=True,
                             errorTitle="来源类型", error="来源类型只能是：" + "、".join(DECLARED_TYPES),
                             promptTitle="来源类型", prompt="官方发布 / 非官方转载 / 测试", showInputMessage=True)
    value_dvs = {
        "share": DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                                allow_blank=True, showErrorMessage=True, errorTitle="数值", error="比重须在 0—100 之间，只填数字",
                                promptTitle="数值", prompt="只填数字；不写“约”“%”", showInputMessage=True),
        "nonneg": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                 allow_blank=True, showErrorMessage=True, errorTitle="数值", error="只填不小于 0 的数字",
                                 promptTitle="数值", prompt="只填数字；不写“约”“左右”", showInputMessage=True),
        "ceiling": DataValidation(type="decimal", operator="lessThanOrEqual", formula1="100",
                                  allow_blank=True, showErrorMessage=True, errorTitle="数值",
                                  error="降幅不超过 100，只填数字（上升时填负数）",
                                  promptTitle="数值", prompt="只填数字；降幅为正数，上升为负数", showInputMessage=True),
        "any": DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                              allow_blank=True, showErrorMessage=True, errorTitle="数值", error="只填数字",
                              promptTitle="数值", prompt="只填数字（降幅为正数）", showInputMessage=True),
    }
    unit_dvs: dict[str, DataValidation] = {}
    for dv in [code_dv, year_dv, type_dv, region_dv, *value_dvs.values()]:
        ws.add_data_validation(dv)
    row = 2
    for code in codes:
        s = mapping.resolve(code)
        units = mapping.accepted_units(s)
        name = regional_name(s.name_zh, region)
        # one drop-down per indicator, so its message names that indicator
        unit_dvs[code] = DataValidation(type="list", formula1=f'"{",".join(units)}"', allow_blank=False,
                                        showErrorMessage=True, errorTitle="单位",
                                        error=f"{name}（{code}）的单位只能是：{'、'.join(units)}")
        ws.add_data_validation(unit_dvs[code])
        first = row
        for year in schema.template_years():
            ws.append([code, name, year, None, s.unit, None, None, None, None, None, None, region])
            ws[f"D{row}"].fill = ENTRY_FILL
            row += 1
        lower, upper = catalogue.natural_bounds(s.kind)
        kind = ("share" if lower is not None else "ceiling") if upper is not None else (
            "nonneg" if lower is not None else "any")
        value_dvs[kind].add(f"D{first}:D{row - 1}")
        unit_dvs[code].add(f"E{first}:E{row - 1}")
    code_dv.add(f"A2:A{row - 1}")
    year_dv.add(f"C2:C{row - 1}")
    type_dv.add(f"K2:K{row - 1}")
    region_dv.add(f"L2:L{row - 1}")
    for col, width in zip("ABCDEFGHIJKL", WIDTHS):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:L{row - 1}"

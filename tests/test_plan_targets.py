"""The target register and the body-vs-annex audit, checked by hand against the document."""
import re

import pytest

from qzlib import paths
from qzlib.numbers import fold
from qzlib.plan.ingest import build
from qzlib.plan.targets import find_targets


@pytest.fixture(scope="module")
def result():
    return build(paths.PLAN_FILE)


def _one(reg, location, raw, subject=None):
    hit = reg[(reg.location == location) & (reg.raw == raw)]
    if subject is not None:
        hit = hit[hit.subject == subject]
    assert len(hit) == 1, (location, raw, hit)
    return hit.iloc[0]


# location, raw, subject, value, unit, comparator, period — read off the text by hand; values and
# units as the plan writes them, with the unit a subject implies (亩均 → /亩, 每万人口 → /万人)
BY_HAND = [
    ("正文 二（一）1", "1.5万亩以上", "低效工业用地改造开发", 1.5, "万亩", "≥", "plan_period"),
    ("正文 一（二）", "达到30%左右", "制造业增加值占全市生产总值比重", 30, "%", "≈", "by_2025"),
    ("正文 一（二）", "达到35万元/人以上", "规上制造业全员劳动生产率", 35, "万元/人", "≥", "by_2025"),
    ("正文 一（二）", "达到28万元", "规上工业亩均税收", 28, "万元/亩", "=", "by_2025"),
    ("正文 一（二）", "达到160万元", "亩均增加值", 160, "万元/亩", "=", "by_2025"),
    ("正文 一（二）", "达到6.5件", "每万人口高价值发明专利拥有量", 6.5, "件/万人", "=", "by_2025"),
    ("正文 一（二）", "达到3%", "规上制造业企业研发经费占营业收入比重", 3, "%", "=", "by_2025"),
    ("正文 一（二）", "突破5000亿元", "六大标志性产业链规上企业营业收入", 5000, "亿元", ">", "by_2027"),
    ("正文 一（二）", "“零突破”", "千亿元企业", 1, "家", "≥", "by_2027"),
    ("正文 一（二）", "2个", "千亿级先进制造业集群", 2, "个", "=", "by_2027"),
    ("正文 二（一）3", "突破1500亿元", "规上工业增加值", 1500, "亿元", ">", "by_2027"),
    ("正文 二（二）4", "30个以上", "10亿元以上项目", 30, "个", "≥", "per_year"),
    ("正文 二（二）5", "10%以上", "技改投资增长", 10, "%", "≥", "per_year"),
    ("正文 二（二）5", "30个", "省级节能降碳技术改造项目", 30, "个", "=", "plan_period"),
    ("正文 二（二）6", "达22%以上", "制造业投资占固定资产投资比例", 22, "%", "≥", "per_year"),
    ("正文 二（三）8", "40家", "专精特新“小巨人”企业", 40, "家", "=", "plan_period"),
    ("正文 二（四）13", "10家", "“品字标浙江制造”认证企业", 10, "家", "=", "per_year"),
    ("正文 二（六）20", "50项", "首台套装备", 50, "项", "=", "by_2027"),
    ("正文 三（三）", "50亿元", "绿色石化与新材料产业集群专项基金", 50, "亿元", "=", "plan_period"),
    # …融合发展试点，培育发展企业（平台）3家（个）以上: the bare 企业（平台） takes the clause before it
    ("正文 二（三）10", "3家（个）以上", "先进制造业与现代服务业融合发展试点企业（平台）", 3, "家", "≥", "plan_period"),
    ("附件2 第21行", "3家（个）以上", "先进制造业与现代服务业融合发展试点企业（平台）", 3, "家", "≥", "plan_period"),
    ("正文 三（五）", "不低于50%", "工业用地出让占比", 50, "%", "≥", "per_year"),
    ("附件1 第1行 2027年", "1/3左右", "制造业增加值占全市生产总值比重", 100 / 3, "%", "≈", "by_2027"),
    ("附件1 第6行 2025年", "28", "规上工业亩均税收", 28, "万元/亩", "≥", "by_2025"),
    ("附件1 第5行 2022年", "119", "规上工业亩均增加值", 119, "万元/亩", "=", "baseline_2022"),
    ("附件1 第4行 2022年", "32.17", "规上制造业全员劳动生产率", 32.17, "万元/人", "=", "baseline_2022"),
    ("附件1 第9行 2025年", "6.5", "每万人口高价值发明专利授权量", 6.5, "件/万人", "≥", "by_2025"),
    ("附件1 第15行 2022年", "3.2%", "规上工业单位增加值能耗降幅", 3.2, "%", "=", "baseline_2022"),
    ("附件2 第16行", "20家", "专精特新“小巨人”企业", 20, "家", "=", "plan_period"),
    ("附件2 第12行", "100个以上", "竣工投产制造业项目", 100, "个", "≥", "per_year"),
    ("附件3 第18行", "200人", "后备力量", 200, "人", "=", "plan_period"),
]


@pytest.mark.parametrize("location, raw, subject, value, unit, comparator, period", BY_HAND)
def test_register_rows_by_hand(result, location, raw, subject, value, unit, comparator, period):
    row = _one(result.targets, location, raw, subject)
    assert row["value"] == (pytest.approx(value) if "/" in raw else value)  # exact, but 1/3
    assert (row["unit"], row["comparator"], row["period"]) == (unit, comparator, period)
    assert raw.strip("“”达到突破不低于") .split("万")[0][:1] in row["sentence"]


def test_register_size_ids_owners_and_lines(result):
    reg = result.targets
    assert len(reg) == 208
    assert reg["target_id"].is_unique and reg["target_id"].iloc[0] == "T001"
    # every numeric 附件1 cell: 48 cells minus 2 '/' and 4 完成省下达任务
    assert (reg["source"] == "附件1").sum() == 42
    assert _one(reg, "附件2 第1行", "1.5万亩以上")["owners"] == "市资源规划局、市经信局"
    assert _one(reg, "附件2 第1行", "1.5万亩以上")["line"] == 281
    assert _one(reg, "正文 二（一）1", "1.5万亩以上")["owners"] == ""
    # a range gives both bounds
    land = reg[(reg.location == "正文 三（五）") & (reg.raw == "1000—5000亩")]
    assert sorted(zip(land.value, land.comparator)) == [(1000, "≥"), (5000, "≤")]


def test_register_values_are_the_numbers_the_plan_writes(result):
    """No value multiplied out: a number written once (1.5万亩, 32.17, 28万元) is that number,
    so the register carries no float noise (32.17 万元/人, not 321700.00000000006 元/人)."""
    reg = result.targets
    checked = 0
    for raw, value in zip(reg["raw"], reg["value"]):
        digits = re.findall(r"\d+(?:\.\d+)?", fold(raw))
        if len(digits) == 1 and "/" not in raw:
            assert value == float(digits[0]), (raw, value)
            checked += 1
    # 208 rows less the 4 bounds of 1000—5000亩 (body and 附件3), 1/3左右 and 35万元/人以上 (a slash),
    # 5 “零突破” and 10 全覆盖 (no digits)
    assert checked == 208 - 4 - 2 - 5 - 10
    assert not reg["unit"].isin(["元", "元/亩", "元/人"]).any()


def test_implied_units_are_written_out_and_units_match_annex_1(result):
    reg = result.targets
    body = reg[reg.location == "正文 一（二）"].set_index("raw")
    annex = reg[reg.location.str.startswith("附件1 ") & reg.period.eq("by_2025")].set_index("subject")
    assert body.loc["达到28万元", "unit"] == annex.loc["规上工业亩均税收", "unit"] == "万元/亩"
    assert body.loc["达到160万元", "unit"] == annex.loc["规上工业亩均增加值", "unit"] == "万元/亩"
    assert body.loc["达到6.5件", "unit"] == annex.loc["每万人口高价值发明专利授权量", "unit"] == "件/万人"
    # no subject keeps a verb fragment: T046 read 发展企业（平台） before
    assert not reg["subject"].str.startswith(("发展", "培育", "推进")).any()
    by_id = reg.set_index("target_id")
    assert by_id.loc["T046", ["subject", "value", "unit", "raw"]].tolist() == [
        "先进制造业与现代服务业融合发展试点企业（平台）", 3, "家", "3家（个）以上"]
    assert by_id.loc[["T003", "T004", "T008"], ["value", "unit"]].values.tolist() == [
        [28, "万元/亩"], [160, "万元/亩"], [6.5, "件/万人"]]


def test_names_dates_and_document_numbers_are_not_targets(result):
    reg = result.targets
    assert not (reg.location == "正文 开头").any()
    for raw in ("415X", "2.0版", "3030", "5G", "6X", "22号", "2023", "4号"):
        assert not reg["raw"].str.contains(raw, regex=False).any(), raw
    # money thresholds that only qualify what is counted are not registered on their own
    assert not ((reg.location == "正文 二（二）4") & (reg.raw == "10亿元以上")).any()
    assert not ((reg.location == "正文 一（二）") & (reg.raw == "500亿")).any()


def test_find_targets_chinese_numerals_and_full_width():
    found = find_targets("到2026年，培育形成两个千亿级产业集群，每年新增企业１.５万家以上。")
    assert [(f.value, f.unit, f.period, f.comparator) for f in found] == [
        (2, "个", "by_2026", "="), (1.5, "万家", "per_year", "≥")]
    assert found[0].subject == "千亿级产业集群"


def _finding(audit, kind, annex_location, needle):
    hit = audit[(audit.kind == kind) & (audit.annex_location == annex_location)
                & audit.detail.str.contains(needle, regex=False)]
    assert len(hit) >= 1, (kind, annex_location, needle)
    return hit.iloc[0]


def test_audit_finds_the_known_discrepancies(result):
    a = result.audit
    f = _finding(a, "number_differs", "附件2 第16行", "40家")
    assert "20家" in f["detail"] and f["body_location"] == "正文 二（三）8"
    _finding(a, "wording_differs", "附件1 第7行", "正文「经费」→附件「费用」")
    _finding(a, "wording_differs", "附件1 第9行", "正文「拥有」→附件「授权」")  # stock vs flow: a real difference
    _finding(a, "wording_differs", "附件2 第16行", "小巨人")
    ok = _finding(a, "cumulative_vs_rate", "附件1 第14行", "10/yr × 3 = 30")
    assert ok["status"] == "consistent" and "10/yr × 2 = 20" in ok["detail"]
    std = _finding(a, "cumulative_vs_rate", "附件1 第13行", "40项以上")
    assert std["status"] == "ambiguous" and "50" in std["detail"]
    assert set(a["kind"]) <= {"number_differs", "wording_differs", "unit_differs", "cumulative_vs_rate",
                              "approx_vs_exact", "same_document"}
    assert a["finding_id"].is_unique


def test_audit_raises_no_false_unit_differences_and_knows_one_document_cited_two_ways(result):
    a = result.audit
    # 28万元 / 160万元 under 亩均 are 万元/亩, 6.5件 under 每万人口 is 件/万人: what 附件1 says
    assert not (a.kind == "unit_differs").any()
    # 《浙江省“415X”先进制造业集群建设行动方案（2023—2027年）》 in 正文 二（一）1 is 浙政发〔2023〕4号 in 附件2 第2行
    assert not (a.annex_location.eq("附件2 第2行") & a.kind.eq("wording_differs")).any()
    doc = _finding(a, "same_document", "附件2 第2行", "浙政发〔2023〕4号")
    assert doc["status"] == "consistent" and doc["body_location"] == "正文 二（一）1"
    assert "《浙江省“415X”先进制造业集群建设行动方案（2023—2027年）》" in doc["detail"]


def test_audit_reports_approximate_in_the_body_exact_in_the_annex(result):
    # 正文 一（二）: 制造业增加值占全市生产总值比重达到30%左右; 附件1 第1行 2025年: 30.0
    f = _finding(result.audit, "approx_vs_exact", "附件1 第1行 2025年", "30%左右")
    assert f["status"] == "ambiguous" and f["body_location"] == "正文 一（二）"
    assert "30.0 (%) is exact" in f["detail"]
    assert (result.audit.kind == "approx_vs_exact").sum() == 1


def test_audit_counts_on_the_real_plan(result):
    counts = result.audit.groupby(["kind", "status"]).size().to_dict()
    assert counts == {("approx_vs_exact", "ambiguous"): 1, ("cumulative_vs_rate", "ambiguous"): 3,
                      ("cumulative_vs_rate", "consistent"): 1, ("number_differs", "differs"): 1,
                      ("same_document", "consistent"): 1, ("wording_differs", "differs"): 12}


def test_audit_does_not_pair_unrelated_targets(result):
    a = result.audit
    # 千亿元企业“零突破” is not the 百亿元企业 indicator; 规上工业增加值 is not 亩均增加值
    assert not a.detail.str.contains("零突破").any()
    assert not (a.annex_location.str.startswith("附件1 第5行") & a.body_location.eq("正文 二（一）3")).any()
    # punctuation-only differences (。 vs ，) are no finding
    assert not (a.annex_location == "附件2 第8行").any()

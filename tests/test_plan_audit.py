"""The audit's Chinese wording and excerpts, checked by hand against the real plan."""
import re

import pytest

from qzlib import paths
from qzlib.plan.audit import COLUMNS, _compare_clause, diff_text_zh, excerpt
from qzlib.plan.ingest import build
from qzlib.plan.tables import load_table

OLD_COLUMNS = ["finding_id", "kind", "subject", "body_quote", "body_location", "annex_quote", "annex_location",
               "detail", "status"]


@pytest.fixture(scope="module")
def audit():
    return build(paths.PLAN_FILE).audit


def _row(audit, kind, annex_location, needle):
    hit = audit[(audit.kind == kind) & (audit.annex_location == annex_location)
                & audit.detail.str.contains(needle, regex=False)]
    assert len(hit) == 1, (kind, annex_location, needle, hit)
    return hit.iloc[0]


def test_new_columns_come_after_the_old_ones(audit):
    assert COLUMNS[:len(OLD_COLUMNS)] == OLD_COLUMNS
    assert list(audit.columns) == OLD_COLUMNS + ["detail_zh", "body_excerpt", "annex_excerpt"]
    assert audit[["detail_zh", "body_excerpt", "annex_excerpt"]].ne("").all().all()


def test_written_audit_csv_carries_the_new_columns(processed_dir):
    a = load_table("audit", processed_dir)
    f = a[(a.kind == "number_differs") & (a.annex_location == "附件2 第16行")].iloc[0]
    assert f["detail_zh"] == "正文二（三）8为专精特新“小巨人”企业40家，附件2第16行为20家，数值不一致。"


def test_number_finding_names_both_numbers_and_places(audit):
    zh = _row(audit, "number_differs", "附件2 第16行", "40家")["detail_zh"]
    for part in ("40家", "20家", "正文二（三）8", "附件2第16行", "专精特新“小巨人”企业", "数值不一致"):
        assert part in zh, part


def test_approximate_and_exact_in_chinese(audit):
    # 正文 一（二）“制造业增加值占全市生产总值比重达到30%左右”; 附件1 第1行 2025年 “30.0”
    zh = _row(audit, "approx_vs_exact", "附件1 第1行 2025年", "30%左右")["detail_zh"]
    assert zh == ("正文一（二）写“达到30%左右”（约数），附件1第1行“制造业增加值占全市生产总值比重”2025年目标为30.0%（确数）："
                  "略低于30%是否算达到，两处说法不一。")


def test_one_document_cited_by_title_and_by_number_in_chinese(audit):
    zh = _row(audit, "same_document", "附件2 第2行", "浙政发")["detail_zh"]
    assert zh == ("正文二（一）1以标题引用《浙江省“415X”先进制造业集群建设行动方案（2023—2027年）》，附件2第2行在同一句的"
                  "同一位置以文号引用浙政发〔2023〕4号：文号年份2023年与标题相符，是同一文件。")


def test_no_unit_finding_where_the_subject_implies_the_unit(audit):
    # 亩均税收 28万元 and 亩均增加值 160万元 are 万元/亩; 每万人口…6.5件 is 件/万人: as 附件1 writes them
    for row in ("附件1 第5行 2025年", "附件1 第6行 2025年", "附件1 第9行 2025年"):
        assert not (audit.annex_location == row).any(), row


def test_yearly_rate_multiplied_out_in_chinese(audit):
    f = _row(audit, "cumulative_vs_rate", "附件1 第14行", "10/yr × 3 = 30")
    assert f["status"] == "consistent"
    assert "10家×3年＝30家，与附件1第14行的36→66（＋30）一致" in f["detail_zh"]
    assert "10家×2年＝20家，与66→86（＋20）一致" in f["detail_zh"]


def test_stock_or_new_ambiguity_in_chinese(audit):
    zh = _row(audit, "cumulative_vs_rate", "附件1 第13行", "40项以上")["detail_zh"]
    assert "40项以上" in zh and "2027年累计数40项" in zh and "含2022年基数10项" in zh
    assert "新增仅30项" in zh and "2027年将为50项" in zh and "歧义" in zh
    zh = audit[(audit.annex_location == "附件1 第3行") & (audit.body_location == "正文 一（二）")].iloc[0]["detail_zh"]
    assert "产值超百亿元企业10家" in zh and "含2022年基数4家" in zh and "2027年将为14家" in zh


@pytest.mark.parametrize("kind, annex_location, needle, words", [
    ("wording_differs", "附件1 第7行", "经费", ("正文“经费”，附件作“费用”", "附件1第7行")),
    ("wording_differs", "附件1 第9行", "拥有", ("正文“拥有”，附件作“授权”",)),
    ("wording_differs", "附件2 第16行", "小巨人", ("正文有“小巨人”，附件没有", "正文二（三）8", "附件2第16行")),
    ("wording_differs", "附件2 第38行", "深入", ("附件有“深入”，正文没有",)),
    ("wording_differs", "附件2 第5行", "争先进位", ("“推进高新区争先进位”", "没有相近的表述", "“力争衢州高新区跻身全省15强”")),
])
def test_wording_findings_in_chinese(audit, kind, annex_location, needle, words):
    zh = _row(audit, kind, annex_location, needle)["detail_zh"]
    for w in words:
        assert w in zh, w


def test_detail_zh_is_chinese_prose(audit):
    for f in audit.to_dict("records"):
        zh = f["detail_zh"]
        assert zh.endswith("。"), zh
        # no English words; a lone capital letter may stand in a code such as “415X”
        assert not re.search(r"[A-Za-z]{2,}", zh), zh
        assert all(re.search(r"\d" + ch, zh) for ch in re.findall(r"[A-Za-z]", zh)), zh
        assert "正文正文" not in zh and " " not in zh and "✓" not in zh


def test_every_excerpt_is_short_and_taken_from_its_quote(audit):
    for f in audit.to_dict("records"):
        for quote, ex in ((f["body_quote"], f["body_excerpt"]), (f["annex_quote"], f["annex_excerpt"])):
            assert len(ex) <= 62, ex
            if len(quote) <= 60:
                assert ex == quote
            else:
                assert ex.startswith("…") or ex.endswith("…"), ex
                assert ex.strip("…") in quote, ex


# kind, annex location, a word of the English detail, what the body excerpt must show, the annex excerpt's
EXCERPT_BY_HAND = [
    ("approx_vs_exact", "附件1 第1行 2025年", "30%左右", "比重达到30%左右", "2025年：30.0"),
    ("wording_differs", "附件1 第7行", "经费", "研发经费占营业收入比重", "费用"),
    ("wording_differs", "附件1 第9行", "拥有", "发明专利拥有量", "授权量"),
    ("cumulative_vs_rate", "附件1 第14行", "10/yr", "“品字标浙江制造”认证企业10家", "2027年 86"),
    ("cumulative_vs_rate", "附件1 第13行", "40项以上", "制修订“浙江制造”标准40项以上", "2027年 40"),
    ("number_differs", "附件2 第16行", "40家", "专精特新“小巨人”企业40家", "专精特新“小巨人”企业20家"),
    ("same_document", "附件2 第2行", "浙政发", "按《浙江省“415X”先进制造业集群建设行动方案（2023—2027年）》文件",
     "按浙政发〔2023〕4号文件"),
]


@pytest.mark.parametrize("kind, annex_location, needle, body_part, annex_part", EXCERPT_BY_HAND)
def test_excerpt_shows_what_differs(audit, kind, annex_location, needle, body_part, annex_part):
    f = _row(audit, kind, annex_location, needle)
    assert body_part in f["body_excerpt"] and annex_part in f["annex_excerpt"]


def test_long_sentence_excerpt_is_cut_at_clauses_on_both_sides(audit):
    f = _row(audit, "approx_vs_exact", "附件1 第1行 2025年", "30%左右")
    assert len(f["body_quote"]) > 200
    assert f["body_excerpt"] == "…全要素生产率显著提升，制造业增加值占全市生产总值比重达到30%左右，规上制造业全员劳动生产率达到35万元/人以上…"


def test_excerpt_short_text_is_whole():
    assert excerpt("培育一批单项冠军、专精特新企业", 5, 9) == "培育一批单项冠军、专精特新企业"


def test_excerpt_keeps_whole_clauses_around_the_focus():
    text = "，".join(f"第{i}项内容写在这里共十二字" for i in range(10)) + "。"
    i = text.index("第5项")
    ex = excerpt(text, i, i + 3, width=40)
    assert len(ex) <= 40 and ex.startswith("…") and ex.endswith("…")
    assert "第5项内容写在这里共十二字" in ex
    assert not ex.startswith("…，") and not ex.endswith("，…")
    # focus at the start: no leading ellipsis
    assert excerpt(text, 0, 3, width=40).startswith("第0项")


def test_excerpt_cuts_a_long_clause_around_the_focus():
    text = "甲" * 100 + "四十家" + "乙" * 100
    ex = excerpt(text, 100, 103, width=30)
    assert len(ex) == 30 and "四十家" in ex and ex.startswith("…") and ex.endswith("…")
    assert abs(ex.index("四十家") - (len(ex) - ex.index("四十家") - 3)) <= 2  # centred


def _clause(body, annex):
    common = {"body_quote": body, "body_location": "正文 二（一）1", "annex_quote": annex,
              "annex_location": "附件2 第1行", "status": "differs"}
    return _compare_clause(body, annex, "标题", common)


def test_clause_compare_reads_quantities_approximations_and_citations():
    # synthetic clauses: the same quantity in other words differs in wording only, not in unit or number
    assert [f["kind"] for f in _clause("改造开发1.5万亩以上", "改造开发15000亩以上")] == ["wording_differs"]
    f, words = _clause("每年新增企业30家左右", "每年新增企业30家")
    assert words["detail_zh"] == "对照正文二（一）1与附件2第1行：正文有“左右”，附件没有，表述不一致。"
    assert (f["kind"], f["status"]) == ("approx_vs_exact", "ambiguous")
    assert f["detail_zh"] == "正文二（一）1写企业30家左右（约数），附件2第1行为30家（确数）：略低于30家是否算达到，两处说法不一。"
    f, = _clause("按《甲方案（2023—2027年）》执行", "按浙政发〔2023〕4号执行")
    assert (f["kind"], f["status"]) == ("same_document", "consistent")
    # a number of another year is not shown to be the titled document: the wording differs
    assert [f["kind"] for f in _clause("按《甲方案（2023—2027年）》执行", "按浙政发〔2021〕4号执行")] == ["wording_differs"]
    # the citation matches and the clause says something else too: the wording finding names only that
    doc, words = _clause("按《甲方案（2023）》文件执行，另行补贴", "按浙政发〔2023〕4号文件执行，另行奖励")
    assert (doc["kind"], words["kind"]) == ("same_document", "wording_differs")
    assert words["detail_zh"] == "对照正文二（一）1与附件2第1行：正文“补贴”，附件作“奖励”，表述不一致。"
    assert words["body_focus"] == (19, 21) and "按《甲方案（2023）》文件执行，另行补贴"[19:21] == "补贴"


def test_chinese_detail_comes_from_the_compared_facts():
    common = {"body_quote": "", "body_location": "正文 二（一）1", "annex_quote": "", "annex_location": "附件2 第1行",
              "status": "differs"}
    out = _compare_clause("每年新增企业40家", "每年新增企业30家", "标题", common)
    assert [f["detail_zh"] for f in out] == ["正文二（一）1为企业40家，附件2第1行为30家，数值不一致。"]
    assert diff_text_zh("加快推进平台建设", "推进平台合作建设") == "正文有“加快”，附件没有；附件有“合作”，正文没有"
    assert diff_text_zh("按甲方案（2023—2027年）执行", "按乙文件〔2023〕4号执行") == \
        "正文“甲方案（2023—2027年）”，附件作“乙文件〔2023〕4号”"

"""`qz ingest` end to end: changed copies of the real plan, failures that replace nothing."""
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from qzlib import paths
from qzlib.errors import InputError
from qzlib.pipeline import ingest as ingest_cmd
from qzlib.plan.ingest import build, ingest

ROOT = Path(__file__).resolve().parent.parent
REAL = paths.PLAN_FILE.read_text(encoding="utf-8")


def _copy(tmp_path, text, name="plan.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def processed(tmp_path):
    out = tmp_path / "processed"
    ingest(paths.PLAN_FILE, out)
    return out


def _line_of(text, needle):
    return text.split("\n").index(needle) + 1


def test_changed_copy_with_other_numbers_and_an_added_indicator(tmp_path):
    text = REAL.replace("\t规上工业亩均税收（万元/亩）\n\t17.6\n\t28\n\t32",
                        "\t规上工业亩均税收（万元/亩）\n\t18.1\n\t29.5\n\t33")
    text = text.replace("完成低效工业用地改造开发1.5万亩以上", "完成低效工业用地改造开发２.５万亩以上", 1)  # body only
    row17 = "\t17\n\t\n\t规上工业新产品产值率（%）\n\t40\n\t45\n\t50左右\n\t市经信局\n\n"
    text = text.replace("\n\n附件2\n", "\n" + row17 + "\n附件2\n")
    res = ingest(_copy(tmp_path, text), tmp_path / "out")
    ind = res.indicators.set_index("number")
    assert len(ind) == 17
    assert list(ind.loc[6, ["value_2022", "value_2025", "value_2027"]]) == [18.1, 29.5, 33.0]
    assert ind.loc[17, "category"] == "绿色发展"  # carried down from row 15
    assert ind.loc[17, "value_2027"] == 50 and ind.loc[17, "comparator_2027"] == "≈"
    # outside the catalogue: a stable generated code and a kind inferred from its unit and wording
    from qzlib.catalogue import infer

    assert ind.loc[17, "code"] == infer("规上工业新产品产值率", "%")[0] and ind.loc[17, "code"].startswith("x_")
    assert ind.loc[17, "kind"] == "share" and "推断为 share" in ind.loc[17, "kind_note"]
    assert ind.loc[17, "name_en"] == "Plan indicator 17 (outside the catalogue)"
    assert any("规上工业新产品产值率" in w and "not in the catalogue" in w for w in res.warnings)
    assert "warning:" in res.summary()
    reg = res.targets
    land = reg[(reg.location == "正文 二（一）1") & (reg.subject == "低效工业用地改造开发")]
    assert (land.iloc[0]["value"], land.iloc[0]["unit"], land.iloc[0]["raw"]) == (2.5, "万亩", "２.５万亩以上")
    assert (reg.location == "附件1 第17行 2027年").sum() == 1
    # the body still says 1.5万亩, the annex row now differs -> audit notices
    assert ((res.audit.kind == "number_differs") & (res.audit.annex_location == "附件2 第1行")).any()
    assert ((res.audit.kind == "number_differs") & (res.audit.annex_location == "附件1 第6行 2025年")).any()
    assert (tmp_path / "out" / "indicators.csv").exists()


def test_task_action_is_cut_at_the_first_comma_outside_brackets(tmp_path):
    # a ， inside （…） belongs to the action's name; the first one outside ends it
    text = REAL.replace("\t（一）实施空间腾换行动，优化产业发展空间。",
                        "\t（一）实施空间腾换行动（含低效用地，闲置厂房），优化产业发展空间。")
    t = build(_copy(tmp_path, text)).tasks.set_index("number")
    assert t.loc[1, "action"] == "实施空间腾换行动（含低效用地，闲置厂房）"
    assert t.loc[1, "action_full"] == "（一）实施空间腾换行动（含低效用地，闲置厂房），优化产业发展空间。"


def test_missing_annex_names_it_and_replaces_nothing(tmp_path, processed):
    before = _snapshot(processed)
    bad = _copy(tmp_path, REAL.replace("\n附件2\n", "\n"))
    with pytest.raises(InputError) as err:
        ingest(bad, processed)
    assert "附件2" in str(err.value) and "line 110" in str(err.value)
    assert _snapshot(processed) == before


def test_row_with_wrong_number_of_cells(tmp_path, processed):
    before = _snapshot(processed)
    text = REAL.replace("\t12\n\t\n\t数字经济核心产业增加值（亿元）\n\t81.6\n",
                        "\t12\n\t数字经济核心产业增加值（亿元）\n\t81.6\n")
    bad = _copy(tmp_path, text)
    line = _line_of(text, "\t12")
    with pytest.raises(InputError) as err:
        ingest(bad, processed)
    msg = str(err.value)
    assert "附件1" in msg and "序号 12" in msg and f"line {line}" in msg and "7 cells" in msg
    assert _snapshot(processed) == before


def test_unreadable_number_cell(tmp_path, processed):
    before = _snapshot(processed)
    text = REAL.replace("\t规上工业亩均增加值（万元/亩）\n\t119\n\t160\n", "\t规上工业亩均增加值（万元/亩）\n\t119\n\t16O\n")
    bad = _copy(tmp_path, text)
    line = _line_of(text, "\t16O")
    with pytest.raises(InputError) as err:
        ingest(bad, processed)
    msg = str(err.value)
    assert "附件1" in msg and "序号 5" in msg and f"line {line}" in msg and "2025年" in msg and "16O" in msg
    assert _snapshot(processed) == before


def test_task_row_with_wrong_cells_names_annex_2(tmp_path):
    text = REAL.replace("\t市招商中心\n\n\t10\n", "\n\t10\n", 1)  # row 9 loses its 责任单位 cell
    with pytest.raises(InputError) as err:
        ingest(_copy(tmp_path, text), tmp_path / "out")
    assert re.search(r"附件2 序号 9 \(line \d+\)", str(err.value))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_exit_codes_and_output(tmp_path, processed):
    before = _snapshot(processed)
    bad = _copy(tmp_path, REAL.replace("\n附件3\n", "\n"))
    run = subprocess.run([str(ROOT / ".venv/bin/qz"), "ingest", "--plan", str(bad), "--out", str(processed)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "附件3" in run.stderr
    assert _snapshot(processed) == before
    ok = CliRunner().invoke(ingest_cmd, ["--plan", str(paths.PLAN_FILE), "--out", str(tmp_path / "o2")])
    assert ok.exit_code == 0, ok.output
    assert "46 tasks" in ok.output and "number_differs" in ok.output and "A01" in ok.output


def test_help():
    res = CliRunner().invoke(ingest_cmd, ["--help"])
    assert res.exit_code == 0 and "Example" in res.output and "--plan" in res.output
    run = subprocess.run([str(ROOT / ".venv/bin/qz"), "ingest", "--help"], capture_output=True, text=True)
    assert run.returncode == 0 and "qz ingest" in run.stdout

"""Plan workspaces: the default plan is the project root; others live in plans/NAME with the
same layout, created by `qz plan add` and named by --plan / --plans."""
from __future__ import annotations

from pathlib import Path

import pytest

from qzlib import paths
from qzlib.errors import InputError
from qzlib.pipeline import MANIFEST, add_plan, read_manifest
from tests import county_plan


@pytest.fixture
def plans_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PLANS", tmp_path / "plans")
    return tmp_path / "plans"


def test_the_default_plan_is_the_project_root_as_before():
    ws = paths.workspace()
    assert ws == paths.workspace("default") == paths.workspace("")
    assert (ws.raw, ws.processed, ws.outputs) == (paths.RAW, paths.PROCESSED, paths.OUTPUTS)
    assert ws.plan_file == paths.PLAN_FILE and ws.statistics == paths.STATISTICS_DIR


def test_plan_add_makes_a_workspace_that_shares_the_reference_statistics(tmp_path, plans_dir):
    text = county_plan.write(tmp_path / "incoming")
    ws = add_plan("longyou", text)
    root = plans_dir / "longyou"
    assert ws.root == root and paths.plan_names() == ["default", "longyou"]
    assert ws.plan_file == root / "data" / "raw" / "plan" / "longyou-415x-plan-2024.txt"
    assert ws.plan_file.read_text(encoding="utf-8") == county_plan.text()
    link = ws.statistics / "reference_statistics.csv"
    assert link.is_symlink() and not Path(link.readlink()).is_absolute()
    assert link.resolve() == (paths.STATISTICS_DIR / "reference_statistics.csv").resolve()
    assert ws.processed == root / "data" / "processed" and ws.outputs == root / "outputs"
    with pytest.raises(InputError, match="exists already"):
        add_plan("longyou", text)
    with pytest.raises(InputError) as err:
        add_plan("default", tmp_path / "missing.txt")
    assert "not 'default'" in str(err.value) and "a plan text file (.txt)" in str(err.value)


def test_an_unknown_plan_name_lists_the_workspaces(plans_dir, capsys):
    from qzlib.cli import main

    with pytest.raises(SystemExit) as done:
        main(["brief", "--plan", "kaihua", "--year", "2026"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "--plan: got 'kaihua'; expected a plan workspace: one of default" in err
    assert "qz plan add NAME FILE" in err


@pytest.mark.slow
def test_qz_ingest_plan_name_ingests_that_workspace_only(tmp_path, plans_dir, capsys):
    from qzlib.cli import main
    from qzlib.pipeline import ensure_fresh

    ws = add_plan("longyou", county_plan.write(tmp_path / "incoming"))
    said = []
    assert ensure_fresh(ws.processed, echo=said.append, plan=ws.plan_file, statistics=ws.statistics)
    assert "尚不存在" in said[0] and "data/raw first" in said[0]
    manifest = read_manifest(ws.processed)
    assert manifest["plan"].endswith("plans/longyou/data/raw/plan/longyou-415x-plan-2024.txt")
    before = manifest["written"]
    main(["ingest", "--plan", "longyou"])
    assert (ws.processed / MANIFEST).is_file() and "龙游县" in (ws.processed / "plan.csv").read_text(encoding="utf-8")
    assert read_manifest(ws.processed)["written"] >= before

"""Interval calibration uses training values only; the benchmark scores as M3/M4 do."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qzlib.forecast import calibration, models

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))        # the harness is bench tooling, not part of qzlib
import harness  # noqa: E402
BENCH = ROOT / "bench" / "data" / "m3_yearly_dev.csv"
BANDS = ["mean", "lo80", "hi80", "lo95", "hi95"]


@pytest.fixture(scope="module")
def few():
    df = pd.read_csv(BENCH)
    keep = df["series"].drop_duplicates().iloc[:6]
    return df[df["series"].isin(keep)].reset_index(drop=True)


@pytest.mark.slow
def test_perturbing_the_test_values_leaves_forecasts_and_intervals_unchanged(few):
    _, fc1, tab1 = harness.run(few, workers=1)
    bent = few.copy()
    test = bent["split"] == "test"
    bent.loc[test, "value"] = bent.loc[test, "value"] * 3 + 1000        # wildly different futures
    _, fc2, tab2 = harness.run(bent, workers=1)
    assert not np.allclose(fc1["actual"], fc2["actual"])                 # the perturbation did land
    pd.testing.assert_frame_equal(fc1[BANDS], fc2[BANDS])
    assert tab1.quantiles and set(tab1.quantiles) == set(tab2.quantiles)
    for m in tab1.quantiles:
        np.testing.assert_array_equal(tab1.quantiles[m], tab2.quantiles[m])


@pytest.fixture(scope="module")
def mid_length():
    """The 24 shortest series with 16+ training points: long enough that the validation
    block leaves room for the damped model and that 'last 8' differs from the full history,
    and enough series (>= 20 per horizon) for the tables to have quantiles at every horizon."""
    df = pd.read_csv(BENCH)
    n = df[df["split"] == "train"].groupby("series").size()
    keep = n[n >= 16].sort_values(kind="stable").index[:24]
    assert len(keep) == 24
    return df[df["series"].isin(keep)].reset_index(drop=True)


@pytest.mark.bench   # ~10 min: three whole builds of the shipped table; `make bench` runs it
def test_default_choice_and_tables_are_made_from_training_rows_only(mid_length, tmp_path, monkeypatch):
    monkeypatch.setattr(calibration, "SHIPPED_WINDOWS", (8, None))   # the two choice settings only
    bent = mid_length.copy()
    test = bent["split"] == "test"
    bent.loc[test, "value"] = -bent.loc[test, "value"] * 7 + 12345
    dropped = mid_length[~test]
    payloads = []
    for i, d in enumerate((mid_length, bent, dropped)):
        d.to_csv(tmp_path / f"{i}.csv", index=False)
        p = harness.build_shipped(tmp_path / f"{i}.csv", out=tmp_path / f"{i}.json", workers=1, log=lambda *_: None)
        payloads.append({k: v for k, v in p.items() if k not in ("sha256", "source")})
    models.clear_cache()                                   # the shipped file is untouched
    assert payloads[0]["default"]["name"] in models.GRID
    assert payloads[0] == payloads[1] == payloads[2]                     # choice, ranking, tables, checks
    # the per-window choices too, each among the entries eligible at that length
    byw = [p["default_by_window"] for p in payloads]
    assert byw[0] == byw[1] == byw[2] and set(byw[0]) == {"8", "full"}
    assert byw[0]["8"]["name"] in models.grid_for_window(8)
    assert not {"damped"} & set(byw[0]["8"]["members"])
    for key, entry in byw[0].items():
        ranking = payloads[0]["selection"]["ranking_by_window"][key]
        assert ranking[0]["name"] == entry["name"]
        assert len(ranking) == entry["candidates"] == len(models.grid_for_window(None if key == "full" else 8))
    q = np.asarray(payloads[0]["tables"]["8"]["quantiles"]["auto"])
    assert q.shape == (calibration.HORIZON, len(calibration.LEVELS)) and not np.isnan(q).any()
    for key in ("8", "full"):                      # shipped as learned; the block check is recorded
        assert payloads[0]["tables"][key]["factors"] == {}
        assert "auto_coverage" in payloads[0]["tables"][key]["validation"]   # empty: too few series here


class _Seen(Exception):
    """Raised by the spy below once the table builder has handed over the rows it fits on."""


def test_the_table_builder_fits_on_training_rows_only_quick_form(mid_length, tmp_path, monkeypatch):
    """The quick form, in make test, of the whole-table test above (make bench): whatever the
    test years hold, build_shipped hands exactly the same training rows to its first fit."""
    seen = []

    def spy(df, window, **kwargs):
        seen.append(df.reset_index(drop=True))
        raise _Seen

    monkeypatch.setattr(harness, "validate", spy)
    bent = mid_length.copy()
    test = bent["split"] == "test"
    bent.loc[test, "value"] = -bent.loc[test, "value"] * 7 + 12345
    for i, d in enumerate((mid_length, bent, mid_length[~test])):
        d.to_csv(tmp_path / f"{i}.csv", index=False)
        with pytest.raises(_Seen):
            harness.build_shipped(tmp_path / f"{i}.csv", out=tmp_path / f"{i}.json", workers=1, log=lambda *_: None)
    assert len(seen) == 3 and set(seen[0]["split"]) == {"train"} and len(seen[0]) == int((~test).sum())
    pd.testing.assert_frame_equal(seen[0], seen[1])
    pd.testing.assert_frame_equal(seen[0], seen[2])
    assert not (tmp_path / "0.json").exists()


def test_validation_block_is_the_last_training_points_and_the_fit_stops_before_it():
    t = np.arange(1990, 2010, dtype=float)
    y = np.r_[np.linspace(10, 24, 14), [100.0] * 6]                      # a jump inside the block
    _, pre, val = harness._validation_job(("s", t, y, None))
    assert sorted(val["h"].unique()) == list(range(1, 7))
    assert set(val["actual"]) == {100.0}                                 # the held-out block
    drift = val[val["method"] == "drift"].sort_values("h")["forecast"].to_numpy()
    np.testing.assert_allclose(drift, 24 + np.arange(1, 7) * (14 / 13))  # fitted on the first 14 only
    assert pre["actual"].max() <= 24 + 1e-9                              # its pseudo-origins never see it
    short = harness._validation_job(("s", t[:11], y[:11], None))
    assert short[1] is None and short[2] is None                         # too short: skipped


def test_grid_is_every_median_and_mean_of_two_to_four_members():
    assert len(models.GRID_MEMBERS) == 7
    assert len(models.GRID) == 21 + 2 * 35 + 2 * 35                     # pairs, triples, quadruples
    assert all(2 <= len(m) <= 4 and set(m) <= set(models.GRID_MEMBERS) for _, m in models.GRID.values())
    assert "median(naive+drift)" not in models.GRID and "mean(naive+drift)" in models.GRID


def test_factors_bring_validation_coverage_to_nominal():
    rng = np.random.default_rng(0)
    pseudo = pd.DataFrame({"method": "m", "h": np.repeat(np.arange(1, 7), 2000),
                           "error": rng.normal(0, 1, 12000)})
    table = calibration.CalibrationTable.learn(pseudo)
    val = pd.DataFrame({"method": "m", "h": np.repeat(np.arange(1, 7), 2000),
                        "error": rng.normal(0, 2, 12000)})
    table.factors = calibration.learn_factors(table, val)
    np.testing.assert_allclose(table.factors["m"], 2.0, rtol=0.12)    # the block is twice as wide
    before = calibration.coverage(table, val, "m", use_factors=False)
    after = calibration.coverage(table, val, "m", use_factors=True)
    assert before["coverage80"] < 0.6 and before["coverage95"] < 0.7
    assert after["coverage80"] == pytest.approx(0.80, abs=0.01)
    assert after["coverage95"] == pytest.approx(0.95, abs=0.01)
    off = table.offsets("m", np.array([1]))[0]
    assert off[calibration.LEVELS.index(0.5)] == pytest.approx(table.quantiles["m"][0, 6])   # median kept


def test_pseudo_origins_stay_inside_the_history():
    t = np.arange(2000, 2020, dtype=float)
    y = np.linspace(10, 30, 20)
    e = calibration.origin_errors(t, y)
    assert not e.empty and e["h"].between(1, calibration.HORIZON).all()
    # every compared value is one of the given history values, never beyond it
    assert set(np.round(e["actual"], 9)) <= set(np.round(y, 9))
    # a straight line is forecast exactly by the linear and drift families
    assert e.loc[e["method"].isin(["linear", "drift"]), "error"].abs().max() < 1e-8


@pytest.mark.slow
def test_last_n_limits_what_the_model_sees_but_mase_keeps_the_full_scale(few):
    sid = few["series"].iloc[0]
    one = few[few["series"] == sid]
    _, fc_full, _ = harness.run(one, workers=1)
    _, fc_last, _ = harness.run(one, last=8, workers=1)
    train = one.loc[one["split"] == "train", "value"].to_numpy()
    assert fc_last["mase_scale"].iloc[0] == pytest.approx(np.mean(np.abs(np.diff(train))))
    naive_full = fc_full[fc_full["method"] == "naive"]["mean"].to_numpy()
    naive_last = fc_last[fc_last["method"] == "naive"]["mean"].to_numpy()
    np.testing.assert_allclose(naive_full, naive_last)                  # naive: the same either way


def test_scores_by_hand():
    fc = pd.DataFrame({"series": ["a", "a", "b"], "method": "m", "h": [1, 2, 1], "year": [1, 2, 1],
                       "actual": [100.0, 110.0, 50.0], "mean": [90.0, 110.0, 60.0],
                       "lo80": [95.0, 100.0, 40.0], "hi80": [105.0, 120.0, 45.0],
                       "lo95": [80.0, 90.0, 30.0], "hi95": [120.0, 130.0, 70.0], "mase_scale": [5.0, 5.0, 10.0]})
    s = harness.score(fc).loc["m"]
    smape_a = (200 * 10 / 190 + 0) / 2
    smape_b = 200 * 10 / 110
    assert s["smape"] == pytest.approx((smape_a + smape_b) / 2)
    assert s["mase"] == pytest.approx(((10 / 5 + 0) / 2 + 10 / 10) / 2)
    assert s["coverage80"] == pytest.approx(2 / 3) and s["coverage95"] == 1.0


def test_shipped_table_was_learned_from_training_rows_of_the_bench_file():
    d = json.loads(calibration.SHIPPED.read_text(encoding="utf-8"))
    assert d["rows_used"] == "split == 'train' only" and d["source"] == BENCH.name
    assert d["procedures"]["chosen"] == models.CHOSEN                     # the tables match the code
    assert d["procedures"]["rule_choice"] == models.RULE_CHOICE
    assert set(d["tables"]) == {"4", "6", "8", "12", "full"}
    tab = calibration.CalibrationTable.from_json(d["tables"]["full"])
    q = tab.quantiles["combo"]
    assert q.shape == (calibration.HORIZON, len(calibration.LEVELS))
    assert (np.diff(q, axis=1) >= 0).all()                                # quantiles ordered
    assert (q[:, -1] - q[:, 0])[-1] > (q[:, -1] - q[:, 0])[0]              # wider further out
    for key in d["tables"]:
        assert d["tables"][key]["factors"] == {}          # width factors live in calibration.WIDTH_FACTORS
    for key, by in calibration.WIDTH_FACTORS.items():    # only for shipped windows and declared procedures
        assert key in d["tables"] and set(by) <= set(models.PROCEDURES)
        assert all(0.5 < k < 2 for pair in by.values() for k in pair)
    # the default is the top of the stored validation ranking of the declared grid
    assert [r["name"] for r in d["selection"]["ranking"]][0] == d["default"]["name"]
    assert sorted(d["selection"]["grid"]) == sorted(models.GRID)
    assert models.GRID[d["default"]["name"]] == (d["default"]["aggregate"], tuple(d["default"]["members"]))
    # one default per shipped window: the top of that window's ranking among eligible entries
    assert set(d["default_by_window"]) == set(d["tables"])
    for key, e in d["default_by_window"].items():
        cands = models.grid_for_window(None if key == "full" else int(key))
        assert e["name"] in cands and e["candidates"] == len(cands)
        assert d["selection"]["ranking_by_window"][key][0]["name"] == e["name"]
        proc = models.CHOSEN[models.history_class(int(key)) if key != "full" else "long"]
        assert d["tables"][key]["validation"]["auto_name"] == (e["name"] if proc == "grid" else proc)
        # the rows fit reads: the grid winner's ('grid') and that of a switched-on procedure
        for row in {"auto", "grid", proc}:
            q = np.asarray(d["tables"][key]["quantiles"][row])
            assert q.shape == (calibration.HORIZON, len(calibration.LEVELS)) and not np.isnan(q).any()
        if proc != "grid":
            assert key in d["extended"]["windows"]
        assert d["tables"][key]["quantiles"]["grid"] == d["tables"][key]["quantiles"]["auto"] or proc != "grid"
        assert d["tables"][key]["validation"]["auto_coverage"]["points"] > 0
    # the 4-point winner also serves 3-point series: its members are all eligible at 4 points,
    # and those needing 4 (simple exponential smoothing) simply drop out at 3
    assert {models.MIN_POINTS[m] for m in d["default_by_window"]["4"]["members"]} <= {3, 4}


def test_bad_bench_input_names_the_row_and_field(tmp_path):
    from qzlib.errors import InputError

    p = tmp_path / "bad.csv"
    p.write_text("series,category,t,year,split,value\nA,X,1,2000,train,1\nA,X,2,2001,later,2\n")
    with pytest.raises(InputError, match=r"row 3.*split.*'later'"):
        harness.read_long(p)
    with pytest.raises(InputError, match=r"missing\.csv.*not found"):
        harness.read_long(tmp_path / "missing.csv")


@pytest.mark.slow
def test_run_applies_the_shipped_width_factors_or_those_given(few):
    one = few[few["series"] == few["series"].iloc[0]]
    _, shipped, tab = harness.run(one, workers=1)
    want = calibration.width_factors("full")                              # the declared rule's factors
    assert set(tab.factors) == set(want) and all(np.array_equal(tab.factors[m], want[m]) for m in want)
    _, plain, tab = harness.run(one, workers=1, factors={})               # none
    assert tab.factors == {}
    a, b = plain[plain["method"] == "grid"], shipped[shipped["method"] == "grid"]
    k80 = calibration.WIDTH_FACTORS["full"]["grid"][0]
    np.testing.assert_allclose((b["hi80"] - b["lo80"]).to_numpy(), k80 * (a["hi80"] - a["lo80"]).to_numpy())
    k = np.full((calibration.HORIZON, len(calibration.PAIRS)), 2.0)
    _, wide, _ = harness.run(one, workers=1, factors={"auto": k})
    a, b = plain[plain["method"] == "auto"], wide[wide["method"] == "auto"]
    np.testing.assert_allclose((b["hi80"] - b["lo80"]).to_numpy(), 2 * (a["hi80"] - a["lo80"]).to_numpy())
    np.testing.assert_allclose(b["mean"].to_numpy(), a["mean"].to_numpy())  # points untouched


def test_interval_scale_follows_only_the_last_scale_window_points():
    w = calibration.SCALE_WINDOW
    t = np.arange(2000, 2020, dtype=float)
    y = np.cumsum(np.r_[100.0, np.tile([5.0, -3.0], 10)[:19]])
    base = calibration.scale_of(t, y)
    assert base == pytest.approx(np.mean(np.abs(np.diff(y[-w:]))))
    early = y.copy()
    early[: len(y) - w] += np.linspace(0, 500, len(y) - w)       # turbulence before the window
    assert calibration.scale_of(t, early) == pytest.approx(base)
    late = y.copy()
    late[-2] += 40.0                                              # a jump inside the window
    assert calibration.scale_of(t, late) > base
    # 0 = the whole history (the MASE scale), which the early turbulence does move
    assert calibration.scale_of(t, early, 0) > calibration.scale_of(t, y, 0)


def test_shipped_tables_refuse_a_scale_window_they_were_not_learned_with(monkeypatch):
    shipped = json.loads(calibration.SHIPPED.read_text(encoding="utf-8"))
    assert shipped["scale_window"] == calibration.SCALE_WINDOW
    calibration.shipped_table(None)                                   # matches: loads
    monkeypatch.setattr(calibration, "SCALE_WINDOW", calibration.SCALE_WINDOW + 1)
    with pytest.raises(ValueError, match="write-calibration"):
        calibration.shipped_table(None)


def _odd_file() -> pd.DataFrame:
    """Series the M3 file never has: 2 training points, values crossing zero, a gap,
    a flat and an all-zero history, beside one ordinary series."""
    rows = []

    def add(sid, train, test, gap_at=None, test_gap=0):
        y = 2000
        for i, v in enumerate(train):
            y += 1 if gap_at is not None and i == gap_at else 0
            rows.append((sid, "X", i + 1, y, "train", v))
            y += 1
        for j, v in enumerate(test):
            rows.append((sid, "X", len(train) + j + 1, y + test_gap + j, "test", v))

    add("short2", [5, 6], [7, 8, 9])
    add("neg", [3, 1, -2, -4, -1, 0, 2, -3], [1, 2, -1, 0, 1, 2])
    add("gappy", [10, 11, 12, 14, 15, 17, 18, 20], [22, 23, 24, 25, 26, 27], gap_at=3, test_gap=1)
    add("flat", [7] * 10, [7] * 6)
    add("zeros", [0] * 6, [0, 0, 1, 0, 0, 0])
    add("normal", [100 + 3 * i for i in range(15)], [145 + 3 * i for i in range(6)])
    return pd.DataFrame(rows, columns=["series", "category", "t", "year", "split", "value"])


def test_the_benchmark_scores_any_file_in_the_format():
    scores, fc, table = harness.run(_odd_file(), workers=1)
    assert scores.attrs["left_out"] == ["short2"]                     # 2 points: said, not a crash
    auto = scores.loc["auto"]
    assert auto["series"] == 5 and auto["mase_series"] == 3           # flat and zeros: MASE undefined
    assert np.isfinite(auto[["smape", "mase", "coverage80", "coverage95"]].astype(float)).all()
    assert "shipped table" in table.note                              # too small to learn its own table
    assert fc[["lo80", "hi80", "lo95", "hi95"]].notna().all().all()
    # horizons count from the last training year, also when the test years start a year later
    assert sorted(fc.loc[fc["series"] == "gappy", "h"].unique()) == [2, 3, 4, 5, 6, 7]


def test_point_errors_follow_the_m3_conventions():
    a, f, s = pd.Series([10.0, 0.0, 4.0]), pd.Series([8.0, 0.0, 6.0]), pd.Series([2.0, 0.0, 1.0])
    ape, ae = harness.point_errors(a, f, s)
    assert ape.tolist() == pytest.approx([200 * 2 / 18, 0.0, 200 * 2 / 10])
    assert ae[0] == pytest.approx(1.0) and np.isnan(ae[1]) and ae[2] == pytest.approx(2.0)


@pytest.mark.slow
def test_the_procedure_choice_reads_training_rows_only(mid_length, monkeypatch):
    """bench/procedures.py: blocks A, B and C, the scores, the widths and the choice are the same
    whether the test values are kept, changed beyond recognition or dropped. To keep it quick: one
    window per class, and the state-space families replaced by damped drifts (what is tested is
    which rows reach the families, not the families)."""
    import procedures

    monkeypatch.setattr(models, "CLASS_WINDOWS", {"short": (4,), "mid": (6,), "long": (None,)})
    for i, fam in enumerate(("theta", "damped", "ets", "ces", "dotm", "arima")):
        monkeypatch.setitem(models._FUNCS, fam, lambda t, y, tf, k=(i + 1) / 8: y[-1] + k * (tf - t[-1])
                            * (y[-1] - y[0]) / (t[-1] - t[0]))
    keep = mid_length["series"].drop_duplicates().iloc[:3]
    base = mid_length[mid_length["series"].isin(keep)].reset_index(drop=True)
    bent = base.copy()
    test = bent["split"] == "test"
    bent.loc[test, "value"] = -bent.loc[test, "value"] * 5 + 999
    runs = []
    for d in (base, bent, base[~test]):
        data = procedures.block_data(d, 1)
        runs.append(procedures.block_scores(data))
    scores = runs[0][0]
    assert set(scores) == {"A", "B"} and "full" in scores["A"]       # 16-18 points: no block C
    for other in runs[1:]:
        for block in scores:
            assert set(scores[block]) == set(other[0][block])
            for w in scores[block]:
                pd.testing.assert_frame_equal(scores[block][w], other[0][block][w])
        assert other[1] == runs[0][1]                                 # grid used per block
    choices = [procedures.choose(r[0]) for r in runs]
    assert choices[0] == choices[1] == choices[2]
    assert {c["chosen"] for c in choices[0].values()} <= set(models.PROCEDURES)
    # on block A the grid is the one chosen on block B, never the shipped one chosen on A itself
    assert set(runs[0][1]["4"]) == {"A", "B"} and runs[0][1]["4"]["A"] in models.grid_for_window(4)


def test_a_class_changes_procedure_only_for_a_lower_mean_and_two_blocks_won():
    import procedures

    names = list(models.PROCEDURES)

    def frame(scores):
        return pd.DataFrame({"owa": scores}, index=names)

    def run(a, b, c):
        scores = {blk: {w: frame(f) for w in ("4", "6", "8", "12", "full")} for blk, f in zip("ABC", (a, b, c))}
        return procedures.choose(scores)
    # grid (the #14 procedure of short and long) against the others: scum has a lower mean and
    # wins blocks A and C; mix wins A and B but its mean is higher than grid's
    r = run([0.90, 0.85, 0.95, 0.99, 0.80], [0.80, 0.82, 0.90, 0.99, 0.79], [0.80, 0.70, 0.90, 0.99, 0.95])
    assert r["long"]["blocks_won"]["scum"] == r["long"]["blocks_won"]["mix"] == 2
    assert r["long"]["mean"]["mix"] > r["long"]["mean"]["grid"] and r["long"]["chosen"] == "scum"
    # scum has the lowest mean, but beats grid on one block only: it cannot be chosen
    r = run([0.90, 0.60, 0.95, 0.99, 0.89], [0.80, 0.85, 0.90, 0.99, 0.79], [0.80, 0.85, 0.90, 0.99, 0.81])
    assert r["long"]["mean"]["scum"] < r["long"]["mean"]["mix"] < r["long"]["mean"]["grid"]
    assert r["long"]["blocks_won"]["scum"] == 1 and r["long"]["chosen"] == "mix"
    # nobody beats it on two blocks with a lower mean: the class keeps its procedure
    r = run([0.80, 0.60, 0.95, 0.99, 0.89], [0.80, 0.85, 0.90, 0.99, 0.81], [0.80, 0.85, 0.90, 0.99, 0.81])
    assert r["long"]["chosen"] == "grid" and r["mid"]["current"] == "scum"


def test_the_width_rule_keeps_a_factor_only_where_it_brings_block_a_closer_to_nominal():
    import procedures

    rng = np.random.default_rng(0)
    # |need| of a point is how much the interval must grow to cover it: covered with k iff need <= k
    early = {lv: np.abs(rng.normal(0, 1, 4000)) for lv in ("80", "95")}
    like_early = {lv: np.abs(rng.normal(0, 1, 2000)) for lv in ("80", "95")}
    calm = {lv: np.abs(rng.normal(0, 0.5, 2000)) for lv in ("80", "95")}
    for later, adopted in ((like_early, True), (calm, False)):
        needs = {"full": {"grid": {"A": later, "B": early, "C": early}}}
        r = procedures.widths(needs)["full"]["grid"]
        # fitted on B and C: 80 % and 95 % of |N(0, 1)| lie below 1.28 and 1.96
        assert r["k_BC"]["80"] == pytest.approx(1.28, abs=0.05) and r["k_BC"]["95"] == pytest.approx(1.96, abs=0.1)
        assert r["adopted"] is adopted and (r["shipped"] is None) is (not adopted)
    assert r["coverage_A"]["80"] == pytest.approx(0.95, abs=0.02)           # calm block: too wide already


@pytest.mark.slow
def test_forecast_script_adds_one_json_object_per_last_value(tmp_path, capsys):
    """bench/forecast.py --last 0 --last 4: a table per setting, and the last line keeps its
    keys (the first setting) and adds by_last with one object per value."""
    import forecast

    p = tmp_path / "odd.csv"
    _odd_file().to_csv(p, index=False)
    assert forecast.main(["--data", str(p), "--workers", "1", "--last", "0", "--last", "4"]) == 0
    captured = capsys.readouterr()
    out = captured.out.strip().splitlines()
    last = json.loads(out[-1])
    keys = {"smape", "mase", "coverage80", "coverage95", "series", "seconds"}
    assert keys <= set(last) and set(last["by_last"]) == {"full", "4"}
    assert all(set(v) == keys for v in last["by_last"].values())
    assert {k: last[k] for k in keys - {"seconds"}} == {k: last["by_last"]["full"][k] for k in keys - {"seconds"}}
    assert sum("full training histories" in line for line in out) == 1
    assert sum("last 4 training points" in line for line in out) == 1
    # the default and the grid are scored; a procedure without an interval row anywhere (this
    # tiny file, and a shipped table not yet extended) is left out and named
    table = "\n".join(out)
    for name in ("grid", "auto"):
        assert f"\n{name} " in table
    if "scum" not in calibration.shipped_table(None).quantiles:
        assert "not scored (no interval table" in captured.err and "scum" in captured.err


def test_extending_the_shipped_table_from_another_file_is_refused_and_changes_nothing(tmp_path, capsys):
    """--extend-calibration only adds rows learned from the file the shipped table came from."""
    import forecast

    p = tmp_path / "odd.csv"
    _odd_file().to_csv(p, index=False)
    before = calibration.SHIPPED.read_bytes()
    assert forecast.main(["--data", str(p), "--workers", "1", "--extend-calibration"]) == 2
    err = capsys.readouterr().err
    assert "odd.csv" in err and "run build_shipped instead" in err
    assert calibration.SHIPPED.read_bytes() == before

"""Interval calibration uses training values only; the benchmark scores as M3/M4 do."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qzlib.forecast import calibration, evaluate

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "data" / "m3_yearly_dev.csv"
BANDS = ["mean", "lo80", "hi80", "lo95", "hi95"]


@pytest.fixture(scope="module")
def few():
    df = pd.read_csv(BENCH)
    keep = df["series"].drop_duplicates().iloc[:6]
    return df[df["series"].isin(keep)].reset_index(drop=True)


def test_perturbing_the_test_values_leaves_forecasts_and_intervals_unchanged(few):
    _, fc1, tab1 = evaluate.run(few, workers=1)
    bent = few.copy()
    test = bent["split"] == "test"
    bent.loc[test, "value"] = bent.loc[test, "value"] * 3 + 1000        # wildly different futures
    _, fc2, tab2 = evaluate.run(bent, workers=1)
    assert not np.allclose(fc1["actual"], fc2["actual"])                 # the perturbation did land
    pd.testing.assert_frame_equal(fc1[BANDS], fc2[BANDS])
    for m in tab1.quantiles:
        np.testing.assert_array_equal(tab1.quantiles[m], tab2.quantiles[m])


def test_pseudo_origins_stay_inside_the_history():
    t = np.arange(2000, 2020, dtype=float)
    y = np.linspace(10, 30, 20)
    e = calibration.origin_errors(t, y)
    assert not e.empty and e["h"].between(1, calibration.HORIZON).all()
    # every compared value is one of the given history values, never beyond it
    assert set(np.round(e["actual"], 9)) <= set(np.round(y, 9))
    # a straight line is forecast exactly by the linear and drift families
    assert e.loc[e["method"].isin(["linear", "drift"]), "error"].abs().max() < 1e-8


def test_last_n_limits_what_the_model_sees_but_mase_keeps_the_full_scale(few):
    sid = few["series"].iloc[0]
    one = few[few["series"] == sid]
    _, fc_full, _ = evaluate.run(one, workers=1)
    _, fc_last, _ = evaluate.run(one, last=8, workers=1)
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
    s = evaluate.score(fc).loc["m"]
    smape_a = (200 * 10 / 190 + 0) / 2
    smape_b = 200 * 10 / 110
    assert s["smape"] == pytest.approx((smape_a + smape_b) / 2)
    assert s["mase"] == pytest.approx(((10 / 5 + 0) / 2 + 10 / 10) / 2)
    assert s["coverage80"] == pytest.approx(2 / 3) and s["coverage95"] == 1.0


def test_shipped_table_was_learned_from_training_rows_of_the_bench_file():
    d = json.loads(calibration.SHIPPED.read_text(encoding="utf-8"))
    assert d["rows_used"] == "split == 'train' only" and d["source"] == BENCH.name
    assert set(d["tables"]) == {"4", "6", "8", "12", "full"}
    tab = calibration.CalibrationTable.from_json(d["tables"]["full"])
    q = tab.quantiles["combo"]
    assert q.shape == (calibration.HORIZON, len(calibration.LEVELS))
    assert (np.diff(q, axis=1) >= 0).all()                                # quantiles ordered
    assert (q[:, -1] - q[:, 0])[-1] > (q[:, -1] - q[:, 0])[0]              # wider further out


def test_bad_bench_input_names_the_row_and_field(tmp_path):
    from qzlib.errors import InputError

    p = tmp_path / "bad.csv"
    p.write_text("series,category,t,year,split,value\nA,X,1,2000,train,1\nA,X,2,2001,later,2\n")
    with pytest.raises(InputError, match=r"row 3.*split.*'later'"):
        evaluate.read_long(p)

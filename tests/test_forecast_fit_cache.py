"""The trend fits kept on disk: the same numbers as fitting, keyed by everything they depend on."""
import numpy as np
import pandas as pd
import pytest

from qzlib.forecast import fit, fit_cache, models

T = np.arange(2011.0, 2023.0)
Y = np.array([5.1, 5.6, 6.0, 6.9, 7.2, 8.0, 8.8, 9.1, 10.3, 10.9, 11.8, 12.4])
TF = np.arange(2023.0, 2028.0)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QZ_FIT_CACHE", str(tmp_path))
    return tmp_path


def test_a_hit_gives_the_fitted_numbers_and_does_not_fit_again(cache, monkeypatch):
    fams = {"drift", "theta", "ets"}
    first = fit_cache.family_paths(T, Y, TF, families=fams)
    assert first.keys() == models.family_paths(T, Y, TF, families=fams).keys() == fams
    assert len(list(cache.rglob("*.npz"))) == 1

    def no_fitting(*a, **k):
        raise AssertionError("fitted again")
    monkeypatch.setattr(models, "family_paths", no_fitting)
    again = fit_cache.family_paths(T, Y, TF, families=set(fams))
    assert all(np.array_equal(again[f], first[f]) for f in fams)


def test_other_values_years_or_families_are_other_keys(cache):
    fit_cache.family_paths(T, Y, TF, families={"drift"})
    fit_cache.family_paths(T, Y + 0.001, TF, families={"drift"})
    fit_cache.family_paths(T, Y, TF[:3], families={"drift"})
    fit_cache.family_paths(T, Y, TF, families={"drift", "naive"})
    assert len(list(cache.rglob("*.npz"))) == 4


def test_failures_are_kept_with_the_paths(cache, monkeypatch):
    def broken(t, y, tf):
        raise np.linalg.LinAlgError("singular matrix")
    monkeypatch.setitem(models._FUNCS, "theta", broken)
    said = {}
    fit_cache.family_paths(T, Y, TF, families={"theta", "drift"}, failures=said)
    monkeypatch.setitem(models._FUNCS, "theta", models._theta)   # fixed, but the key is the same code
    again = {}
    paths = fit_cache.family_paths(T, Y, TF, families={"theta", "drift"}, failures=again)
    assert said == again == {"theta": "LinAlgError: singular matrix"} and set(paths) == {"drift"}


def test_a_forecast_through_the_cache_equals_one_without(cache, monkeypatch):
    s = pd.Series(Y, index=T.astype(int))
    cached = [fit(s, 2027) for _ in range(2)]
    monkeypatch.setenv("QZ_FIT_CACHE", "off")
    plain = fit(s, 2027)
    for fc in cached:
        pd.testing.assert_frame_equal(fc.path, plain.path)
        assert fc.reason == plain.reason
    assert len(list(cache.rglob("*.npz"))) == 1


def test_off_keeps_nothing_and_a_broken_file_is_a_miss(cache, monkeypatch):
    k = fit_cache.key(T, Y, TF, {"drift"})
    (cache / k[:2]).mkdir()
    (cache / k[:2] / f"{k}.npz").write_bytes(b"not a zip")
    assert fit_cache.get(k) is None
    assert set(fit_cache.family_paths(T, Y, TF, families={"drift"})) == {"drift"}
    assert fit_cache.get(k) is not None                                   # rewritten
    monkeypatch.setenv("QZ_FIT_CACHE", "off")
    assert fit_cache.folder() is None and fit_cache.get(k) is None

"""`qz trend fit` with a code that names no series: refused with exit 2, naming the known codes."""
import pytest

from qzlib.cli import main


def _fit(processed_dir, code, capsys) -> tuple[int, str, str]:
    try:
        main(["trend", "fit", code, "--processed-dir", str(processed_dir)])
        status = 0
    except SystemExit as ex:
        status = ex.code
    out = capsys.readouterr()
    return status, out.out, out.err


def test_an_unknown_code_is_refused_with_the_plan_s_codes(processed_dir, capsys):
    status, out, err = _fit(processed_dir, "nosuch", capsys)
    assert status == 2 and out == ""
    assert "got 'nosuch'" in err and "this one is unknown" in err and "insufficient" not in err
    assert "the plan's 16 indicators" in err
    for code in ("mfg_va_share_gdp", "per_mu_tax", "co2_intensity_decline"):
        assert code in err, code


def test_a_misspelt_code_gets_a_suggestion(processed_dir, capsys):
    status, _, err = _fit(processed_dir, "rd_intensty", capsys)
    assert status == 2 and "did you mean rd_intensity?" in err


@pytest.mark.parametrize("code", ["per_mu_tax", "规上工业亩均税收"])  # a code, or the plan's exact wording
def test_a_known_code_without_enough_data_still_says_so(processed_dir, capsys, code):
    status, out, err = _fit(processed_dir, code, capsys)
    assert status == 0 and err == ""
    assert out.startswith(f"衢州市 {code}: 1 个观测值；insufficient")  # the 2022 baseline of 附件1 alone

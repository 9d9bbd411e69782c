"""``kacspectral entropy`` in-process: JSON keys, the exact worked values, bad input."""

import json

import pytest

from kacspectral import __version__
from kacspectral.cli import main


def _run_json(capsys, *argv):
    status = main(["entropy", *argv, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def test_default_json(capsys):
    data = _run_json(capsys)
    for key in ("heat_flux", "heat_flux_exact", "entropy_production", "entropy_production_exact",
                "sigma_collision", "sigma_reservoirs", "balance_error", "version"):
        assert key in data, key
    assert data["version"] == __version__
    assert data["heat_flux_exact"] == ["1/32", "-1/32"]
    assert data["entropy_production_exact"] == "1/8"
    assert abs(data["entropy_production"] - 0.125) < 1e-14
    assert data["balance_error"] < 1e-10


def test_kac_with_diffusive_reservoirs(capsys):
    data = _run_json(capsys, "--kernel", "kac", "--diffusive-etas", "1/4", "1/4",
                     "--diffusive-temperatures", "1/3", "1")
    assert data["heat_flux_exact"] == ["19/336", "5/336", "3/14", "-2/7"]
    assert data["entropy_production_exact"] == "61/84"
    assert len(data["sigma_reservoirs"]) == 4 and data["balance_error"] < 1e-10


def test_table_output(capsys):
    assert main(["entropy", "--kernel", "kac"]) == 0
    out = capsys.readouterr().out
    assert "exact 1/12" in out and "1/48" in out


@pytest.mark.parametrize("argv", [
    ["--diffusive-etas", "-1", "--diffusive-temperatures", "1"],
    ["--diffusive-etas", "1", "1", "--diffusive-temperatures", "1"],
    ["--diffusive-etas", "1", "--diffusive-temperatures", "0"],
    ["--diffusive-etas", "1"],
    ["--temperatures", "0", "1"],
    ["--gamma", "0"],
])
def test_bad_input_exit_2_one_line(capsys, argv):
    assert main(["entropy", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_ness_with_diffusive_reservoirs_exact(capsys):
    status = main(["ness", "--kernel", "kac", "--diffusive-etas", "1/4", "1/4",
                   "--diffusive-temperatures", "1/3", "1", "--exact", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["exact_moments"][1] == "13/7" and data["max_relative_error"] < 1e-12
    assert data["diffusive_eta"] == "1/2" and data["diffusive_temperature"] == "2/3"


def test_evolve_with_diffusive_reservoir_and_lyapunov_columns(capsys):
    status = main(["evolve", "--initial", "mixture", "--gamma", "0", "--degree", "6",
                   "--n-times", "3", "--t-end", "2", "--diffusive-etas", "1/2",
                   "--diffusive-temperatures", "1/2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    # m2: 3T - m2(t) = e^{-2 eta t}(3T - m2(0)), m2(0) = 1, 3T = 3/2 (etdrk4, dt = 1/20)
    import numpy as np

    m2 = np.array(data["m2"])
    t = np.array(data["times"])
    assert np.max(np.abs(1.5 - m2 - np.exp(-t) * 0.5)) < 1e-7
    for key in ("relative_entropy", "w2", "corrected_gtw"):
        assert np.all(np.diff(data[key]) < 0), key

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
    assert [r["kind"] for r in data["reservoirs"]] == ["jump", "jump", "diffusive", "diffusive"]
    # gamma = 0: only the diffusive reservoirs are coupled, and only they are listed
    data = _run_json(capsys, "--gamma", "0", "--diffusive-etas", "1/4", "1/2",
                     "--diffusive-temperatures", "1/5", "1/2")
    assert [r["temperature"] for r in data["reservoirs"]] == ["1/5", "1/2"]
    # eta = 3/4, T = 2/5, m_2 = 3T = 6/5: J = (1/4)(6/5 - 3/5), (1/2)(6/5 - 3/2);
    # sigma = 5 (3/20) - 2 (3/20)
    assert data["heat_flux_exact"] == ["3/20", "-3/20"]
    assert data["entropy_production_exact"] == "9/20"


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


@pytest.mark.parametrize("command,argv", [
    ("entropy", ["--diffusive-etas", "1e308", "--diffusive-temperatures", "1"]),
    ("entropy", ["--diffusive-etas", "1", "--diffusive-temperatures", "1e308"]),
    ("entropy", ["--diffusive-etas", "1e-400", "--diffusive-temperatures", "1"]),
    ("entropy", ["--diffusive-etas", "nan", "--diffusive-temperatures", "1"]),
    ("entropy", ["--diffusive-etas", "1", "--diffusive-temperatures", "inf"]),
    ("entropy", ["--diffusive-etas", "0", "--diffusive-temperatures", "1"]),
    ("entropy", ["--radial-nodes", "10000000"]),
    ("entropy", ["--kernel", "__import__('os')"]),
    ("entropy", ["--temperatures", "1e308", "1"]),  # float(Fraction) overflow: not a traceback
    ("ness", ["--diffusive-etas", "1e308", "--diffusive-temperatures", "1"]),
    ("ness", ["--diffusive-etas", "1", "--diffusive-temperatures", "1", "--moments", "100000"]),
    ("evolve", ["--diffusive-etas", "1", "--diffusive-temperatures", "1e308"]),
    ("evolve", ["--diffusive-etas", "1", "1", "--diffusive-temperatures", "1"]),
])
def test_bad_input_all_commands_exit_2_one_line(capsys, command, argv):
    """Found in review: 1e308 gave a misleading T_ref message plus raw RuntimeWarnings (ness) or
    a traceback (--temperatures 1e308, --moments 100000), --radial-nodes 1e7 a MemoryError."""
    assert main([command, *argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("kacspectral: error:") and "Traceback" not in captured.err


@pytest.mark.parametrize("argv,what", [
    (["--truncation", "2"], "does not balance"),  # balance 0.066: the density is not resolved
    (["--temperatures", "1/50", "1", "--truncation", "3"], "not finite"),  # log of f < 0
])
def test_unresolved_budget_is_exit_1_not_a_number(capsys, argv, what):
    """Found in review: these printed exit 0 with balance_error 0.07 or with NaN encoded as
    {"__type__": "float", "value": "nan"} in the JSON.  Now exit 1 and one line, no JSON."""
    assert main(["entropy", *argv, "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and what in captured.err
    assert captured.err.count("\n") == 1 and "numerical trouble" in captured.err

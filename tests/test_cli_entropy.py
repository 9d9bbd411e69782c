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

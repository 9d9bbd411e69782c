"""``kacspectral ness`` in-process: JSON keys, the exact example, table output, bad input."""

import json

import pytest

from kacspectral import __version__
from kacspectral.cli import main


def _run_json(capsys, *argv):
    status = main(["ness", *argv, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def test_default_json_with_exact(capsys):
    data = _run_json(capsys, "--exact", "--contraction-steps", "12")
    for key in (
        "gamma", "weights", "temperatures", "kernel", "moments", "exact_moments",
        "contraction", "iterations", "residual", "version",
    ):
        assert key in data, key
    assert data["gamma"] == "1/2"
    assert data["weights"] == ["1/2", "1/2"]
    assert data["temperatures"] == ["1/6", "1/2"]
    assert data["kernel"]["name"] == "constant"
    assert data["version"] == __version__
    assert data["exact_moments"][:3] == ["1", "1", "65/36"]
    assert len(data["moments"]) == 7
    assert data["max_relative_error"] < 1e-12
    assert abs(data["moments"][2] - 65 / 36) < 1e-12 * 65 / 36
    c = data["contraction"]
    assert c["lambda"] == 0.75
    assert abs(c["observed_rate"] - 0.5) < 1e-3
    assert len(c["table"]) == 13 and c["bound_holds"]
    assert data["residual"] <= 1e-14
    assert data["method"] == "newton"


def test_options(capsys):
    data = _run_json(
        capsys, "--gamma", "1/3", "--weights", "1/5", "1/2", "3/10", "--temperatures", "1/4",
        "1/2", "1", "--kernel", "kac", "--moments", "3", "--method", "anderson", "--tol", "1e-13",
        "--contraction-steps", "5",
    )
    assert data["gamma"] == "1/3"
    assert data["kernel"]["name"] == "kac"
    assert len(data["moments"]) == 4
    assert "exact_moments" not in data
    assert data["method"] == "anderson"
    assert abs(data["moments"][1] - 3 * (0.05 + 0.25 + 0.3)) < 1e-13


def test_readable_table(capsys):
    assert main(["ness", "--exact", "--contraction-steps", "10"]) == 0
    out = capsys.readouterr().out
    assert "65/36" in out
    assert "lambda = 0.75" in out
    assert "bound holds for every n <= 10: True" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--gamma", "1"], "gamma must lie strictly between 0 and 1"),
        (["--gamma", "x"], "--gamma"),
        (["--weights", "-1/2", "3/2"], "weights must be >= 0"),
        (["--temperatures", "1/6", "-1"], "temperatures must be > 0"),
        (["--gamma", "-1/2"], "gamma must lie strictly between 0 and 1"),
        (["--weights", "1/2", "1/4"], "weights must sum to 1"),
        (["--kernel", "2"], "not normalised"),
        (["--kernel", "s"], "negative"),
        (["--kernel", "s**"], "does not parse"),
        (["--method", "euler"], "--method"),
        (["--moments", "-1"], "--moments"),
        (["--tol", "0"], "--tol"),
        (["--contraction-steps", "1"], "contraction-steps"),
    ],
)
def test_bad_input_exit_2_one_line(capsys, argv, needle):
    assert main(["ness", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kacspectral: error:")
    assert needle in err
    assert "Traceback" not in err


def test_exact_refused_for_a_non_exact_kernel(capsys):
    assert main(["ness", "--kernel", "2*exp(s)/(exp(1)-exp(-1))", "--exact"]) == 2
    err = capsys.readouterr().err
    assert "--exact needs a kernel with an exact form" in err

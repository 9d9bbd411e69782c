"""``kacspectral ness`` in-process: JSON keys, the exact example, table output, bad input."""

import json
from fractions import Fraction

import numpy as np
import pytest

from kacspectral import __version__
from kacspectral.boltzmann.isotropic.exact import exact_B_table
from kacspectral.cli import main
from kacspectral.physics.kernels import get_kernel

EPS = float(np.finfo(float).eps)


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
    # lambda = (1-gamma) + gamma beta with the exact beta = B_10 of the kernel
    gamma, kern = Fraction(1, 2), get_kernel("constant")
    lam = (1 - gamma) + gamma * Fraction(str(kern.beta_exact))
    assert abs(c["lambda"] - float(lam)) <= 4 * EPS
    # the k^4-mode rate (1-gamma)(B_20 + B_02) + gamma B_20 from the exact B table; the fitted
    # Picard rate must match it (to 1e-3: the fit over n = 6..12 still sees the k^6 mode)
    B = exact_B_table(kern, 2)
    rate4 = (1 - gamma) * (B[2][0] + B[0][2]) + gamma * B[2][0]
    assert abs(c["fourth_moment_rate"] - float(rate4)) <= 4 * EPS
    assert abs(c["observed_rate"] - float(rate4)) < 1e-3 * float(rate4)
    assert data["energy_error"] <= 4 * EPS
    assert data["warnings"] == []
    assert data["moment_order"] == 6
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


def test_warnings_one_line_each_and_in_json(capsys):
    """A capped truncation (temperature ratio 1000) is reported once, as one stderr line, and
    listed in the JSON; the result (with the exact energy) is printed and flagged by exit
    status 1 (issue 8: a result the truncation cannot support to --tol is never silent;
    regression: it used to exit 2 with a misleading GTW 'needs equal second moments'
    bad-input message)."""
    status = main([
        "ness", "--temperatures", "1/1000", "1", "--moments", "1", "--contraction-steps", "3",
        "--json",
    ])
    out = capsys.readouterr()
    assert status == 1, out.err
    lines = out.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kacspectral: warning: TruncationWarning:")
    assert "capped at K = 160" in lines[0]
    data = json.loads(out.out)
    assert data["warnings"] == [lines[0].removeprefix("kacspectral: warning: ")]
    assert abs(data["moments"][1] - 1.5015) <= 8 * EPS * 1.5015
    assert data["energy_error"] <= 4 * EPS


def test_weak_coupling_runs(capsys):
    """Regression: --gamma 1e-6 exited 2 (energy error 1.6e-9 from the ill-conditioned
    energy mode, refused by the GTW distance as if it were bad input)."""
    data = _run_json(capsys, "--gamma", "1/1000000", "--contraction-steps", "3", "--moments", "2")
    assert data["energy_error"] <= 4 * EPS
    assert abs(data["moments"][1] - 1.0) <= 8 * EPS


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
        (["--moments", "101"], "moment_order must be <= 100"),
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


def test_solver_moment_mismatch_exits_1_not_2(capsys, monkeypatch):
    """Unequal moments between *computed* states are numerical trouble: ConvergenceError,
    exit 1, one line naming gamma and K (never the bad-input exit 2)."""
    import kacspectral.boltzmann.isotropic.contraction as contraction

    real = contraction.picard_iterates

    def drifting(*args, **kwargs):
        seq, t_ref, K = real(*args, **kwargs)
        return [a * (1 + 1e-6 * n) for n, a in enumerate(seq)], t_ref, K

    monkeypatch.setattr(contraction, "picard_iterates", drifting)
    assert main(["ness", "--contraction-steps", "3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "gamma = 1/2, K = " in err
    assert "Traceback" not in err

"""In-process tests of ``kacspectral bkw``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kacspectral.cli import main

EPS = float(np.finfo(float).eps)


def test_bkw_json_exact_truncation(capsys):
    assert main(["bkw", "--degree", "4", "--grid", "16", "--repeat", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("q_max_error", "f_max_error", "seconds_per_evaluation", "setup_seconds",
                "truncation", "version", "versions"):
        assert key in out
    assert out["truncation"]["degree"] == 4
    assert out["truncation"]["temperature"] == pytest.approx(1 - np.exp(-6.5 / 6), abs=4 * EPS)
    assert out["q_max_error"] < 20 * EPS and out["f_max_error"] < 20 * EPS
    assert out["warnings"] == []
    # T_ref = K(t), degree 4: f and df/dt lie in the space, the errors are rounding by design
    assert out["exact_representation"] is True


def test_bkw_json_convergence_and_evolution(capsys):
    args = ["bkw", "--temperature", "1", "--l-max", "0", "--grid", "12", "--repeat", "1",
            "--t-end", "8", "--json"]
    errs = []
    for deg in ("16", "32"):
        assert main(args + ["--degree", deg]) == 0
        out = json.loads(capsys.readouterr().out)
        errs.append(out["q_max_error"])
        assert out["coefficient_error"] < 50 * EPS
        assert out["evolution"]["t_end"] == 8.0
        assert out["evolution"]["coefficient_error"] < 1e-11
        assert out["exact_representation"] is False  # T_ref = 1 != K(6.5)
    assert errs[1] < 1e-3 * errs[0]  # tail ratio 0.34 per two degrees: 0.34^8 ~ 2e-4


def test_bkw_table_output(capsys):
    assert main(["bkw", "--degree", "2", "--grid", "8", "--repeat", "1", "--kernel", "kac",
                 "--t", "8"]) == 0
    text = capsys.readouterr().out
    assert "max |Q_h - df/dt| on grid" in text and "kac" in text


def test_bkw_reports_negative_exact_solution(capsys):
    assert main(["bkw", "--t", "1", "--degree", "2", "--grid", "8", "--repeat", "1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("negative" in w for w in out["warnings"])


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--t", "-1"], "--t"),
        (["--t", "abc"], "--t"),
        (["--degree", "-2"], "--degree"),
        (["--l-max", "x"], "--l-max"),
        (["--temperature", "0"], "temperature"),
        (["--temperature", "hot"], "number"),
        (["--A0", "-1"], "A0"),
        (["--kernel", "s-3"], "negative"),
        (["--grid", "0"], "--grid"),
        (["--t-end", "5"], "--t-end"),
        (["--temperature", "0.25"], ">= 2 T_ref = 0.5"),  # K(6.5) = 0.661: series diverges
    ],
)
def test_bkw_bad_input_exit_2_one_line(capsys, argv, fragment):
    assert main(["bkw", "--degree", "2", "--grid", "8", "--repeat", "1"] + argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kacspectral: error:")
    assert fragment in err


def test_bkw_failed_integration_is_convergence_error(capsys, monkeypatch):
    # a failed solve_ivp is numerical trouble: exit 1 with one line, no traceback
    import types

    import scipy.integrate

    def failing(*args, **kwargs):
        return types.SimpleNamespace(success=False, message="step size too small")

    monkeypatch.setattr(scipy.integrate, "solve_ivp", failing)
    assert main(["bkw", "--degree", "2", "--grid", "8", "--repeat", "1", "--t-end", "8"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "step size too small" in err

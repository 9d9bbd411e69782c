"""The CLI's error/output policy (kacspectral.cli.main) and the input/cost checks of the
Boltzmann-side commands (ness, evolve, bkw, lemma3) and the library functions behind them.

Issue 8, item 3: every case of the issue's "Why" list for these commands is pinned here.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kacspectral.cli import _common, main
from kacspectral.cli._common import NonFiniteResult, Progress, check_finite, dumps_json, short

ROOT = Path(__file__).resolve().parents[1]


def run_cli(capsys, *argv):
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def assert_one_error_line(err: str, status: int, needle: str = "") -> None:
    assert status in (1, 2)
    assert err.count("\n") == 1, err
    assert err.startswith("kacspectral: "), err
    assert "Traceback" not in err
    assert needle in err, err


# ------------------------------------------------------------------------------ policy
def test_error_path_writes_nothing_on_stdout(capsys, monkeypatch):
    """A command that printed part of its output and then failed leaves stdout empty."""
    import kacspectral.cli.ness as ness_cli

    def half(args):
        print('{"partial": ')
        raise ValueError("late failure")

    monkeypatch.setattr(ness_cli, "run", half)
    status, out, err = run_cli(capsys, "ness", "--json")
    assert out == ""
    assert_one_error_line(err, status, "late failure")
    assert status == 2


def test_non_finite_result_refused_with_its_name(capsys, monkeypatch):
    import kacspectral.cli.ness as ness_cli

    def bad(args):
        _common.emit_json({"command": "ness", "moments": [1.0, float("nan")]})
        return 0

    monkeypatch.setattr(ness_cli, "run", bad)
    status, out, err = run_cli(capsys, "ness", "--json")
    assert status == 1 and out == ""
    assert_one_error_line(err, status, "moments[1] = nan")


def test_check_finite_and_strict_json():
    check_finite({"a": [1.0, 2], "b": None, "c": "inf"})  # strings and None are fine
    with pytest.raises(NonFiniteResult, match=r"x\.y\[2\] = inf"):
        check_finite({"x": {"y": [0.0, 1.0, float("inf")]}})
    import numpy as np

    with pytest.raises(NonFiniteResult, match="-inf"):
        dumps_json({"v": np.array([1.0, -np.inf])})
    text = dumps_json({"v": np.array([1.0, 2.0]), "f": _common.Fraction(1, 3)})
    assert json.loads(text) == {"v": [1.0, 2.0], "f": "1/3"}


def test_arithmetic_errors_are_numerical_trouble(capsys, monkeypatch):
    """OverflowError is bad input (a number too large for a float, exit 2); the others exit 1."""
    import kacspectral.cli.ness as ness_cli

    for exc, status in ((OverflowError("big"), 2), (MemoryError(), 1),
                        (ZeroDivisionError("zero"), 1), (FloatingPointError("fpe"), 1),
                        (np.linalg.LinAlgError("Singular matrix"), 1)):
        def boom(args, exc=exc):
            raise exc

        monkeypatch.setattr(ness_cli, "run", boom)
        st, out, err = run_cli(capsys, "ness")
        assert st == status and out == ""
        assert_one_error_line(err, st, "numerical trouble" if status == 1 else "error: big")


def test_internal_error_one_line_exit_3(capsys, monkeypatch):
    import kacspectral.cli.ness as ness_cli

    def bug(args):
        raise KeyError("oops")

    monkeypatch.setattr(ness_cli, "run", bug)
    monkeypatch.delenv("KACSPECTRAL_TRACEBACK", raising=False)
    st, out, err = run_cli(capsys, "ness")
    assert st == 3 and out == "" and err.count("\n") == 1
    assert "internal error: KeyError" in err and "Traceback" not in err


def test_warnings_on_stderr_with_prefix_never_stdout(capsys):
    """bkw --kernel kac: its negative-density warning is one prefixed stderr line (it used to
    be printed on stdout without the prefix)."""
    st, out, err = run_cli(capsys, "bkw", "--kernel", "kac", "--degree", "2", "--grid", "8",
                           "--repeat", "1")
    assert st == 0
    assert "warning" not in out.lower()
    lines = err.splitlines()
    assert lines and all(x.startswith("kacspectral: warning: ") for x in lines)


def test_python_warnings_become_prefixed_lines(capsys, monkeypatch):
    import warnings

    import kacspectral.cli.ness as ness_cli

    def noisy(args):
        warnings.warn("first\nsecond line", RuntimeWarning, stacklevel=1)
        warnings.warn("first\nsecond line", RuntimeWarning, stacklevel=1)
        print("result")
        return 0

    monkeypatch.setattr(ness_cli, "run", noisy)
    st, out, err = run_cli(capsys, "ness")
    assert st == 0 and out == "result\n"
    assert err == "kacspectral: warning: RuntimeWarning: first second line\n"


def test_help_and_version_reach_stdout(capsys):
    st, out, err = run_cli(capsys, "--version")
    assert st == 0 and out.startswith("kacspectral ") and err == ""
    st, out, err = run_cli(capsys)
    assert st == 2 and out == ""
    assert_one_error_line(err, st, "COMMAND is required: one of")
    assert "ness" in err


def test_broken_pipe_is_quiet():
    """``kacspectral ness | head -1``: the reader is gone before the result is written (the
    read end is closed at once), so the write fails with EPIPE: no traceback, no message."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "kacspectral", "ness", "--contraction-steps", "2", "--moments",
         "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert err == ""
    assert proc.returncode == 1


def test_write_stdout_broken_pipe(monkeypatch):
    from kacspectral import cli

    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    assert cli._write_stdout("x\n") == 1


# ------------------------------------------------------------------------------ numbers
@pytest.mark.parametrize(
    "text, needle",
    [
        ("1e400", "out of the float range"),
        ("-1e400", "out of the float range"),
        ("1e1000000000", "exponent must lie within"),
        ("1e-1000000000", "exponent must lie within"),
        ("1e300/1e-300", "out of the float range"),
        ("nan", "expected a number"),
        ("inf", "expected a number"),
        ("1/0", "expected a number"),
        ("9" * 300, "300-character"),
    ],
)
def test_number_refusals_are_short(text, needle):
    import argparse

    with pytest.raises(argparse.ArgumentTypeError) as info:
        _common.number(text)
    msg = str(info.value)
    assert needle in msg and len(msg) < 120


def test_number_accepts_exact_values():
    from fractions import Fraction

    assert _common.number("1/6") == Fraction(1, 6)
    assert _common.number("-1/2") == Fraction(-1, 2)
    assert _common.number("1e-300") == Fraction(1, 10**300)
    assert _common.number("1e308") == Fraction(10**308)


def test_short_form():
    from fractions import Fraction

    assert short(Fraction(10**308)) == "1e+308"
    assert short(Fraction(1, 6)) == "1/6"
    assert short(Fraction(10**400)) == "1e+400"
    assert short(Fraction(1, 10**320)) == "1e-320"
    assert len(short("x" * 1000)) <= 40


@pytest.mark.parametrize("text", ["9" * 40, "-1", "0", "x", "1.5"])
def test_positive_int_refusals(text):
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        _common.positive_int(text)


# ------------------------------------------------------------------------------ progress
class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_silent_off_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with Progress(10, "x") as bar:
        for i in range(10):
            bar(i + 1, 10)
    assert sys.stderr.getvalue() == ""


def test_progress_on_terminal_and_as_callback(monkeypatch):
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    with Progress(4, "work") as bar:
        bar(4, 4)  # the library-callback form
    assert "work [" in tty.getvalue() and "100.0%" in tty.getvalue()
    tty2 = _Tty()
    monkeypatch.setattr(sys, "stderr", tty2)
    with Progress(4, "work", enabled=False) as bar:  # --json
        bar.update(4)
    assert tty2.getvalue() == ""


# ------------------------------------------------------------------------------ the "Why" list
def _json(capsys, *argv):
    status, out, err = run_cli(capsys, *argv, "--json")
    return status, (json.loads(out) if out else None), err


def test_ness_tiny_gamma_right_answer(capsys):
    """``ness --gamma 1e-300`` (ZeroDivisionError before): as gamma -> 0 the NESS tends to the
    Maxwellian with the reservoir's energy, m_2 = 3T = 1, m_4 = 15 T^2 = 5/3 (T = 1/3); the
    O(gamma) correction is 1e-300.  The contraction bound d(Phi R, R)/(gamma(1 - beta)) is
    finite."""
    status, data, err = _json(capsys, "ness", "--gamma", "1e-300", "--contraction-steps", "2",
                              "--moments", "2")
    assert status == 0, err
    m = data["moments"]
    assert abs(m[1] - 1) <= 1e-14 and abs(m[2] - 5 / 3) <= 1e-12 * 5 / 3
    assert all(math.isfinite(r["bound"]) and r["bound"] > 1e290 for r in
               data["contraction"]["table"])


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["ness", "--gamma", "1e400"], "argument --gamma: 1e+400 is out of the float range"),
        (["ness", "--gamma", "1e308"], "got 1e+308"),
        (["ness", "--gamma", "1e-320"], "below the float range"),
        (["ness", "--temperatures", "1e-300", "1"], "needs K = 1.61181e+151 modes"),
        (["ness", "--temperatures", "1/10000", "1"], "at most K = 200 is possible"),
        (["ness", "--tol", "10"], "at most 0.01"),
        (["ness", "--tol", "1e-20"], "below the double-precision rounding unit"),
        (["ness", "--contraction-steps", "10000000"], "would run for about 5.81 days"),
        (["evolve", "--dt", "1e-9"], "1e+10 steps of etdrk4"),
        (["evolve", "--n-times", "100000000000"], "--n-times 100000000000 would run"),
        (["evolve", "--t-end", "1e308"], "more than 1e+15 steps"),
        (["bkw", "--grid", "2000"], "would need about 800 GB of memory"),
        (["bkw", "--grid", "600"], "would need about 21.7 GB of memory"),
        (["bkw", "--repeat", "100000000000000"], "would run for about"),
        (["bkw", "--t-end", "1e8"], "DOP853 evaluations) would run for about"),
        (["bkw", "--degree", "200"], "(its size at degree 40 alone)"),
        (["lemma3", "--m-max", "120"],
         "the validated range (beyond it the construction's rounding reaches the tolerance "
         "1e-11), got 120 (it would take about"),
        (["ness", "--moments", "99999999999999999999999999999999"], "32-character"),
    ],
)
def test_refusals_one_line_with_estimate(capsys, argv, needle):
    status, out, err = run_cli(capsys, *argv, "--json")
    assert status == 2 and out == ""
    assert_one_error_line(err, status, needle)
    assert not re.search(r"\d{40,}", err)


def test_ness_hopeful_ratio_flagged_exit_1(capsys):
    """A ratio the truncation represents only to ~rho^160 (1000: 4e-5): the result is printed,
    with a TruncationWarning line and exit status 1 (it was a silent exit 0)."""
    status, data, err = _json(capsys, "ness", "--temperatures", "1/1000", "1", "--moments", "1",
                              "--contraction-steps", "2")
    assert status == 1 and data is not None
    assert err.startswith("kacspectral: warning: TruncationWarning")


def test_evolve_header_states_the_step_used(capsys):
    """``evolve --dt 100`` (output spacing 1): clamped to 1 with a warning; the header and the
    JSON give the step used, and the counted evaluations confirm it (10 steps x 4 stages)."""
    status, data, err = _json(capsys, "evolve", "--dt", "100", "--degree", "4")
    assert status == 0
    assert data["dt"] == 1.0 and data["dt_requested"] == 100.0 and data["steps"] == 10
    assert data["rhs_evaluations"] == 10 * 4
    assert "--dt 100 is larger than the output spacing: the step used is 1" in err
    status, out, err = run_cli(capsys, "evolve", "--dt", "100", "--degree", "4")
    assert "dt = 1 (requested 100), 10 steps" in out


def test_library_refusals():
    from kacspectral.boltzmann.isotropic.contraction import picard_contraction
    from kacspectral.boltzmann.isotropic.exact import exact_moments
    from kacspectral.boltzmann.isotropic.ness import default_problem, solve_ness

    p = default_problem()
    with pytest.raises(ValueError, match=r"n_max = 10000 exact moments .* beyond the limit"):
        exact_moments(p, 10**4)
    r = solve_ness(p)
    with pytest.raises(ValueError, match=r"n_max = 10000000 steps .* days"):
        picard_contraction(p, n_max=10**7, ness=r)
    with pytest.raises(ValueError, match=r"n = 1000, leave double precision .* n must be <= "):
        r.moments(1000)
    with pytest.raises(ValueError, match="at most 0.01"):
        solve_ness(p, tol=10)


def test_library_refusals_lemma3_and_evolve():
    from kacspectral.boltzmann.anisotropic.evolution import EvolutionProblem, evolve
    from kacspectral.kac.lemma3 import lemma3_check
    from kacspectral.spectral.hermite_space import HermiteSpace

    with pytest.raises(ValueError, match=r"m_max = 120 is beyond the maximum 60: .* minutes"):
        lemma3_check(120)
    space = HermiteSpace(4, 1.0, 0)
    prob = EvolutionProblem(0, None, "constant", space)
    a0 = space.mixture([0.5, 0.5], [0.5, 1.5])
    with pytest.raises(ValueError, match="days"):
        evolve(prob, a0, [0.0, 10.0], dt=1e-9)


@pytest.mark.parametrize(
    "argv, label",
    [
        (["evolve", "--n-times", "2", "--t-end", "1", "--degree", "4"], "evolve ["),
        (["lemma3", "--m-max", "6"], "lemma3 m <= 6 ["),
        (["ness", "--contraction-steps", "3", "--moments", "2"], "Picard contraction table ["),
    ],
)
def test_long_commands_show_progress_on_a_terminal_only(capsys, monkeypatch, argv, label):
    """Issue 8 item 5: a bar on a terminal (reaching 100%), nothing with --json."""
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(argv) in (0, 1)
    assert label in tty.getvalue() and "100.0%" in tty.getvalue()
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main([*argv, "--json"]) in (0, 1)
    assert label not in tty.getvalue()

"""The CLI's error/output policy (kacspectral.cli.main) and the input/cost checks of the
Boltzmann-side commands (ness, evolve, bkw, lemma3) and the library functions behind them.

Issue 8, item 3: every case of the issue's "Why" list for these commands is pinned here.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

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
    import kacspectral.cli.ness as ness_cli

    for exc, status in ((OverflowError("big"), 1), (MemoryError(), 1),
                        (ZeroDivisionError("zero"), 1)):
        def boom(args, exc=exc):
            raise exc

        monkeypatch.setattr(ness_cli, "run", boom)
        st, out, err = run_cli(capsys, "ness")
        assert st == status and out == ""
        assert_one_error_line(err, st, "numerical trouble")


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
    """``kacspectral ness --json | head -c 1`` (the reader closes the pipe early)."""
    code = ("import sys; from kacspectral.cli import main; sys.exit(main(['ness', '--json', "
            "'--contraction-steps', '3', '--moments', '2']))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert proc.returncode in (0, 1)


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
    assert short(Fraction(10**400)).startswith("1e+400")
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

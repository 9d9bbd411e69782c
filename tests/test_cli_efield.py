"""``kacspectral efield`` in-process: JSON keys, constant-D exact states, bad input."""

import json

import pytest

from kacspectral import __version__
from kacspectral.cli import main


def _run_json(capsys, *argv):
    status = main(["efield", *argv, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def test_constant_d_exact_states(capsys):
    """Constant D: one state, u = E/(nu + D/T0), m2 = 3 T0 + T0 E u / D, both models."""
    E, nu, D, t0 = 0.8, 0.5, 1.25, 1.5
    data = _run_json(capsys, "--field", str(E), "--nu", str(nu), "--diffusion", str(D),
                     "--t0", str(t0), "--degree", "6", "--epsilon", "0.2")
    assert data["version"] == __version__ and data["folds"] == []
    u = E / (nu + D / t0)
    m2 = 3 * t0 + t0 * E * u / D
    assert sorted(s["model"] for s in data["states"]) == ["kinetic", "reduced"]
    for s in data["states"]:
        assert abs(s["u"] - u) < 1e-10 and abs(s["m2"] - m2) < 1e-10
        assert s["stable"] is True and s["E"] == E
    kin = [s for s in data["states"] if s["model"] == "kinetic"][0]
    assert kin["residual"] < 1e-11


def test_scan_folds_reduced(capsys):
    data = _run_json(capsys, "--scan", "1.1", "1.5", "5", "--reduced-only")
    assert len(data["folds"]) == 2
    lo, hi = sorted(f["E"] for f in data["folds"])
    assert abs(lo - 1.222) < 1e-3 and abs(hi - 1.397) < 1e-3  # the window
    counts = {}
    for s in data["states"]:
        counts[s["E"]] = counts.get(s["E"], 0) + 1
        for key in ("E", "u", "T", "m2", "stable", "model"):
            assert key in s
    assert [counts[e] for e in sorted(counts)] == [1, 1, 3, 1, 1]  # E = 1.3 is in the window


def test_unsettled_truncation_is_printed_flagged_and_exit_1(capsys):
    """Degree 12 at E = 1.3: complete JSON with each kinetic state's truncation estimate; the
    states the truncation cannot support are flagged on stderr and the status is 1."""
    status = main(["efield", "--degree", "12", "--json"])
    out = capsys.readouterr()
    assert status == 1
    data = json.loads(out.out)
    kin = [s for s in data["states"] if s["model"] == "kinetic"]
    assert len(kin) == 3 and data["truncation_tol"] == 1e-4
    assert all("truncation_error_T" in s and "truncation_settled" in s for s in kin)
    assert kin[2]["truncation_settled"] is False  # the hot state
    lines = out.err.strip().split("\n")
    assert lines
    assert all(line.startswith("kacspectral: warning: TruncationWarning") for line in lines)


def test_exact_kinetic_state_is_not_flagged(capsys):
    data = _run_json(capsys, "--field", "0.5", "--nu", "0", "--diffusion", "2", "--degree", "10")
    kin = [s for s in data["states"] if s["model"] == "kinetic"]
    assert kin and kin[0]["truncation_error_T"] < 1e-12


@pytest.mark.parametrize("argv", [
    ["--truncation-tol", "0"],
    ["--truncation-tol", "2"],
    ["--diffusion", "__import__('os')"],
    ["--diffusion", "-1"],
    ["--diffusion", "1 + x"],
    ["--scan", "1", "2", "x"],
    ["--scan", "1", "2", "0"],
    ["--field", "-1"],
    ["--epsilon", "0"],
    ["--degree", "61"],
    ["--degree", "1"],
    ["--kernel", "nonsense("],
])
def test_bad_input_exit_2_one_line(capsys, argv):
    assert main(["efield", *argv, "--reduced-only"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kacspectral: error:")


@pytest.mark.parametrize("argv", [
    ["--diffusion", "1/r"],  # a pole at r = 0 (was: RuntimeWarning lines on stderr)
    ["--diffusion", "exp(r**2)"],  # overflow (was: RuntimeWarning lines on stderr)
    ["--diffusion", "sqrt(r - 1) + 1"],  # complex for r < 1
    ["--diffusion", "1e308"],  # was exit 1 after overflow warnings
    ["--diffusion", "1e-300"],  # was exit 2 'Singular matrix' (a LinAlgError)
    ["--diffusion", "0"],
    ["--diffusion", "nan"],
    ["--diffusion", "inf"],
    ["--diffusion", "("],
    ["--diffusion", ""],
    ["--diffusion", "9**9**9**9"],
    ["--scan", "1", "nan", "3"],
    ["--scan", "1", "2", "100000000000000000000"],
    ["--scan", "1", "2", "2.5"],
    ["--nu", "nan"],
    ["--t0", "inf"],
    ["--field", "nan"],
])
@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_more_bad_input_exit_2_one_line(capsys, argv):
    assert main(["efield", *argv, "--reduced-only", "--json"]) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and cap.err.startswith("kacspectral: error:")
    assert cap.out == ""


@pytest.mark.parametrize("argv", [
    ["--field", "1e308"],  # was exit 0 with "states": [] (the state is far hotter than T0)
    ["--scan", "1", "1e308", "3"],
    ["--t0", "1e308"],
])
def test_no_state_in_range_exit_1_one_line(capsys, argv):
    assert main(["efield", *argv, "--reduced-only", "--json"]) == 1
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and cap.err.startswith("kacspectral: numerical trouble:")
    assert cap.out == ""


def test_collisionless_limit_is_reported_not_a_usage_error(capsys):
    """epsilon = 1e308 (no collisions): the kinetic Newton reached T < 0; this used to escape
    as a ValueError (exit 2, 't_ref must be positive'); it is numerical trouble, reported in
    ``kinetic_not_found``, and the JSON stays valid (status 1: the states found at degree 8
    are not settled in the truncation either)."""
    assert main(["efield", "--epsilon", "1e308", "--degree", "8", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    models = [s["model"] for s in data["states"]]
    assert data["kinetic_not_found"] and all("message" in m for m in data["kinetic_not_found"])
    assert models.count("kinetic") + len(data["kinetic_not_found"]) == models.count("reduced")


def test_expression_is_never_executed(tmp_path):
    """The diffusion text goes through the safe parser: nothing runs, no file appears."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.run(
        [sys.executable, "-m", "kacspectral", "efield", "--reduced-only", "--diffusion",
         "__import__('os').system('touch pwned')"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_time_budget_counts_the_reduced_states_found(capsys, monkeypatch):
    """The kinetic work is estimated from the reduced states actually found (one at E = 0.5,
    three at E = 1.3), not three per field: with the budget between 1 and 3 states' worth,
    E = 0.5 runs and E = 1.3 is refused before any kinetic solve (one line, exit 2)."""
    import kacspectral.errors as errors
    from kacspectral.cli.efield import solve_seconds

    per_state = sum(solve_seconds(k) for k in (2, 4, 6, 8, 10))
    monkeypatch.setattr(errors, "TIME_BUDGET_SECONDS", 2 * per_state)
    data = _run_json(capsys, "--field", "0.5", "--degree", "10", "--truncation-tol", "0.5")
    assert [s["model"] for s in data["states"]] == ["reduced", "kinetic"]
    assert main(["efield", "--field", "1.3", "--degree", "10", "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and len(out.err.strip().splitlines()) == 1
    assert "3 kinetic state(s) at 1 field(s)" in out.err

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


@pytest.mark.parametrize("argv", [
    ["--diffusion", "__import__('os')"],
    ["--diffusion", "-1"],
    ["--diffusion", "1 + x"],
    ["--scan", "1", "2", "x"],
    ["--scan", "1", "2", "0"],
    ["--field", "-1"],
    ["--epsilon", "0"],
    ["--degree", "40"],
    ["--kernel", "nonsense("],
])
def test_bad_input_exit_2_one_line(capsys, argv):
    assert main(["efield", *argv, "--reduced-only"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kacspectral: error:")

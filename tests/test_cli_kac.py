"""CLI tests of ``kacspectral kac-gap`` and ``kacspectral reservoir`` (in-process)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from kacspectral.cli import main
from kacspectral.kac.finite_reservoir import (
    ReservoirProblem,
    energy_sector_distance,
    energy_state,
)


def test_kac_gap_json(capsys):
    assert main(["kac-gap", "--particles", "4", "--degree", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert abs(out["gap"] - 4 / 15 * 4 / 3) <= 1e-12
    assert out["agrees_with_claim"] is True
    assert out["gap_mode"]["degree"] == 3 and out["gap_mode"]["spins"] == [1]
    assert "versions" in out and out["modes"]


def test_kac_gap_table(capsys):
    assert main(["kac-gap", "-N", "2", "--degree", "3"]) == 0
    out = capsys.readouterr().out
    assert "DISAGREES" in out and "0.666666666666" in out


def test_reservoir_json(capsys):
    argv = ["reservoir", "--system", "2", "--reservoir", "10", "100", "1000", "--times", "0",
            "1.5", "inf", "--mu", "1/2", "--epsilon", "1/4", "--gap-degree", "2", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["rows"]) == 9
    for row in out["rows"]:
        t = math.inf if row["t"] == "inf" else row["t"]
        p = ReservoirProblem(2, row["N"], mu=Fraction(1, 2))
        ref = energy_sector_distance(p, [t], Fraction(1, 4))[0]
        assert abs(row["distance"] - ref) <= 1e-14
        assert set(row) == {"N", "t", "distance", "bound", "ratio"}
        if row["bound"] > 0:
            assert row["ratio"] == pytest.approx(row["distance"] / row["bound"], rel=1e-14)
    assert out["rows"][0]["ratio"] is None  # t = 0: distance and bound vanish
    # long-time distance sqrt(M/(M+N)) ||h0 - 1||: least-squares slope of the closed form
    ns = [10, 100, 1000]
    xs = [math.log(n) for n in ns]
    ys = [0.5 * math.log(2 / (2 + n)) for n in ns]
    xm, ym = sum(xs) / 3, sum(ys) / 3
    num = sum((x - xm) * (y - ym) for x, y in zip(xs, ys, strict=True))
    slope = num / sum((x - xm) ** 2 for x in xs)
    assert abs(out["exponent_in_N"]["inf"] - slope) <= 1e-12
    assert out["constants"][0]["k"] == pytest.approx(0.5 / 3 * 1.2, abs=1e-12)


def test_reservoir_table(capsys):
    assert main(["reservoir", "-M", "1", "-N", "5", "-t", "1", "--initial", "quartic"]) == 0
    out = capsys.readouterr().out
    assert "distance" in out and "k =" in out


@pytest.mark.parametrize("argv", [
    ["kac-gap", "--particles", "1"],
    ["kac-gap", "--particles", "3", "--degree", "9"],
    ["kac-gap", "--particles", "10", "--degree", "6"],
    ["kac-gap", "--particles", "10", "--degree", "5"],
    ["kac-gap", "--particles", "x"],
    ["kac-gap", "--particles", "3", "--lambda-s", "-1"],
    ["reservoir", "-M", "2", "-N", "1", "-t", "1"],
    ["reservoir", "-M", "2", "-N", "5", "-t", "-1"],
    ["reservoir", "-M", "0", "-N", "5", "-t", "1"],
    ["reservoir", "-M", "2", "-N", "5", "-t", "1", "--mu", "0"],
    ["reservoir", "-M", "2", "-N", "5", "-t", "1", "--initial", "cubic"],
    ["reservoir", "-M", "2", "-N", "5", "-t", "1", "--epsilon", "0"],
])
def test_bad_input_exit_2_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kacspectral: error:")


def test_energy_state_default_matches_issue():
    # h0 = 1 + a sum_i ((2 pi/3)|v_i|^2 - 1) with x = sqrt(2 pi) v
    h = energy_state(1, 1)
    assert h[(0, 0, 0)] == 0 and h[(2, 0, 0)] == Fraction(1, 3)


@pytest.mark.parametrize("n,degree", [(10, 6), (10, 5), (4, 8), (3, 10), (2, 41)])
def test_kac_gap_degree_cap_names_n_and_degree(n, degree, capsys):
    # searches estimated above 10 minutes are refused before any computation, with the estimate
    assert main(["kac-gap", "-N", str(n), "--degree", str(degree)]) == 2
    err = capsys.readouterr().err
    assert f"--degree {degree}" in err and f"N = {n}" in err and err.count("\n") == 1


def test_kac_gap_progress_counts_sectors():
    from kacspectral.kac.generators import kac_gap
    calls = []
    kac_gap(3, 2, progress=lambda: calls.append(1))
    assert len(calls) == 4 * 2  # 4 parity classes per degree, degrees 1 and 2

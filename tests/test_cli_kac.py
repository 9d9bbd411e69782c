"""CLI tests of ``kacspectral kac-gap`` and ``kacspectral reservoir`` (in-process)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
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
    from kacspectral.kac.spectral_gap import kac_gap
    calls = []
    kac_gap(3, 2, progress=lambda: calls.append(1))
    assert len(calls) == 4 * 2  # 4 parity classes per degree, degrees 1 and 2


def test_output_saves_the_result_that_load_gives_back(tmp_path, capsys):
    """``--output FILE``: ``kacspectral.load(FILE)`` is the result of the library call, bit for
    bit (references: the library's own result, and the energy sector's closed form)."""
    import kacspectral as ks
    from kacspectral.kac.finite_reservoir import ReservoirSweepResult, reservoir_distance
    from kacspectral.kac.results import KacGapResult
    from kacspectral.kac.spectral_gap import kac_gap
    from kacspectral.results import from_dict

    out = tmp_path / "gap.json"
    assert main(["kac-gap", "-N", "4", "--degree", "3", "--lambda-s", "1/2", "--json",
                 "--output", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    saved = ks.load(out)
    assert isinstance(saved, KacGapResult) and saved == kac_gap(4, 3, Fraction(1, 2))
    assert type(saved.lambda_s) is Fraction and saved.claimed_gap == Fraction(4, 15) * 4 / 3 / 2
    assert from_dict(data) == saved  # --json is the same to_dict(), plus documented keys
    assert data["gap_mode"]["degree"] == 3 and data["claim"].startswith("Delta_N")

    out = tmp_path / "res.json"
    assert main(["reservoir", "-M", "2", "-N", "10", "100", "-t", "0", "1/3", "inf", "--mu",
                 "1/2", "--epsilon", "1/4", "--gap-degree", "2", "--json",
                 "--output", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    sweep = ks.load(out)
    assert isinstance(sweep, ReservoirSweepResult) and sweep.epsilon == Fraction(1, 4)
    assert [p.reservoir for p in sweep.problems] == [10, 100] and sweep.initial == "energy"
    h0 = energy_state(2, Fraction(1, 4))
    for prob, res in zip(sweep.problems, sweep.results, strict=True):
        assert prob == ReservoirProblem(2, prob.reservoir, mu=Fraction(1, 2))
        ref = reservoir_distance(prob, h0, [0, 1 / 3, math.inf], gap_degree=2)
        assert res.times.tobytes() == ref.times.tobytes()
        assert res.distance.tobytes() == ref.distance.tobytes()
        assert res.bound.tobytes() == ref.bound.tobytes() and res.k_mode == ref.k_mode
        closed = energy_sector_distance(prob, res.times, Fraction(1, 4))
        assert np.max(np.abs(res.distance - closed)) <= 1e-14
    assert from_dict(data["result"]).results[1].distance.tobytes() == \
        sweep.results[1].distance.tobytes()
    # an unwritable --output is bad input: exit status 2, one line, before any output
    assert main(["kac-gap", "-N", "3", "--degree", "2", "--output",
                 str(tmp_path / "no" / "x.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--output" in err[0]

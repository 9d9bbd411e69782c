"""Extreme and bad input of the Kac side (issue 8 item 3): each case is a right answer, checked
against an independent reference, or a refusal (exit status 2, one line on stderr).

References: the closed form of the energy sector (:func:`energy_sector_distance`, independent
of the sector machinery) and the exact claimed rates (4/15, 1/3, 2/5) N/(N-1).
"""

from __future__ import annotations

import json
import math
import sys
from fractions import Fraction

import pytest

from kacspectral.cli import main
from kacspectral.kac.finite_reservoir import (
    ReservoirProblem,
    energy_sector_distance,
    energy_state,
    reservoir_distance,
    reservoir_gap,
)
from kacspectral.kac.results import KacGapResult, ReservoirDistanceResult, ReservoirGapResult
from kacspectral.kac.sectors import gap_search_cost
from kacspectral.kac.spectral_gap import kac_gap, reduced_pools
from kacspectral.results import load


def _run(argv, capsys):
    code = main(argv)
    cap = capsys.readouterr()
    if code:
        assert cap.err.count("\n") == 1 and cap.err.startswith("kacspectral:"), cap.err
        assert cap.out == ""
    return code, cap.out, cap.err


def test_reservoir_huge_time_is_the_long_time_limit(capsys):
    code, out, _ = _run(["reservoir", "-M", "1", "-N", "10", "-t", "1e308", "inf", "--json"],
                        capsys)
    assert code == 0
    rows = json.loads(out)["rows"]  # complete, valid JSON (no nan)
    ref = energy_sector_distance(ReservoirProblem(1, 10), [math.inf], Fraction(1, 10))[0]
    for row in rows:
        assert abs(row["distance"] - ref) <= 1e-15
        assert math.isfinite(row["bound"]) and row["bound"] > row["distance"]
    assert rows[0]["bound"] == pytest.approx(rows[1]["bound"], rel=1e-15)
    code, out, _ = _run(["reservoir", "-M", "1", "-N", "10", "-t", "1e308"], capsys)
    assert code == 0 and "nan" not in out


def test_reservoir_time_zero_is_exactly_zero():
    r = reservoir_distance(ReservoirProblem(2, 10), energy_state(2, Fraction(1, 4)), [0.0])
    assert r.distance[0] == 0.0 and r.bound[0] == 0.0


@pytest.mark.parametrize("ns", [["10", "10"], ["10", "100"], ["10", "10", "100"]])
def test_reservoir_no_fit_below_three_distinct_n(ns, capsys):
    code, out, _ = _run(["reservoir", "-M", "1", "-N", *ns, "-t", "1", "--gap-degree", "1",
                         "--json"], capsys)
    assert code == 0 and "exponent_in_N" not in json.loads(out)
    code, out, _ = _run(["reservoir", "-M", "1", "-N", *ns, "-t", "1", "--gap-degree", "1"],
                        capsys)
    assert "fitted exponent" not in out and "3 or more needed" in out


def test_kac_gap_below_degree_three_gives_no_verdict(capsys):
    code, out, _ = _run(["kac-gap", "-N", "3", "--degree", "2"], capsys)
    assert code == 0
    assert "DISAGREES" not in out and "agrees" not in out
    assert "cannot contain the gap mode" in out
    code, out, _ = _run(["kac-gap", "-N", "3", "--degree", "2", "--json"], capsys)
    data = json.loads(out)
    assert data["agrees_with_claim"] is None and data["verdict"].startswith("undecided")
    res = kac_gap(3, 2)
    assert res.agrees_with_claim is None
    assert res.claimed_gap == Fraction(4, 15) * Fraction(3, 2)  # exact


@pytest.mark.parametrize("bad", [2.5, True, "3", 3.0, None])
def test_kac_gap_refuses_non_integers(bad):
    with pytest.raises(TypeError, match="n_particles must be an integer"):
        kac_gap(bad, degree=2)
    with pytest.raises(TypeError, match="degree must be an integer"):
        kac_gap(3, degree=bad)


@pytest.mark.parametrize("kwargs,match", [
    (dict(n_particles=1), "n_particles"), (dict(n_particles=10**13), "at most 1e12"),
    (dict(degree=0), "degree"), (dict(lambda_s=0), "lambda_s must be > 0, got 0"),
    (dict(lambda_s=-1), "lambda_s must be > 0"), (dict(lambda_s=float("nan")), "lambda_s"),
    (dict(lambda_s=float("inf")), "lambda_s"), (dict(lambda_s=1e308), "lambda_s"),
    (dict(max_modes=0), "max_modes"),
])
def test_kac_gap_bad_values(kwargs, match):
    args = dict(n_particles=3, degree=2) | kwargs
    with pytest.raises((ValueError, TypeError), match=match):
        kac_gap(**args)


def test_kac_gap_costly_search_refused_with_estimate():
    # kac_gap(3, degree=8) is feasible (estimate ~100 s, measured in validation/bench_kac.py);
    # degree 12 is refused before any work, naming the estimate
    assert gap_search_cost([(reduced_pools(3, m), m) for m in range(1, 9)])["seconds"] < 3600
    with pytest.raises(ValueError, match=r"too costly: largest sector dimension \d+, "
                                         r"estimated .* s and .* GiB"):
        kac_gap(3, degree=12)


def test_lambda_scaling_is_exact():
    a, b = kac_gap(4, 3), kac_gap(4, 3, lambda_s=Fraction(10) ** 200)
    assert b.gap == pytest.approx(a.gap * 1e200, rel=1e-15)
    assert b.agrees_with_claim is True


def test_reservoir_many_system_particles_right_answer(capsys):
    # -M 50 (the energy state is exchangeable: a pooled sector, cheap) against the closed form
    code, out, _ = _run(["reservoir", "-M", "50", "-N", "10", "-t", "1", "inf", "--json"],
                        capsys)
    assert code == 0
    ref = energy_sector_distance(ReservoirProblem(50, 10), [1.0, math.inf], Fraction(1, 10))
    got = [r["distance"] for r in json.loads(out)["rows"]]
    assert max(abs(g - r) for g, r in zip(got, ref, strict=True)) <= 1e-14 * max(ref)


def test_reservoir_unbounded_work_refused():
    # a non-exchangeable h0 over 50 labelled particles: estimate first, refuse
    h0 = dict(energy_state(50, Fraction(1, 10)))
    h0[(1,) + (0,) * 149] = Fraction(1, 7)
    with pytest.raises(ValueError, match="too costly"):
        reservoir_distance(ReservoirProblem(50, 10), h0, [1.0])


def test_mu_zero_message(capsys):
    code, _, err = _run(["reservoir", "-M", "2", "-N", "5", "-t", "1", "--mu", "0"], capsys)
    assert code == 2 and "--mu must be > 0, got 0" in err
    with pytest.raises(ValueError, match=r"mu must be > 0, got 0$"):
        ReservoirProblem(2, 5, mu=0)


def test_results_are_dataclasses_with_to_dict_and_save(tmp_path):
    res = kac_gap(3, 3)
    assert isinstance(res, KacGapResult)
    data = res.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert data["claimed_gap"] == "2/5" and data["lambda_s"] == "1"
    assert "versions" in data and data["modes"][0]["degree"] == 3
    path = res.save(tmp_path / "gap.json")
    assert json.loads(path.read_text()) == json.loads(text)
    back = load(path)
    assert back == res and type(back.claimed_gap) is Fraction and back.gap_mode == res.gap_mode
    with pytest.warns(DeprecationWarning):
        assert res["gap"] == res.gap
    r = reservoir_distance(ReservoirProblem(1, 10), energy_state(1, Fraction(1, 10)),
                           [1.0, math.inf])
    assert isinstance(r, ReservoirDistanceResult)
    d = r.to_dict()
    json.dumps(d, allow_nan=False)
    # inf is not JSON: a tagged value, read back as inf
    assert d["times"]["data"] == [1.0, {"__type__": "float", "value": "inf"}]
    back = load(r.save(tmp_path / "dist.json"))
    assert back.times.tobytes() == r.times.tobytes() and back.k_mode == r.k_mode
    assert back.distance.tobytes() == r.distance.tobytes()
    with pytest.warns(DeprecationWarning):
        assert r["lambda"] == r.rate_lambda
    g = reservoir_gap(ReservoirProblem(1, 10), 3, max_modes=1)
    assert isinstance(g, ReservoirGapResult) and g.k == -g.mode.eigenvalue == r.k
    with pytest.warns(DeprecationWarning):
        assert g["k"] == g.k and g["modes"] == list(g.modes)


OPTION_VALUES = ["0", "-1", "nan", "inf", "1e308", "1e400", "1e99999999", "10000000000000",
                 "x"]
RESERVOIR_BASE = ["reservoir", "-M", "1", "-N", "5", "-t", "1", "--gap-degree", "1"]
KAC_BASE = ["kac-gap", "-N", "3", "--degree", "2", "--modes", "2"]


def _replace(base, option, value):
    argv = list(base)
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]
    return argv + ["--json"]


@pytest.mark.parametrize("option", ["-M", "-N", "-t", "--mu", "--lambda-s", "--lambda-r",
                                    "--epsilon", "--gap-degree"])
def test_reservoir_every_option_extreme_values(option, capsys):
    for value in OPTION_VALUES:
        code, out, err = _run(_replace(RESERVOIR_BASE, option, value), capsys)
        assert code in (0, 2), (option, value, err)
        if code == 0:
            data = json.loads(out)
            for row in data["rows"]:
                assert math.isfinite(row["distance"]) and math.isfinite(row["bound"])


@pytest.mark.parametrize("option", ["-N", "--degree", "--lambda-s", "--modes"])
def test_kac_gap_every_option_extreme_values(option, capsys):
    for value in OPTION_VALUES:
        code, out, err = _run(_replace(KAC_BASE, option, value), capsys)
        assert code in (0, 2), (option, value, err)
        if code == 0:
            assert math.isfinite(json.loads(out)["gap"])


@pytest.mark.parametrize("argv", [
    ["reservoir", "-M", "1", "-N", "5", "10", "-t", "1", "--gap-degree", "1"],
    ["kac-gap", "-N", "3", "--degree", "2"],
])
def test_progress_on_a_terminal_only(argv, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(argv) == 0
    assert "[" in capsys.readouterr().err  # the bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(argv + ["--json"]) == 0
    assert capsys.readouterr().err == ""


def _exchangeable_brute_force(comp, M):
    import itertools
    for perm in itertools.permutations(range(M)):
        for e, c in comp.items():
            f = tuple(x for i in perm for x in e[3 * i:3 * i + 3])
            if comp.get(f, 0) != c:
                return False
    return True


def test_exchangeability_check_against_all_permutations():
    # the O(M) multiset check (what makes -M 1000 cheap) against the M! permutations
    import itertools

    import numpy as np

    from kacspectral.kac.finite_reservoir import _is_exchangeable

    rng = np.random.default_rng(5)
    exps = [e for e in itertools.product(range(3), repeat=3) if sum(e) <= 2]
    for trial in range(40):
        M = 3
        comp: dict = {}
        for _ in range(3):
            parts = [exps[i] for i in rng.integers(len(exps), size=M)]
            c = Fraction(int(rng.integers(1, 3)))
            perms = itertools.permutations(range(M)) if trial % 2 else [tuple(range(M))]
            for perm in perms:
                comp[tuple(x for i in perm for x in parts[i])] = c
        comp = {e: c for e, c in comp.items() if any(e)}
        if comp:
            assert _is_exchangeable(comp, M) == _exchangeable_brute_force(comp, M)

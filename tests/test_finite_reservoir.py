"""Tests of kacspectral.kac.finite_reservoir: exact distance, closed forms, constants of the
bound."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from kacspectral.kac.finite_reservoir import (
    ReservoirProblem,
    energy_sector_distance,
    energy_state,
    expectations,
    lemma1_constant,
    quartic_state,
    reservoir_distance,
    seed_bound,
    thermostat_l,
    wick_components,
)

EPS = np.finfo(float).eps
TIMES = [0.0, 0.05, 0.7, 3.0, 25.0, math.inf]


def test_wick_components():
    comps = wick_components({(4, 0, 0): Fraction(1), (0, 1, 1): Fraction(2)})
    assert comps == {4: {(4, 0, 0): 1}, 2: {(2, 0, 0): 6, (0, 1, 1): 2}, 0: {(0, 0, 0): 3}}
    q = wick_components(quartic_state(2, Fraction(1, 3)))
    assert set(q) == {0, 4} and q[0] == {(0,) * 6: 1}
    e = wick_components(energy_state(3, Fraction(1, 2)))
    assert set(e) == {0, 2} and e[0] == {(0,) * 9: 1}


@pytest.mark.parametrize("M,N,mu", [(1, 2, 1), (2, 10, Fraction(1, 2)), (3, 1000, 2),
                                    (1, 10**6, 1)])
def test_energy_sector_matches_closed_form(M, N, mu):
    p = ReservoirProblem(M, N, lambda_s=Fraction(3), lambda_r=Fraction(1, 2), mu=mu)
    r = reservoir_distance(p, energy_state(M, Fraction(1, 5)), TIMES, with_bound=False)
    ref = energy_sector_distance(p, TIMES, Fraction(1, 5))
    assert np.max(np.abs(r.distance - ref)) <= 100 * EPS * r.norm0
    # long-time limit ||R[h0] - 1|| = sqrt(M/(M+N)) ||h0 - 1||
    assert abs(r.distance[-1] - math.sqrt(M / (M + N)) * r.norm0) <= 100 * EPS


def test_labelled_and_pooled_system_agree():
    p = ReservoirProblem(2, 7, mu=Fraction(3, 2))
    h0 = quartic_state(2, Fraction(1, 4))
    a = reservoir_distance(p, h0, TIMES, with_bound=False, pool_system=True)
    b = reservoir_distance(p, h0, TIMES, with_bound=False, pool_system=False)
    assert np.max(np.abs(a.distance - b.distance)) <= 1e-14
    assert abs(a.norm0 - b.norm0) <= 1e-14


def test_quartic_long_time_is_projection():
    from kacspectral.kac.generators import PolynomialSector
    from kacspectral.kac.projector import projector_matrix
    M, N = 2, 30
    p = ReservoirProblem(M, N)
    h0 = quartic_state(M, Fraction(1, 4))
    r = reservoir_distance(p, h0, [math.inf], with_bound=False)
    sec = PolynomialSector((M, N), 4, (0, 0, 0))
    y = np.zeros(len(sec))
    for e, c in wick_components(h0)[4].items():
        parts = [e[0:3], e[3:6]]
        key = (tuple(sorted((q for q in parts if any(q)), reverse=True)), ())
        y[sec.index[key]] = float(c)
    y *= sec.scale
    assert abs(np.linalg.norm(projector_matrix(sec) @ y) - r.distance[0]) <= 1e-14


def test_short_time_slope():
    # d/dt ||h_t - h~_t|| at 0 = ||(L - L~) u0|| = mu alpha0 M sqrt(6/N)/3 (energy sector)
    M, N, mu, eps = 2, 50, 1.5, Fraction(1, 4)
    p = ReservoirProblem(M, N, mu=Fraction(3, 2))
    # d(t)/t = slope (1 + O(t)); at t = 1e-6 the relative truncation is ~1e-6, asserted 1e-5
    t = np.array([1e-6, 2e-6])
    d = reservoir_distance(p, energy_state(M, eps), t, with_bound=False).distance
    slope = mu * float(eps) / 3 * M * math.sqrt(6 / N) / 3
    assert abs(d[0] / t[0] - slope) <= 1e-5 * slope
    assert abs(d[1] / d[0] - 2) <= 1e-5


def test_distance_exponent_in_N_is_one_half():
    # long-time distance of the energy state: exactly sqrt(M/(M+N)) ||h0 - 1||, of order
    # sqrt(M/N); the fitted exponent equals that of the exact law, and is -1/2 up to the
    # (M + N)/N correction (about M/N_min = 0.02 at N_min = 100; asserted 0.005)
    ns = np.array([100, 1000, 10**4, 10**5, 10**6])
    rs = [reservoir_distance(ReservoirProblem(2, int(n)), energy_state(2, Fraction(1, 4)),
                             [math.inf], with_bound=False) for n in ns]
    d = np.array([r.distance[0] for r in rs])
    exact = np.sqrt(2 / (2 + ns)) * rs[0].norm0
    assert np.max(np.abs(d - exact)) <= 100 * EPS * rs[0].norm0  # rounding ~ EPS norm0
    slope = np.polyfit(np.log(ns), np.log(d), 1)[0]
    # relative error of d at most 100 EPS norm0 / d(10^6) ~ 1.6e-11, hence of the slope too
    assert abs(slope - np.polyfit(np.log(ns), np.log(exact), 1)[0]) <= 1e-10
    assert abs(slope + 0.5) <= 0.005


@pytest.mark.parametrize("M", [1, 2, 3])
def test_quartic_long_time_is_of_order_M_over_N(M):
    # h0 - 1 = eps sum_i :|x_i|^4:/15 (no energy/momentum part): R[h0] - 1 is dominated by its
    # projection on :E^2:, E = sum over all M + N particles, which gives (hand computation,
    # ||:|x|^4:||^2 = 120, ||:E^2:||^2 = 72 K^2 + 48 K, K = M + N)
    # ||R[h0] - 1|| / ||h0 - 1|| -> sqrt(5M/3) / (M + N), relative corrections O(1/N)
    # (measured 0.34/N); it is always below the Lemma 1 sup sqrt(M/(M+N)).
    for N in (1000, 10000):
        r = reservoir_distance(ReservoirProblem(M, N), quartic_state(M, Fraction(1, 4)),
                               [math.inf], with_bound=False)
        ratio = r.distance[0] / r.norm0
        assert abs(ratio * (M + N) / math.sqrt(5 * M / 3) - 1) <= 1 / N
        assert ratio <= math.sqrt(M / (M + N))


def test_bound_constants_and_bound_holds():
    assert abs(lemma1_constant(1, 10) - (math.sqrt(3 / 25) + math.sqrt(1.1**3 - 1))) <= 10 * EPS
    lres = thermostat_l(20)
    assert lres["l2"] == Fraction(7, 15) * Fraction(8, 15) and lres["block"] == (0, 2)
    p = ReservoirProblem(2, 20, mu=Fraction(1, 2))
    r = reservoir_distance(p, quartic_state(2, Fraction(1, 5)), TIMES[:-1], gap_degree=2)
    assert np.all(r.distance <= r.bound + 1e-15)
    # gap of L on degree <= 2: momentum/energy exchange at (mu/3)(1 + M/N)
    assert abs(r.k - 0.5 / 3 * (1 + 2 / 20)) <= 1e-12
    b = seed_bound(p, np.array([0.0, math.inf]), r.k, r.l, 1.0)
    assert b[0] == 0 and abs(b[1] - lemma1_constant(2, 20)) <= 10 * EPS


def test_bad_input():
    with pytest.raises(ValueError, match="system"):
        ReservoirProblem(0, 5)
    with pytest.raises(ValueError, match="reservoir"):
        ReservoirProblem(1, 1)
    with pytest.raises(ValueError, match="mu"):
        ReservoirProblem(1, 5, mu=-1)
    p = ReservoirProblem(2, 5)
    with pytest.raises(ValueError, match="times"):
        reservoir_distance(p, energy_state(2, 1), [-1.0])
    with pytest.raises(ValueError, match="variables"):
        reservoir_distance(p, energy_state(1, 1), [1.0])
    with pytest.raises(ValueError, match="normalised"):
        reservoir_distance(p, {(0,) * 6: Fraction(2)}, [1.0])
    with pytest.raises(ValueError, match="h0 must be a non-empty dict"):
        reservoir_distance(p, {}, [1.0])
    with pytest.raises(ValueError, match="h0 must be a non-empty dict"):
        expectations(p, {}, {"x": {(1, 0, 0, 0, 0, 0): 1}}, [1.0])
    with pytest.raises(ValueError, match="observable 'x' must be a non-empty dict"):
        expectations(p, energy_state(2, 1), {"x": {}}, [1.0])
    with pytest.raises(ValueError, match=r"observable 'x' must be a polynomial in 3M = 6"):
        expectations(p, energy_state(2, 1), {"x": {(1, 0, 0): 1}}, [1.0])


def test_momentum_perturbation_labelled_layout():
    # h0 = 1 + a x_{1,3}: Wick degree 1, not exchangeable; R[h0] - 1 = a P_3/(M+N), so the
    # long-time distance is ||h0 - 1|| / sqrt(M+N)
    p = ReservoirProblem(2, 10)
    h0 = {(0,) * 6: Fraction(1), (0, 0, 1, 0, 0, 0): Fraction(1, 10)}
    r = reservoir_distance(p, h0, [0.5, math.inf], with_bound=False)
    assert r.exchangeable_system is False
    assert abs(r.distance[1] / r.norm0 - 1 / math.sqrt(12)) <= 100 * EPS
    assert abs(r.norm0 - 0.1) <= 10 * EPS

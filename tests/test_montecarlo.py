"""Monte Carlo jump processes against the exact sector evolution.

Every Monte Carlo tolerance is in standard errors: z = (estimate - exact) / SE, SE the sample
standard deviation / sqrt(samples), and |z| < Z_CRIT = 3.5 is asserted.  Under the null
hypothesis z is asymptotically standard normal, so one comparison fails with probability
P(|Z| > 3.5) = 4.7e-4 and a test of K comparisons with at most K * 4.7e-4 (Bonferroni; K = 8
in test_mc_agrees_with_exact: 0.4%).  The RNG is seeded, so the outcome is deterministic.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from kacspectral.kac.finite_reservoir import INITIAL_STATES, ReservoirProblem, expectations
from kacspectral.kac.montecarlo import sample_initial, simulate
from kacspectral.kac.tables import poly_mul

X2 = {(2, 0, 0, 0, 0, 0): Fraction(1), (0, 2, 0, 0, 0, 0): Fraction(1),
      (0, 0, 2, 0, 0, 0): Fraction(1)}
X4 = poly_mul(X2, X2)
TIMES = [0.0, 0.4, 1.5, 4.0]
Z_CRIT = 3.5


def _z(problem, kind, initial, eps, samples, seed):
    h0 = INITIAL_STATES[initial](problem.system, eps)
    ex = expectations(problem, h0, {"x2": X2, "x4": X4}, TIMES, kind)
    r = simulate(problem, TIMES, samples, kind=kind, initial=initial, epsilon=eps, seed=seed)
    z2 = (r["v2"] - ex["x2"] / (2 * math.pi)) / r["v2_se"]
    z4 = (r["v4"] - ex["x4"] / (2 * math.pi) ** 2) / r["v4_se"]
    return z2, z4


@pytest.mark.parametrize("kind", ["R", "T"])
@pytest.mark.parametrize("initial,eps", [("energy", Fraction(1, 2)), ("quartic", Fraction(3, 4))])
def test_mc_agrees_with_exact(kind, initial, eps):
    p = ReservoirProblem(2, 12, lambda_s=Fraction(1, 2), lambda_r=Fraction(2), mu=Fraction(3, 2))
    z2, z4 = _z(p, kind, initial, eps, 6000, seed=7)
    assert np.all(np.abs(z2) < Z_CRIT) and np.all(np.abs(z4) < Z_CRIT)


def test_mc_detects_wrong_rate():
    # the same simulation compared with the exact evolution at a different mu (half the true
    # one) is rejected at the same threshold (measured: |z| = 5.3 at t = 1.5, 6000 samples)
    p = ReservoirProblem(2, 12, mu=Fraction(3, 2))
    q = ReservoirProblem(2, 12, mu=Fraction(3, 4))
    h0 = INITIAL_STATES["energy"](2, Fraction(1, 2))
    ex = expectations(q, h0, {"x2": X2}, TIMES, "R")
    r = simulate(p, TIMES, 6000, kind="R", initial="energy", epsilon=Fraction(1, 2), seed=7)
    z = (r["v2"] - ex["x2"] / (2 * math.pi)) / r["v2_se"]
    assert np.max(np.abs(z)) > Z_CRIT


@pytest.mark.parametrize("initial,eps", [("energy", Fraction(1, 3)), ("quartic", Fraction(3, 4))])
def test_initial_sampling_moments(initial, eps):
    rng = np.random.default_rng(3)
    x = sample_initial(rng, 40000, 2, 3, initial, eps)
    h0 = INITIAL_STATES[initial](2, eps)
    p = ReservoirProblem(2, 3)
    ex = expectations(p, h0, {"x2": X2, "x4": X4}, [0.0], "R")
    r2 = np.sum(x[:, 0] ** 2, axis=1)
    for vals, ref in [(r2, ex["x2"][0]), (r2**2, ex["x4"][0])]:
        assert abs(vals.mean() - ref) < Z_CRIT * vals.std(ddof=1) / math.sqrt(len(vals))
    # reservoir components stay standard normal: E[w^2] = 1, Var[w^2] = 2, so the mean of the
    # 9 * 40000 independent squares has SE sqrt(2 / 360000)
    w2 = x[:, 2:] ** 2
    assert abs(w2.mean() - 1) < Z_CRIT * math.sqrt(2 / w2.size)
    # and the first particle is visibly not standard normal (E|x|^2 = 3, E|x|^4 = 15 for it)
    zg = [abs(v.mean() - g) / (v.std(ddof=1) / math.sqrt(len(v))) for v, g in [(r2, 3),
                                                                               (r2**2, 15)]]
    assert max(zg) > 10


def test_seeded_and_bad_input():
    p = ReservoirProblem(1, 5)
    a = simulate(p, [0.5], 100, seed=4)
    b = simulate(p, [0.5], 100, seed=4)
    assert np.array_equal(a["v2"], b["v2"])
    c = simulate(p, [0.5], 100, seed=5)
    assert not np.array_equal(a["v2"], c["v2"])
    with pytest.raises(ValueError, match="epsilon"):
        simulate(p, [0.5], 100, epsilon=2)
    with pytest.raises(ValueError, match="increasing"):
        simulate(p, [1.0, 0.5], 100)
    with pytest.raises(ValueError, match="kind"):
        simulate(p, [1.0], 100, kind="X")

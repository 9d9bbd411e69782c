"""The isotropic GTW distance (kacspectral.boltzmann.gtw).

Reference: an analytic family whose sup is found independently by mpmath (root of the derivative
at 40 digits), plus the k -> 0 limit and the refusal of states with different moments.
"""

import math

import mpmath
import numpy as np
import pytest

from kacspectral.boltzmann.gtw import gtw_distance, gtw_distance_coefficients
from kacspectral.boltzmann.isotropic.bobylev import (
    coefficients_moments,
    coefficients_phi,
    mixture_coefficients,
)

EPS = float(np.finfo(float).eps)


def _pair(T, delta):
    """f = (M_{T-delta} + M_{T+delta})/2 and g = M_T: equal mass and energy."""

    def phi_f(k):
        k = np.asarray(k, dtype=float)
        return 0.5 * (np.exp(-0.5 * (T - delta) * k**2) + np.exp(-0.5 * (T + delta) * k**2))

    def phi_g(k):
        return np.exp(-0.5 * T * np.asarray(k, dtype=float) ** 2)

    df = [math.prod(range(1, 2 * n + 2, 2)) for n in range(6)]
    mf = [0.5 * ((T - delta) ** n + (T + delta) ** n) * df[n] for n in range(6)]
    mg = [T**n * df[n] for n in range(6)]
    return phi_f, phi_g, mf, mg


def _reference_sup(T, delta):
    """F = e^{-T u}(cosh(delta u) - 1)/(2u), u = k^2/2: maximise in u with mpmath."""
    with mpmath.workdps(40):
        T, delta = mpmath.mpf(T), mpmath.mpf(delta)
        F = lambda u: mpmath.exp(-T * u) * (mpmath.cosh(delta * u) - 1) / (2 * u)  # noqa: E731
        u0 = mpmath.findroot(lambda u: mpmath.diff(F, u), 1 / T)
        return float(F(u0)), float(mpmath.sqrt(2 * u0))


@pytest.mark.parametrize("T, delta", [(1.0, 0.5), (0.3, 0.25), (2.0, 0.1)])
def test_analytic_family(T, delta):
    phi_f, phi_g, mf, mg = _pair(T, delta)
    res = gtw_distance(phi_f, phi_g, mf, mg)
    ref, k_ref = _reference_sup(T, delta)
    # phi_f - phi_g is formed from O(1) values: absolute rounding ~ eps / k^2
    assert abs(res.distance - ref) < 16 * EPS / k_ref**2
    assert abs(res.k_star - k_ref) < 1e-6 * k_ref
    # symmetric
    assert abs(gtw_distance(phi_g, phi_f, mg, mf).distance - res.distance) < 4 * EPS * ref


def test_identical_states_have_zero_distance():
    phi_f, _, mf, _ = _pair(1.0, 0.5)
    assert gtw_distance(phi_f, phi_f, mf, mf).distance == 0.0


def test_small_k_limit_is_the_taylor_form():
    """With a tiny admissible second-moment mismatch, F(0) = |dm_2|/6 is the sup when the
    rest is smaller; the direct quotient would lose all digits there."""
    T = 1.0
    dm2 = 1e-11  # below the default relative tolerance 1e-10 * 3

    def phi_f(k):
        return np.exp(-0.5 * (T + dm2 / 3) * np.asarray(k, dtype=float) ** 2)

    def phi_g(k):
        return np.exp(-0.5 * T * np.asarray(k, dtype=float) ** 2)

    df = [math.prod(range(1, 2 * n + 2, 2)) for n in range(6)]
    mf = [(T + dm2 / 3) ** n * df[n] for n in range(6)]
    mg = [T**n * df[n] for n in range(6)]
    res = gtw_distance(phi_f, phi_g, mf, mg)
    # F(k) = (e^{-Tk^2/2}(1 - e^{-dm2 k^2/6}))/k^2 -> dm2/6 at k = 0, decreasing in k
    assert res.k_star < 1e-3
    assert abs(res.distance - dm2 / 6) < 1e-6 * dm2 / 6


def test_refuses_different_moments():
    phi_f, phi_g, mf, mg = _pair(1.0, 0.5)
    bad = list(mg)
    bad[1] = 3.5
    with pytest.raises(ValueError, match=r"equal second moments: m_2\[f\] = 3.0, m_2\[g\] = 3.5"):
        gtw_distance(phi_f, phi_g, mf, bad)
    bad = list(mg)
    bad[0] = 0.9
    with pytest.raises(ValueError, match=r"equal masses: m_0\[f\] = 1.0, m_0\[g\] = 0.9"):
        gtw_distance(phi_f, phi_g, mf, bad)
    with pytest.raises(ValueError, match="at least"):
        gtw_distance(phi_f, phi_g, [1.0], [1.0])
    a = mixture_coefficients([1.0], [0.5], 0.5, 10)
    b = mixture_coefficients([1.0], [0.6], 0.5, 10)
    with pytest.raises(ValueError, match="equal second moments"):
        gtw_distance_coefficients(a, b, 0.5)


def test_coefficient_form_matches_callable_form():
    t_ref, K = math.sqrt(0.02 * 0.18), 60
    a = mixture_coefficients([0.5, 0.5], [0.05, 0.15], t_ref, K)  # energy 0.3 = 3 * 0.1
    b = mixture_coefficients([0.25, 0.5, 0.25], [0.02, 0.1, 0.18], t_ref, K)
    r1 = gtw_distance_coefficients(a, b, t_ref)
    r2 = gtw_distance(
        lambda k: coefficients_phi(a, t_ref, k),
        lambda k: coefficients_phi(b, t_ref, k),
        coefficients_moments(a, t_ref, 5),
        coefficients_moments(b, t_ref, 5),
    )
    # closed-form phi of the mixtures, maximised on a fine grid, as a third check
    k = np.linspace(1e-3, 40.0, 200001)
    pa = 0.5 * (np.exp(-0.025 * k**2) + np.exp(-0.075 * k**2))
    pb = 0.25 * np.exp(-0.01 * k**2) + 0.5 * np.exp(-0.05 * k**2) + 0.25 * np.exp(-0.09 * k**2)
    grid_sup = np.max(np.abs(pa - pb) / k**2)
    assert abs(r1.distance - r2.distance) < 1e-12 * r1.distance
    assert grid_sup <= r1.distance * (1 + 1e-12)
    assert r1.distance - grid_sup < 1e-8 * r1.distance

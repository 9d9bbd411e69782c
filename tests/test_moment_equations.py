"""The sympy moment equations against independent exact facts (isotropic reduction, BKW, NESS)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from kacspectral.boltzmann.anisotropic.moment_equations import (
    E_VEC,
    MomentEquations,
    gain_moment_coefficients,
    pair_average,
)
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

EPS = np.finfo(float).eps


@pytest.mark.parametrize("name", ["constant", "kac", "3*(1+s)**2/4"])
def test_isotropic_reduction(name):
    # conventions page, section 3, isotropic reduction: for isotropic f, g with
    # c_n = (-1)^n m_2n/(2n+1)!,
    # m2' = B10 m2_f + B01 m2_g and m4' = B20 m4_f + B02 m4_g + (10/3) B11 m2_f m2_g.
    k = get_kernel(name)
    c = gain_moment_coefficients(k)
    assert c["a_p"] + 3 * c["b_p"] == k.B_exact(1, 0)
    assert c["a_m"] + 3 * c["b_m"] == k.B_exact(0, 1)
    assert c["c_p"] == k.B_exact(2, 0)
    assert c["c_m"] == k.B_exact(0, 2)
    assert sp.simplify(c["p"] + c["q"] / 3 - sp.Rational(10, 3) * k.B_exact(1, 1)) == 0


def test_bilaplacian_is_120_times_sphere_average():
    x, y, z = sp.symbols("x y z")
    rng = np.random.default_rng(4)
    monos = [x**a * y**b * z**(4 - a - b) for a in range(5) for b in range(5 - a)]
    P = sum(int(rng.integers(-5, 6)) * m for m in monos)
    lap = lambda f: sp.diff(f, x, 2) + sp.diff(f, y, 2) + sp.diff(f, z, 2)  # noqa: E731
    avg = pair_average(P.subs({x: E_VEC[0], y: E_VEC[1], z: E_VEC[2]}, simultaneous=True),
                       get_kernel("constant"))
    assert sp.simplify(lap(lap(P)) - 120 * avg) == 0


def test_bkw_fourth_moment():
    # conventions page, section 5: phi = (1 + A k^2) exp(-(1/2 + A) k^2) gives m2 = 3 and
    # m4 = 5! [k^4 coefficient] = 15 - 60 A^2, A = A0 exp(-t/6).
    eq = MomentEquations(0, None, "constant")
    A0 = -0.2
    times = [0.0, 1.0, 3.5, 10.0]
    S, m4 = eq.solve(np.eye(3), 15 - 60 * A0**2, times)
    ref = 15 - 60 * (A0 * np.exp(-np.array(times) / 6)) ** 2
    assert np.max(np.abs(m4 - ref)) <= 64 * EPS * 15
    assert np.max(np.abs(S - np.eye(3))) <= 8 * EPS


def test_ness_moments_math_md_example():
    # conventions page, section 4: gamma = 1/2, R = (M_{1/6} + M_{1/2})/2, b = 1: m2 = 1,
    # m4 = 65/36.
    R = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    eq = MomentEquations("1/2", R, "constant")
    S_inf, m4_inf = eq.steady_state()
    assert S_inf.trace() == 1 and m4_inf == sp.Rational(65, 36)
    # and the exact solution tends to it with the rate 1 - lambda of the energy
    S, m4 = eq.solve(np.diag([0.2, 0.3, 0.9]), 2.0, [200.0])
    assert abs(np.trace(S[0]) - 1) < 1e-12 and abs(m4[0] - 65 / 36) < 1e-10


def test_energy_rate_is_one_minus_lambda():
    # d m2/dt = gamma (1 - beta) (m2_R - m2): the exponent equals 1 - lambda (seed 003, sec. 2)
    R = MaxwellianMixture(["1/3", "2/3"], ["1/2", "2"])
    for name in ["constant", "kac"]:
        k = get_kernel(name)
        gamma = sp.Rational(3, 10)
        eq = MomentEquations(gamma, R, k)
        S, _ = eq.solve(np.eye(3), 15, [2.0])
        lam = (1 - gamma) + gamma * k.B_exact(1, 0)
        m2R = 3 * float(R.temperature_exact)
        ref = m2R + (3 - m2R) * np.exp(-float(1 - lam) * 2.0)
        assert abs(np.trace(S[0]) - ref) <= 64 * EPS * 3


def _stress_rate_mpmath(kernel) -> float:
    """Independent decay rate of the traceless stress under Q(f, f) (Funk-Hecke on Bobylev's
    formula, conventions page, section 3): e.S'e gets the weights |u+-|^2 P2(cos theta+-) with
    |u+-|^2 = (1 +- s)/2, cos^2 theta+- = (1 +- s)/2, so the (n, l) = (0, 2) gain eigenvalue is
    (1/2) int b(s) [(1+s)(1+3s) + (1-s)(1-3s)]/8 ds and the rate is 1 minus it."""
    import mpmath

    a, c = kernel.exponents

    def b(s):  # endpoint factors in mpmath (tanh-sinh never evaluates at s = +-1)
        return (1 - s) ** a * (1 + s) ** c * float(kernel.smooth(np.array([float(s)]))[0])

    with mpmath.workdps(30):
        gain = mpmath.quad(lambda s: b(s) * ((1 + s) * (1 + 3 * s) + (1 - s) * (1 - 3 * s)) / 8,
                           [-1, 0, 1])
        norm = mpmath.quad(b, [-1, 0, 1])
    return float(1 - gain / norm)


def test_anisotropy_relaxes_at_the_stress_rate():
    eq = MomentEquations(0, None, "kac")
    S0 = np.array([[1.0, 0.2, 0.0], [0.2, 2.0, 0.1], [0.0, 0.1, 3.0]])
    S, m4 = eq.solve(S0, 40.0, [0.0, 1.0, 200.0])
    assert np.allclose(S[0], S0, atol=0, rtol=4 * EPS)
    # traceless part decays as exp(-rate t), rate from an mpmath quadrature of b
    D0 = S0 - np.trace(S0) / 3 * np.eye(3)
    rate = _stress_rate_mpmath(get_kernel("kac"))
    assert np.max(np.abs(S[1] - np.trace(S0) / 3 * np.eye(3) - D0 * np.exp(-rate))) <= 1e-12
    assert np.max(np.abs(S[-1] - 2 * np.eye(3))) < 1e-12  # tr S conserved, isotropic limit
    assert abs(m4[-1] - 15 * 4) < 1e-10  # Maxwellian with T = 2: m4 = 15 T^2


def test_bad_input():
    with pytest.raises(ValueError, match="gamma must be in"):
        MomentEquations(1, None, "constant")
    with pytest.raises(ValueError, match="needs a reservoir"):
        MomentEquations("1/2", None, "constant")
    with pytest.raises(ValueError, match="no unique steady state"):
        MomentEquations(0, None, "constant").steady_state()


def test_float_kernel_from_callable():
    # A kernel without exact expression: the s-moments are floats, the structure checks use a
    # tolerance (they used to fail on 6e-16 residuals).  Reference values: the isotropic
    # reduction with the kernel's float B_ij, and the stress rate by mpmath.
    from kacspectral.physics.kernels import kernel_from_callable

    k = kernel_from_callable(lambda s: 1 + 0.5 * np.sin(s))
    c = {key: float(v) for key, v in gain_moment_coefficients(k).items()}
    tol = 64 * EPS
    assert abs(c["a_p"] + 3 * c["b_p"] - k.B(1, 0)) <= tol
    assert abs(c["a_m"] + 3 * c["b_m"] - k.B(0, 1)) <= tol
    assert abs(c["c_p"] - k.B(2, 0)) <= tol and abs(c["c_m"] - k.B(0, 2)) <= tol
    assert abs(c["p"] + c["q"] / 3 - 10 / 3 * k.B(1, 1)) <= tol
    rate = _stress_rate_mpmath(k)
    assert abs(1 - (c["a_p"] + c["a_m"]) - rate) <= 1e-13
    eq = MomentEquations(0, None, k)
    S, _ = eq.solve(np.diag([1.0, 2.0, 3.0]), 40.0, [2.0])
    assert np.max(np.abs(S[0] - np.diag([-1.0, 0.0, 1.0]) * np.exp(-2 * rate) - 2 * np.eye(3))) \
        <= 1e-12
    # cache: the same object hits, a garbage-collected id cannot be reused by a new kernel
    assert gain_moment_coefficients(k) == gain_moment_coefficients(k)
    k2 = kernel_from_callable(lambda s: 1 + 0.25 * s**2, normalize=True)
    c2 = gain_moment_coefficients(k2)
    assert abs(float(c2["c_p"]) - k2.B(2, 0)) <= tol

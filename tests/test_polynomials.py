"""Orthonormal He_n / Laguerre recurrences and Gauss rules (kacspectral.spectral.polynomials)."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import special

from kacspectral.spectral.polynomials import (
    gauss_hermite_e,
    gauss_jacobi,
    gauss_laguerre,
    gauss_laguerre_scaled,
    hermite_e_orthonormal,
    laguerre_function_orthonormal,
    laguerre_orthonormal,
)

EPS = np.finfo(float).eps


@pytest.mark.parametrize("temperature", [1.0, 1 / (2 * math.pi), 3.5])
def test_hermite_e_orthonormal_at_degree_200(temperature):
    # Gauss rule with 260 nodes is exact for degree 2*200 < 2*260 - 1.
    n_max = 200
    x, w = gauss_hermite_e(260, temperature)
    h = hermite_e_orthonormal(n_max, x, temperature)
    gram = (h * w) @ h.T
    err = np.max(np.abs(gram - np.eye(n_max + 1)))
    assert err < 2000 * EPS, err


def test_hermite_e_matches_sympy_exact_values():
    x = sp.Rational(7, 10)
    vals = hermite_e_orthonormal(30, [0.7])[:, 0]
    for n in (0, 1, 5, 17, 30):
        exact = sp.hermite_prob(n, x) / sp.sqrt(sp.factorial(n))
        assert abs(vals[n] - float(exact)) <= 50 * EPS * max(1.0, abs(float(exact)))


@pytest.mark.parametrize("alpha", [0.0, 0.5, 2.5])
def test_laguerre_orthonormal_at_degree_200(alpha):
    # 210 nodes integrate F_m F_n = e^{-x} q_m q_n (degree <= 400) exactly against x^alpha;
    # the scaled weights avoid the underflow of the plain ones beyond x ~ 700
    n_max = 200
    x, w = gauss_laguerre_scaled(210, alpha)
    f = laguerre_function_orthonormal(n_max, alpha, x)
    gram = (f * w) @ f.T
    err = np.max(np.abs(gram - np.eye(n_max + 1)))
    # measured: 2e-12 at 210 nodes, growing with the node count (the error sits in the
    # (0, 0) entry, i.e. in the quadrature weights, not in the recurrence)
    assert err < 50000 * EPS, err


def test_laguerre_recurrence_matches_mpmath_at_degree_200():
    import mpmath as mp

    mp.mp.dps = 40
    for xx in (0.5, 30.0, 300.0):
        q = laguerre_orthonormal(200, 0.0, [xx])[200, 0]
        ref = float(mp.laguerre(200, 0, xx))
        assert abs(q - ref) <= 100 * EPS * max(1.0, abs(ref))


def _laguerre_scaled_weights_mpmath(n, alpha, x):
    """Reference: scaled Gauss-Laguerre weights ``w_i exp(x_i)`` at 50 digits.  The nodes are
    polished by 4 Newton steps from scipy's (quadratic convergence: 1e-16 -> 1e-64), then
    ``w_i = Gamma(n+a+1) x_i / (n! (n+1)^2 L_{n+1}(x_i)^2)``; error ~1e-48, negligible."""
    import mpmath as mp

    with mp.workdps(50):
        a = mp.mpf(alpha)
        out = []
        for x0 in x:
            xi = mp.mpf(float(x0))
            for _ in range(4):
                xi += mp.laguerre(n, a, xi) / mp.laguerre(n - 1, a + 1, xi)  # L_n' = -L_{n-1}^(a+1)
            lp = mp.laguerre(n + 1, a, xi)
            out.append(
                mp.gamma(n + a + 1) * xi * mp.exp(xi) / (mp.factorial(n) * (n + 1) ** 2 * lp**2)
            )
        return out


def test_scaled_weights_against_mpmath():
    """The scaled weights, to what scipy's own weights deliver (measured here, not assumed).

    At n = 210 the plain weights underflow beyond x ~ 700.  Where they exist, scipy's weights
    carry a relative error E_scipy (measured against the 50-digit reference: 1.0e-12 with
    scipy 1.17; it varies with the scipy version), and the scaled ones are w_i exp(x_i), so
    they may carry E_scipy plus x_i eps from the exponential.  Beyond, they come from the
    Laguerre-function identity (measured 4e-14 against the reference; bound 1000 eps).
    """
    import mpmath as mp

    n, alpha = 210, 0.5
    x, w = gauss_laguerre(n, alpha)
    _, ws = gauss_laguerre_scaled(n, alpha)
    ref = _laguerre_scaled_weights_mpmath(n, alpha, x)
    err = np.array([float(abs(ws[i] / ref[i] - 1)) for i in range(n)])
    plain = w > 1e-280
    assert (~plain).sum() >= 10  # the underflow regime is exercised (10 nodes at n = 210)
    e_scipy = max(float(abs(w[i] * mp.exp(x[i]) / ref[i] - 1)) for i in np.flatnonzero(plain))
    assert np.all(err[plain] <= e_scipy + (x[plain] + 4) * EPS), (err[plain].max(), e_scipy)
    assert np.max(err[~plain]) <= 1000 * EPS, np.max(err[~plain])


def test_laguerre_functions_are_weighted_polynomials():
    x = np.linspace(0.0, 600.0, 301)
    f = laguerre_function_orthonormal(150, 0.5, x)
    q = laguerre_orthonormal(150, 0.5, x)
    with np.errstate(over="ignore", invalid="ignore"):
        ref = q * np.exp(-0.5 * x)
    ok = np.isfinite(ref)
    assert np.max(np.abs(f - ref)[ok]) < 1e-10
    assert np.all(np.isfinite(f))


def test_laguerre_orthonormal_matches_scipy_at_low_degree():
    """Against scipy's eval_genlaguerre.  Measured against a 40-digit mpmath sum of the explicit
    series on this grid: scipy's error <= 6.2 eps and ours <= 2.4 eps (relative to
    max(1, max|ref|), scipy 1.17), so the two differ by at most ~9 eps; bound 20 eps."""
    x = np.linspace(0, 20, 41)
    q = laguerre_orthonormal(12, 0.5, x)
    for n in range(13):
        norm = math.sqrt(math.gamma(n + 1.5) / math.factorial(n))
        ref = special.eval_genlaguerre(n, 0.5, x) / norm
        assert np.max(np.abs(q[n] - ref)) < 20 * EPS * max(1.0, np.max(np.abs(ref)))


def _jacobi_moment(a, c, d):
    """int_{-1}^{1} (1-s)^a (1+s)^c s^d ds, exactly: s = (1+s) - 1 and Beta functions."""
    import mpmath as mp

    mp.mp.dps = 40
    return sum(
        mp.binomial(d, k) * (-1) ** (d - k)
        * mp.mpf(2) ** (a + c + k + 1) * mp.beta(a + 1, c + k + 1)
        for k in range(d + 1)
    )


@pytest.mark.parametrize("a,c", [(0.0, 0.0), (-0.5, 0.0), (0.0, -0.5), (0.5, 1.5)])
def test_gauss_jacobi_exact_for_polynomials(a, c):
    n = 12
    x, w = gauss_jacobi(n, a, c)
    for deg in (0, 3, 2 * n - 1, 2 * n - 2):
        exact = float(_jacobi_moment(a, c, deg))
        num = float(np.dot(w, x**deg))
        assert abs(num - exact) < 100 * EPS * max(1.0, abs(exact)), (deg, num, exact)
    # and not exact one degree beyond
    exact = float(_jacobi_moment(a, c, 2 * n))
    assert abs(float(np.dot(w, x ** (2 * n))) - exact) > 1e-10 * abs(exact)


@pytest.mark.parametrize("n", [50, 200, 400])
def test_kac_jacobi_rule_accurate_at_high_order(n):
    # int_{-1}^1 (1-s)^(-1/2) ((1+s)/2)^j ds = 2 sqrt(2) * 2^{2j} (j!)^2 / (2j+1)!  (Beta function)
    x, w = gauss_jacobi(n, -0.5, 0.0)
    for j in (0, 1, 7):
        exact = 2 * math.sqrt(2) * float(sp.beta(sp.Rational(1, 2), j + 1)) / 2
        num = float(np.dot(w, ((1 + x) / 2) ** j))
        assert abs(num / exact - 1) < 400 * EPS, (n, j, num / exact - 1)


def test_gauss_hermite_e_moments():
    x, w = gauss_hermite_e(10, temperature=2.0)
    assert abs(w.sum() - 1) < 10 * EPS
    assert abs(np.dot(w, x**2) - 2.0) < 20 * EPS
    assert abs(np.dot(w, x**4) - 3 * 4.0) < 50 * EPS


@pytest.mark.parametrize(
    "call",
    [
        lambda: hermite_e_orthonormal(-1, [0.0]),
        lambda: hermite_e_orthonormal(3, [0.0], temperature=0.0),
        lambda: laguerre_orthonormal(3, -1.0, [0.0]),
        lambda: gauss_jacobi(0),
        lambda: gauss_jacobi(3, -1.0, 0.0),
        lambda: gauss_laguerre(4, -2.0),
    ],
)
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_laguerre_large_alpha_does_not_overflow():
    # Gamma(alpha + 1) overflows a float beyond alpha ~ 170; the recurrence starts from lgamma.
    # Reference: q_1 = (alpha + 1 - x) / sqrt(Gamma(alpha + 2)) in logarithms.
    alpha, x = 200.5, np.array([150.0, 250.0])
    q = laguerre_orthonormal(1, alpha, x)
    ref = (alpha + 1 - x) * np.exp(-0.5 * math.lgamma(alpha + 2))
    assert np.all(np.isfinite(q)) and np.all(q[0] > 0)
    assert np.max(np.abs(q[1] / ref - 1)) < 100 * EPS


def test_legendre_coefficients_exact_against_bonnet_and_numpy():
    """The one exact Legendre table (closed form) against Bonnet's recurrence in exact
    rationals, and against numpy's leg2poly in floats."""
    from fractions import Fraction

    from kacspectral.spectral.polynomials import legendre_coefficients

    p0, p1 = [Fraction(1)], [Fraction(0), Fraction(1)]
    assert legendre_coefficients(0) == p0 and legendre_coefficients(1) == p1
    for n in range(1, 25):
        nxt = [Fraction(0)] * (n + 2)
        for k, c in enumerate(p1):
            nxt[k + 1] += Fraction(2 * n + 1, n + 1) * c
        for k, c in enumerate(p0):
            nxt[k] -= Fraction(n, n + 1) * c
        p0, p1 = p1, nxt
        assert legendre_coefficients(n + 1) == p1
    ref = np.polynomial.legendre.leg2poly([0] * 12 + [1])
    got = np.array([float(c) for c in legendre_coefficients(12)])
    assert np.max(np.abs(got - ref)) <= 1e-12 * np.max(np.abs(ref))
    with pytest.raises(ValueError, match="non-negative integer"):
        legendre_coefficients(-1)

"""Exact NESS moments (kacspectral.boltzmann.isotropic.exact).

Independent references: the worked example of the conventions page, section 4 (m_4 = 65/36),
energy conservation m_2[f_inf] = m_2[R] (a theorem, not the recursion), the single-reservoir case
(NESS = M_T), ``kernel.B_exact`` for the fast rational B table, a direct sympy series expansion of
the fixed-point equation, and closed-form Sonine coefficients of Maxwellians.
"""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from kacspectral.boltzmann.isotropic.exact import (
    exact_B_table,
    exact_moments,
    exact_taylor_coefficients,
    sonine_coefficients,
    sonine_density,
    sonine_reference_density,
    sonine_terms_needed,
)
from kacspectral.boltzmann.isotropic.ness import NessProblem, default_problem
from kacspectral.physics.kernels import S, get_kernel, kernel_from_callable
from kacspectral.physics.reservoirs import MaxwellianMixture

EPS = float(np.finfo(float).eps)


def test_worked_example():
    m = exact_moments(default_problem(), 2)
    assert m == [1, 1, Fraction(65, 36)]
    assert all(isinstance(x, Fraction) for x in m)


@pytest.mark.parametrize("kernel", ["constant", "kac", "3*(1+s)**2/4", "1+s", "15*s**2/8 + 3/8"])
def test_fast_B_table_equals_B_exact(kernel):
    kern = get_kernel(kernel)
    table = exact_B_table(kern, 6)
    for i in range(7):
        for j in range(7 - i):
            assert sp.nsimplify(table[i][j]) == kern.B_exact(i, j), (i, j)


@pytest.mark.parametrize("kernel", ["constant", "kac", "3*(1+s)**2/4", "15*s**2/8 + 3/8"])
def test_B_table_against_mpmath_quadrature_of_the_definition(kernel):
    """B_ij = (1/2) int b(s) ((1+s)/2)^i ((1-s)/2)^j ds by tanh-sinh quadrature (mpmath.quad,
    30 digits; handles the kac endpoint singularity) -- independent of the Beta closed form
    shared by the fast table and B_exact.  (sympy.integrate is not used: it returns -1/3 for
    the kac B_01.)"""
    kern = get_kernel(kernel)
    table = exact_B_table(kern, 7)
    # with (1-s)/2 = t^2, B_ij = int_0^1 b(1-2t^2) (1-t^2)^i t^(2j) 2t dt: the kac factor
    # (1-s)^(-1/2) times 2t is smooth, so the quadrature converges fast
    t = sp.Symbol("t", positive=True)
    b = sp.lambdify(t, sp.simplify(kern.expr.subs(S, 1 - 2 * t**2) * 2 * t), "mpmath")
    with mpmath.workdps(30):
        for i, j in ((0, 0), (1, 0), (0, 1), (2, 3), (3, 0), (0, 5), (4, 3)):
            ref = mpmath.quad(lambda x, i=i, j=j: b(x) * (1 - x**2) ** i * x ** (2 * j), [0, 1])
            val = table[i][j]
            got = mpmath.mpf(val.numerator) / val.denominator
            assert abs(got - ref) < mpmath.mpf(10) ** -25, (i, j, got, ref)


def test_float_kernel_coefficients_are_not_guessed_as_rationals():
    """1 + 0.333333333333 s is *not* 1 + s/3: no rational guessing (sympy.nsimplify would give
    B_10 = 5/9).  Either the kernel carries the exact decimal value or it is refused."""
    try:
        kern = get_kernel("1+0.333333333333*s")
    except ValueError:
        return
    if not kern.is_exact:
        return
    try:
        b10 = exact_B_table(kern, 1)[1][0]
    except ValueError as exc:
        assert "floating-point" in str(exc)
        return
    assert b10 == Fraction(1, 2) + Fraction(333333333333, 10**12) / 6
    assert b10 != Fraction(5, 9)


@pytest.mark.parametrize("kernel", ["constant", "kac", "1+s"])
@pytest.mark.parametrize("gamma", ["1/2", "1/7"])
def test_energy_and_mass_exact(kernel, gamma):
    res = MaxwellianMixture(["1/5", "1/2", "3/10"], ["1/4", "1/2", "1"])
    m = exact_moments(NessProblem(gamma, res, kernel), 3)
    assert m[0] == 1
    assert m[1] == res.moment_exact(1)


@pytest.mark.parametrize("kernel", ["constant", "kac", "3*(1+s)**2/4"])
def test_single_reservoir_gives_its_maxwellian(kernel):
    T = Fraction(2, 7)
    m = exact_moments(NessProblem("1/3", MaxwellianMixture([1], [T]), kernel), 8)
    assert m == [T**n * np.prod(range(1, 2 * n + 2, 2), dtype=object) for n in range(9)]


def test_recursion_against_sympy_series_of_the_fixed_point_equation():
    """Solve f = Phi(f) order by order with sympy series of Bobylev's isotropic formula."""
    kern = get_kernel("3*(1+s)**2/4")
    gamma = sp.Rational(2, 5)
    res = MaxwellianMixture(["1/3", "2/3"], ["1/5", "1"])
    k, s = sp.symbols("k s", positive=True)
    N = 4
    cs = sp.symbols(f"c1:{N + 1}")
    phi = lambda x: 1 + sum(c * x ** (2 * (n + 1)) for n, c in enumerate(cs))  # noqa: E731
    R = lambda x: sum(  # noqa: E731
        sp.Rational(w.numerator, w.denominator)
        * sp.exp(-sp.Rational(t.numerator, t.denominator) * x**2 / 2)
        for w, t in zip(res.weights, res.temperatures, strict=True)
    )
    kp, km = k * sp.sqrt((1 + s) / 2), k * sp.sqrt((1 - s) / 2)
    b = kern.expr.subs(kern.expr.free_symbols.pop(), s) if kern.expr.free_symbols else kern.expr
    integrand = sp.series(
        (1 - gamma) * phi(kp) * phi(km) + gamma * phi(kp) * R(km), k, 0, 2 * N + 1
    ).removeO()
    eqs = []
    poly = sp.Poly(sp.expand(integrand), k)
    for n in range(1, N + 1):
        coeff = poly.coeff_monomial(k ** (2 * n))
        eqs.append(sp.integrate(sp.expand(b * coeff), (s, -1, 1)) / 2 - cs[n - 1])
    sol = sp.solve(eqs, cs, dict=True)
    ref = [1] + [sol[0][c] for c in cs]
    got = exact_taylor_coefficients(NessProblem(gamma, res, kern), N)
    # the nonlinear system has one solution with c_0 = 1 branch; ours must be it
    assert [sp.nsimplify(x) for x in got] == [sp.nsimplify(x) for x in ref]


def test_irrational_B_kernel_uses_sympy_arithmetic():
    kern = get_kernel("1 + sqrt(2)*s/2")
    res = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    m = exact_moments(NessProblem("1/2", res, kern), 3)
    assert sp.simplify(m[1] - 1) == 0  # energy kept, symbolically
    assert not sp.sympify(m[2]).is_rational  # genuinely irrational


def test_non_exact_kernel_refused():
    kern = kernel_from_callable(lambda s: 0.75 * (1 + s**2) * np.ones_like(s), name="quadr")
    with pytest.raises(ValueError, match="no exact form"):
        exact_moments(NessProblem("1/2", MaxwellianMixture([1], [1]), kern), 2)
    with pytest.raises(ValueError, match="n_max"):
        exact_moments(default_problem(), -1)
    with pytest.raises(TypeError, match="NessProblem"):
        exact_moments(object(), 2)


def test_sonine_coefficients_of_a_maxwellian():
    """b_n = (1 - T'/T)^n for M_T' (generating function of L_n^(1/2))."""
    Tp, T = Fraction(1, 3), Fraction(1, 2)
    moments = [Tp**k * int(np.prod(range(1, 2 * k + 2, 2))) for k in range(12)]
    assert sonine_coefficients(moments, T) == [(1 - Tp / T) ** n for n in range(12)]
    with pytest.raises(ValueError, match="T must be > 0"):
        sonine_coefficients(moments, 0)


@pytest.mark.parametrize("n_terms", [6, 12, None])
def test_sonine_density_of_the_two_temperature_reservoir(n_terms):
    """The Sonine series (E1) of R = (M_{1/6} + M_{1/2})/2 itself (a mixture with temperatures in
    [1/6, 1/2], density known in closed form) is within its returned rigorous tail bound, at
    every truncation; with the default number of terms the bound is below 1e-16."""
    R = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    lo, hi = Fraction(1, 6), Fraction(1, 2)
    n = sonine_terms_needed(float(lo), float(hi), 1e-16) if n_terms is None else n_terms
    v = np.linspace(0.0, 6.0 * np.sqrt(float(hi)), 49)
    dens, bound = sonine_density([R.moment_exact(k) for k in range(n)], lo, hi, v)
    ref = R.density(v)
    err = np.max(np.abs(dens - ref))
    assert err <= bound + 16 * EPS * np.max(ref), (n, err, bound)
    if n_terms is None:
        assert bound < 1e-16
    else:
        assert err > 1e-3 * bound  # the bound is not vacuous


def test_sonine_reference_density_single_reservoir():
    T = Fraction(1, 3)
    prob = NessProblem("1/2", MaxwellianMixture([1], [T]), "constant")
    v = np.linspace(0, 6 * np.sqrt(float(T)), 25)
    dens, bound = sonine_reference_density(prob, v)
    ref = (2 * np.pi * float(T)) ** -1.5 * np.exp(-0.5 * v**2 / float(T))
    assert np.max(np.abs(dens - ref)) < 16 * EPS * ref[0]
    assert bound < 1e-15

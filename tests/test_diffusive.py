"""Diffusive (Fokker-Planck) reservoirs in the isotropic NESS (seed 003, section 3).

References: the reduction of several reservoirs to one (sympy on the definition), the
Laguerre matrix against the Fourier form of FP on Maxwellians (closed form), exact rational
moments from a sympy series expansion of the stationary equation, gamma = 0 (NESS = M_T), and
the numerical Newton solution against the exact rationals (1e-12).
"""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from kacspectral.boltzmann.isotropic.bobylev import coefficients_phi, maxwellian_coefficients
from kacspectral.boltzmann.isotropic.diffusive import (
    DiffusiveNessProblem,
    coefficients_density_derivative,
    fokker_planck_laguerre,
    ness_energy_exact,
    solve_diffusive_ness,
)
from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import default_problem, solve_ness
from kacspectral.physics.fokker_planck import DiffusiveReservoirs
from kacspectral.physics.reservoirs import MaxwellianMixture

R2 = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
D2 = DiffusiveReservoirs(["1/4", "1/4"], ["1/3", "1"])


def test_reduction_of_several_reservoirs_to_one_sympy():
    """sum_a eta_a T_a div[M_a grad(f/M_a)] = eta T div[M_T grad(f/M_T)] for a generic f."""
    x, y, z = sp.symbols("x y z", real=True)
    v = (x, y, z)
    f = sp.Function("f")(x, y, z)

    def fp(T):
        M = sp.exp(-(x**2 + y**2 + z**2) / (2 * T))
        return T * sum(sp.diff(M * sp.diff(f / M, vi), vi) for vi in v)

    etas, temps = [Fraction(1, 4), Fraction(1, 3), Fraction(2)], [Fraction(1, 3), 1, Fraction(5, 2)]
    d = DiffusiveReservoirs(etas, temps)
    lhs = sum(sp.Rational(e) * fp(sp.Rational(t)) for e, t in zip(etas, temps, strict=True))
    rhs = sp.Rational(d.eta_exact) * fp(sp.Rational(d.temperature_exact))
    assert sp.simplify(sp.expand(lhs - rhs)) == 0
    assert d.eta_exact == Fraction(31, 12)
    assert d.temperature_exact == (Fraction(1, 12) + Fraction(1, 3) + 5) / d.eta_exact


@pytest.mark.parametrize("T,Tp,tref", [(0.5, 0.3, 0.4), (1.0, 2.0, 1.5), (0.4, 0.4, 0.25)])
def test_laguerre_matrix_on_maxwellians(T, Tp, tref):
    """FP_T M_T' has phi = exp(-T' k^2/2): -(T k^2 phi + k phi') = (T' - T) k^2 phi; the
    matrix (D2) applied to the closed-form coefficients of M_T' (converged series) agrees."""
    K = 80
    a = maxwellian_coefficients(Tp, tref, K)
    k = np.linspace(0.0, 4.0, 41)
    got = coefficients_phi(fokker_planck_laguerre(K, T / tref) @ a, tref, k)
    ref = (Tp - T) * k**2 * np.exp(-Tp * k**2 / 2)
    assert np.max(np.abs(got - ref)) < 1e-13


def test_density_derivative_against_finite_differences():
    a = maxwellian_coefficients(0.3, 0.25, 40) * 0.7 + 0.3 * maxwellian_coefficients(0.2, 0.25, 40)
    r = np.linspace(0.05, 2.5, 30)
    h = 1e-5
    from kacspectral.boltzmann.isotropic.bobylev import coefficients_density

    fd = (coefficients_density(a, 0.25, r + h) - coefficients_density(a, 0.25, r - h)) / (2 * h)
    got = coefficients_density_derivative(a, 0.25, r)
    exact = sum(w * (2 * np.pi * T) ** -1.5 * np.exp(-r**2 / (2 * T)) * (-r / T)
                for w, T in ((0.7, 0.3), (0.3, 0.2)))
    assert np.max(np.abs(got - exact)) < 1e-12
    assert np.max(np.abs(fd - exact)) < 1e-7


def test_recursion_against_sympy_series_of_the_stationary_equation():
    """b = 1: plug the exact c_n into (1-g)Q+(phi,phi) + g Q+(phi,R) - phi - eta(T k^2 phi +
    k phi') with Bobylev's isotropic formula integrated by sympy; the k^(2n) coefficients
    vanish for n <= 4."""
    p = DiffusiveNessProblem("1/3", R2, "constant", diffusive=D2)
    m = exact_moments(p, 4)
    k, s = sp.symbols("k s", real=True)
    phi = sum(sp.Rational((-1) ** n * m[n]) / sp.factorial(2 * n + 1) * k ** (2 * n)
              for n in range(5))
    R = sum(sp.Rational(w) * sp.exp(-sp.Rational(t) * k**2 / 2)
            for w, t in zip(R2.weights, R2.temperatures, strict=True))
    kp, km = k * sp.sqrt((1 + s) / 2), k * sp.sqrt((1 - s) / 2)
    g = sp.Rational(1, 3)
    gain = sp.integrate(sp.expand((1 - g) * phi.subs(k, kp) * phi.subs(k, km)
                                  + g * phi.subs(k, kp) * sp.series(R.subs(k, km), k, 0, 10)
                                  .removeO()), (s, -1, 1)) / 2
    eta, T = sp.Rational(D2.eta_exact), sp.Rational(D2.temperature_exact)
    eq = sp.expand(gain - phi - eta * (T * k**2 * phi + k * sp.diff(phi, k)))
    for n in range(5):
        assert eq.coeff(k, 2 * n) == 0, n


def test_gamma_zero_is_the_maxwellian():
    p = DiffusiveNessProblem(0, None, "kac", diffusive=D2)
    T = D2.temperature_exact
    m = exact_moments(p, 5)
    assert m == [T**n * np.prod(range(1, 2 * n + 2, 2), dtype=object) for n in range(6)]
    r = solve_diffusive_ness(p)
    assert np.max(np.abs(r.moments(3) - np.array([float(x) for x in m[:4]]))) < 1e-13


def test_energy_closed_form():
    """(D3) from the moment equations, against the recursion's m_2."""
    for kern in ("constant", "kac", "3*(1+s)**2/4"):
        p = DiffusiveNessProblem("1/2", R2, kern, diffusive=D2)
        assert exact_moments(p, 1)[1] == ness_energy_exact(p)
    # kac: c = gamma (1 - 1/3)/2 = 1/6: (1/6 + 6 (1/2)(2/3)) / (1/6 + 1) = 13/7
    p = DiffusiveNessProblem("1/2", R2, "kac", diffusive=D2)
    assert ness_energy_exact(p) == Fraction(13, 7)


@pytest.mark.parametrize("gamma,kern", [("1/2", "constant"), ("1/3", "kac"),
                                        ("1/4", "3*(1+s)**2/4")])
def test_numerical_ness_against_exact_rationals(gamma, kern):
    p = DiffusiveNessProblem(gamma, R2, kern, diffusive=D2)
    r = solve_diffusive_ness(p)
    ex = np.array([float(x) for x in exact_moments(p, 6)])
    assert np.max(np.abs(r.moments(6) - ex) / ex) < 1e-12


def test_without_diffusion_equals_solve_ness():
    p = default_problem()
    a = solve_diffusive_ness(p).coefficients
    b = solve_ness(p).coefficients
    assert np.max(np.abs(a - b)) < 1e-14


@pytest.mark.parametrize("etas,temps,msg", [(["-1"], ["1"], "etas must be >= 0"),
                                             (["1", "1"], ["1"], "equal lengths"),
                                             (["1"], ["0"], "temperatures must be > 0"),
                                             (["0"], ["1"], "not all vanish")])
def test_bad_input(etas, temps, msg):
    with pytest.raises(ValueError, match=msg):
        DiffusiveReservoirs(etas, temps)


def test_fourier_form_on_a_maxwellian():
    """(F2): -(T k^2 phi + k phi') with phi = exp(-T' k^2/2) is (T' - T) k^2 phi (reduced T)."""
    k = np.linspace(0, 3, 31)
    Tp = 0.3
    phi = np.exp(-Tp * k**2 / 2)
    got = D2.phi(k, phi, -Tp * k * phi)
    assert np.max(np.abs(got - D2.eta * (Tp - D2.temperature) * k**2 * phi)) < 1e-15


def test_solve_ness_refuses_diffusive_problems():
    with pytest.raises(ValueError, match="solve_diffusive_ness"):
        solve_ness(DiffusiveNessProblem("1/2", R2, "constant", diffusive=D2))


def test_isotropic_relaxation_energy_law_and_bad_input():
    """evolve_isotropic (RK4 in the Laguerre basis) against the exact energy law of (D1):
    m_2(t) = m_2* + (m_2(0) - m_2*) e^{-(c + 2 eta) t}, c = gamma (1-beta_1)/2, m_2* of (D3).
    dt = 0.05 is above the RK4 stability limit of eta D at K = 67 (it returned NaN silently
    before the review); the step is now capped (0.0135) and the error is the RK4 + truncation
    error: measured 1.4e-11 (1.2e-11 at dt = 0.0125), bound 1e-10."""
    from kacspectral.boltzmann.isotropic.relaxation import evolve_isotropic

    p = DiffusiveNessProblem("1/2", R2, "kac", diffusive=D2)
    ts = np.array([0.0, 0.5, 1.5])
    tr = evolve_isotropic(p, [0.5, 0.5], [0.3, 1.0], ts, dt=0.05, tol=1e-10)
    assert tr.dt < 0.02
    m2 = tr.moments(1)[:, 1]
    star, rate = float(ness_energy_exact(p)), 1 / 6 + 2 * D2.eta
    assert abs(m2[0] - 1.95) < 1e-12
    assert np.max(np.abs(m2 - (star + (1.95 - star) * np.exp(-rate * ts)))) < 1e-10
    for bad in (dict(times=[0.0, np.nan]), dict(truncation=0), dict(weights=[0.5, 0.6])):
        with pytest.raises(ValueError):
            evolve_isotropic(p, bad.get("weights", [0.5, 0.5]), [0.3, 1.0],
                             bad.get("times", ts), truncation=bad.get("truncation"))

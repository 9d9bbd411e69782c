"""Tests of the BKW exact solution and of the collision operator on it (issue 4a, small sizes)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy.integrate import solve_ivp

from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.errors import NegativeDensityWarning
from kacspectral.physics.bkw import BKW, bkw_rate, standard_grid
from kacspectral.physics.kernels import S, get_kernel

EPS = float(np.finfo(float).eps)


def test_rate_is_one_eighth_int_b_one_minus_s_squared():
    assert bkw_rate("constant") == pytest.approx(1 / 6, abs=4 * EPS)
    for name in ["kac", "3*(1+s)**2/4"]:
        kern = get_kernel(name)
        exact = sp.integrate(kern.expr * (1 - S**2), (S, -1, 1)) / 8
        assert bkw_rate(name) == pytest.approx(float(exact), abs=8 * EPS)
    assert BKW().t_min == pytest.approx(6 * math.log(2.5), abs=10 * EPS)


def test_density_and_time_derivative_against_sympy():
    bkw = BKW()
    r, kk, t = sp.symbols("r K t", positive=True)
    f = (2 * sp.pi * kk) ** sp.Rational(-3, 2) * sp.exp(-r**2 / (2 * kk)) * (
        (5 * kk - 3) / (2 * kk) + (1 - kk) * r**2 / (2 * kk**2))
    kt = 1 - sp.exp(-t / 6)  # A0 = -1/2, lambda = 1/6
    dfdt = sp.lambdify((r, t), sp.diff(f.subs(kk, kt), t))
    fl = sp.lambdify((r, t), f.subs(kk, kt))
    v = np.random.default_rng(0).normal(size=(20, 3)) * 2
    rr = np.linalg.norm(v, axis=1)
    for tt in (6.5, 8.0):
        assert np.max(np.abs(bkw.density(v, tt) - fl(rr, tt))) < 20 * EPS
        assert np.max(np.abs(bkw.density_dt(v, tt) - dfdt(rr, tt))) < 20 * EPS


@pytest.mark.parametrize("kernel", ["constant", "kac"])
def test_phi_dt_equals_isotropic_bobylev_collision(kernel):
    """d phi/dt = (1/2) int b phi(k c) phi(k c') ds - phi (conventions page, section 3), by
    quadrature."""
    bkw = BKW(kernel=kernel)
    s, w = get_kernel(kernel).quadrature(30)
    k = np.linspace(0.1, 6, 25)
    t = 7.0
    gain = np.sum(w[:, None] * bkw.phi(np.outer(np.sqrt((1 + s) / 2), k), t)
                  * bkw.phi(np.outer(np.sqrt((1 - s) / 2), k), t), axis=0)
    assert np.max(np.abs(gain - bkw.phi(k, t) - bkw.phi_dt(k, t))) < 20 * EPS


def test_coefficients_reproduce_density_and_transform():
    bkw = BKW()
    t = 6.5
    space = HermiteSpace(6, bkw.K(t))  # T_ref = K(t): f is M_K times a quadratic
    a = bkw.coefficients(space, t)
    assert np.count_nonzero(a) == 2
    v = np.random.default_rng(1).normal(size=(30, 3)) * 2
    assert np.max(np.abs(space.density(a, v) - bkw.density(v, t))) < 20 * EPS
    xi = np.random.default_rng(2).normal(size=(10, 3))
    k = np.linalg.norm(xi, axis=1)
    assert np.max(np.abs(space.fourier(a, xi) - bkw.phi(k, t))) < 20 * EPS
    mom = space.moments(a)
    assert abs(mom["mass"] - 1) < 10 * EPS and abs(mom["m2"] - 3) < 20 * EPS
    # phi's k^4 coefficient (1/4 - A^2)/2 = m4/120
    assert abs(mom["fourth"] - (15 - 60 * bkw.A(t) ** 2)) < 100 * EPS


def test_coefficient_derivative_is_finite_difference_of_coefficients():
    bkw = BKW()
    space = HermiteSpace(10, 0.8, l_max=0)
    h = 1e-4
    fd = (bkw.coefficients(space, 7 + h) - bkw.coefficients(space, 7 - h)) / (2 * h)
    assert np.max(np.abs(fd - bkw.coefficients_dt(space, 7))) < 1e-8  # O(h^2)


@pytest.mark.parametrize("kernel", ["constant", "kac"])
def test_issue_4a_collision_on_bkw_exact_when_t_ref_is_k(kernel):
    """Q(f,f) on f_BKW(6.5): with T_ref = K(t) the data are a degree-2 polynomial times M_K and
    Q(f,f) a degree-4 one, so a degree-4 space is exact; max error on a 16^3 standard grid."""
    bkw = BKW(kernel=kernel)
    t = max(6.5, bkw.t_min)  # kac: lambda = 3/20 < 1/6, so f >= 0 only from t = 6.87
    space = HermiteSpace(4, bkw.K(t))
    op = CollisionOperator(space, kernel)
    a = bkw.coefficients(space, t)
    q = op.collision(a, a)
    assert np.max(np.abs(q - bkw.coefficients_dt(space, t))) < 20 * EPS
    grid = standard_grid(16)
    err = np.max(np.abs(space.density(q, grid) - bkw.density_dt(grid, t)))
    assert err < 20 * EPS


def test_issue_4a_convergence_with_energy_temperature():
    """T_ref = 1 (the data's m_2/3): coefficients of degree <= K are still exact; the grid error
    is the discarded tail, decaying like ((1-K)/1)^(deg/2) = 0.34^(deg/2)."""
    bkw = BKW()
    t = 6.5
    grid = standard_grid(12)
    errs = []
    for deg in (20, 30, 40):
        space = HermiteSpace(deg, 1.0, l_max=0)
        op = CollisionOperator(space, "constant")
        a = bkw.coefficients(space, t)
        q = op.collision(a, a)
        assert np.max(np.abs(q - bkw.coefficients_dt(space, t))) < 50 * EPS
        errs.append(np.max(np.abs(space.density(q, grid) - bkw.density_dt(grid, t))))
    rate = (errs[2] / errs[0]) ** (1 / 20)  # per degree
    assert math.sqrt(0.3) < rate < math.sqrt(0.4)  # tail ratio (1-K)/T = 0.338 per 2 degrees
    assert errs[2] < 1e-8


def test_bkw_evolution_from_6_5_to_10_against_exact():
    """solve_ivp on the isotropic truncation; T_ref = midpoint of K(6.5), K(10)."""
    bkw = BKW()
    t0, t1 = 6.5, 10.0
    tref = HermiteSpace.choose_temperature([bkw.K(t0), bkw.K(t1)])
    space = HermiteSpace(30, tref, l_max=0)
    op = CollisionOperator(space, "constant")
    sol = solve_ivp(lambda _t, y: op.collision(y, y), (t0, t1), bkw.coefficients(space, t0),
                    method="DOP853", rtol=1e-13, atol=1e-15)
    a1 = sol.y[:, -1]
    exact = bkw.coefficients(space, t1)
    assert np.max(np.abs(a1 - exact)) < 1e-11
    grid = standard_grid(16)
    assert np.max(np.abs(space.density(a1, grid) - bkw.density(grid, t1))) < 1e-11


def test_bkw_bad_input_and_warning():
    with pytest.raises(ValueError, match="A0"):
        BKW(A0=-0.7)
    with pytest.raises(ValueError, match="A0"):
        BKW(A0=0.1)
    with pytest.raises(ValueError, match="time"):
        BKW().density(np.zeros(3), -1.0)
    with pytest.raises(ValueError, match="grid"):
        standard_grid(1)
    with pytest.raises(ValueError, match=r"K\(t = 6.5\) temperature T_a = 0.661"):
        BKW().coefficients(HermiteSpace(4, 0.3, l_max=0), 6.5)  # K >= 2 T_ref: diverges
    with pytest.warns(NegativeDensityWarning):
        BKW().density(np.zeros(3), 1.0)

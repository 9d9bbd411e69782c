"""Heat fluxes and entropy production (seed 003, section 4; kacspectral.boltzmann.entropy).

References: the worked exact values sigma = 1/8 (b = 1) and 1/12 (kac); (H1) against the
closed form Q+(M_T1, M_T2) = mixture of M_{T1 (1+s)/2 + T2 (1-s)/2} (exact B_01 from sympy);
(H2) against quadrature of -(1/2) int Q(f, M_T)|v|^2 over the NESS density; the budget
identity sigma_B + sum sigma_a = sum J_a/T_a (1e-10 relative), each term >= 0; sigma = 0 when
all temperatures agree.
"""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from kacspectral.boltzmann.entropy import (
    beta_1,
    beta_1_exact,
    exact_heat_fluxes,
    heat_flux_quadrature,
    ness_entropy_budget,
)
from kacspectral.boltzmann.isotropic.diffusive import DiffusiveNessProblem, solve_diffusive_ness
from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness
from kacspectral.physics.fokker_planck import DiffusiveReservoirs
from kacspectral.physics.kernels import S, get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

R2 = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
R3 = MaxwellianMixture(["1/4", "1/4", "1/2"], ["1/5", "1/3", "1/2"])


@pytest.mark.parametrize("kern,b1", [("constant", 0), ("kac", Fraction(1, 3)),
                                     ("3*(1+s)**2/4", Fraction(1, 2))])
def test_beta_1_against_sympy(kern, b1):
    k = get_kernel(kern)
    ref = sp.integrate(S * k.expr, (S, -1, 1)) / 2
    assert sp.Rational(b1) == sp.nsimplify(ref) and beta_1_exact(k) == b1
    assert abs(beta_1(k) - float(b1)) < 1e-15


@pytest.mark.parametrize("kern", ["constant", "kac", "3*(1+s)**2/4"])
def test_energy_exchange_of_two_maxwellians(kern):
    """int Q(M_T1, M_T2)|v|^2 = 3 (T1 B_10 + T2 B_01) - 3 T1 (Q+ of Maxwellians is the mixture of
    M_{T1(1+s)/2 + T2(1-s)/2} over b ds/2) equals (H1) (1-beta_1)/2 (3 T2 - 3 T1).  The s-integral
    by mpmath tanh-sinh quadrature (sympy.integrate is wrong for the kac kernel)."""
    k = get_kernel(kern)
    T1, T2 = mpmath.mpf(1) / 6, mpmath.mpf(1) / 2
    b = sp.lambdify(S, k.expr, "mpmath")
    with mpmath.workdps(30):
        direct = mpmath.quad(lambda s: 3 * (T1 * (1 + s) / 2 + T2 * (1 - s) / 2) * b(s),
                             [-1, 0, 1]) / 2
        ref = (1 - mpmath.mpf(beta_1_exact(k).numerator) / beta_1_exact(k).denominator) / 2 * (
            3 * T2 - 3 * T1)
        assert abs(direct - 3 * T1 - ref) < 1e-15  # tanh-sinh reaches ~3e-18 at the kac endpoint


def test_worked_examples_exact():
    for kern, sigma, j in (("constant", Fraction(1, 8), Fraction(1, 32)),
                           ("kac", Fraction(1, 12), Fraction(1, 48))):
        fluxes, m2, s = exact_heat_fluxes(NessProblem("1/2", R2, kern))
        assert m2 == 1 and s == sigma and fluxes == [j, -j] and sum(fluxes) == 0


@pytest.mark.parametrize("kern", ["constant", "kac", "3*(1+s)**2/4"])
def test_heat_flux_against_quadrature(kern):
    """(H2) per unit gamma w_a against -(1/2) int Q(f, M_T)|v|^2 dv on the NESS density."""
    r = solve_ness(NessProblem("1/2", R3, kern))
    m2 = float(r.moments(1)[1])
    for T in (0.2, 1 / 3, 0.5):
        ref = heat_flux_quadrature(r, T)
        assert abs(ref - (1 - beta_1(r.problem.kernel)) / 4 * (m2 - 3 * T)) < 1e-12


@pytest.mark.parametrize("kern,res,diff", [
    ("constant", R2, None), ("kac", R2, None), ("3*(1+s)**2/4", R3, None),
    ("kac", R2, DiffusiveReservoirs(["1/4", "1/4"], ["1/3", "1"])),
])
def test_budget_identity(kern, res, diff):
    p = DiffusiveNessProblem("1/2", res, kern, diffusive=diff)
    r = solve_diffusive_ness(p) if diff is not None else solve_ness(p)
    b = ness_entropy_budget(r)
    assert b.sigma_collision > 0 and all(x > 0 for x in b.sigma_reservoirs)
    assert b.balance_error < 1e-10
    assert abs(sum(b.heat_flux)) < 1e-14
    fluxes, _, sigma = exact_heat_fluxes(p)
    assert b.entropy_production_exact == str(sigma)
    assert abs(b.entropy_production - float(sigma)) < 1e-14
    assert np.allclose(b.heat_flux, [float(x) for x in fluxes], atol=1e-15, rtol=0)
    d = b.to_dict()
    assert d["heat_flux_exact"] == [str(x) for x in fluxes] and "version" in d
    from kacspectral.results import from_dict

    assert from_dict(d) == b


def test_equal_temperatures_give_zero_production():
    p = DiffusiveNessProblem("1/2", MaxwellianMixture([1], ["1/3"]), "kac",
                             diffusive=DiffusiveReservoirs(["1/2"], ["1/3"]))
    assert exact_heat_fluxes(p)[2] == 0
    b = ness_entropy_budget(solve_diffusive_ness(p))
    assert abs(b.sigma_collision) < 1e-14 and max(map(abs, b.sigma_reservoirs)) < 1e-14


@pytest.mark.parametrize("diff", [None, DiffusiveReservoirs(["1/4"], ["1/3"])])
def test_budget_along_an_evolution(diff):
    """dS/dt from S(t) (4th-order central differences, steps h and h/2) against
    sigma_B + sum sigma_a - sum J_a/T_a at t = 0.5, from a hot Maxwellian (T = 1): the
    difference falls like h^4 (the differencing error), S decreases (not monotone
    non-decreasing) while d_GTW(f(t), f_inf) decreases."""
    from kacspectral.boltzmann.entropy import entropy_terms
    from kacspectral.boltzmann.gtw import gtw_distance
    from kacspectral.boltzmann.isotropic.bobylev import coefficients_phi
    from kacspectral.boltzmann.isotropic.relaxation import evolve_isotropic
    from kacspectral.boltzmann.lyapunov import isotropic_fourier, isotropic_moment_tensors

    p = DiffusiveNessProblem("1/2", R2, "kac", diffusive=diff)
    errs = []
    for h in (0.1, 0.05):
        ts = 0.5 + h * np.arange(-2, 3)
        tr = evolve_isotropic(p, [1], [1.0], np.concatenate([[0.0], ts]), dt=0.0125, tol=1e-10)
        terms = [entropy_terms(p, a, tr.t_ref, 100, t_max=1.0) for a in tr.coefficients[1:]]
        S = np.array([t["entropy"] for t in terms])
        fd = (-S[4] + 8 * S[3] - 8 * S[1] + S[0]) / (12 * h)
        errs.append(abs(fd - terms[2]["dS_dt"]))
        assert terms[2]["dS_dt"] < 0 and np.all(np.diff(S) < 0)
    assert errs[1] < 1e-8 and errs[0] / errs[1] > 10  # h^4: measured 2.4e-8 -> 1.5e-9
    ness = solve_diffusive_ness(p) if diff is not None else solve_ness(p)
    m2 = tr.moments(1)[:, 1]
    m2_inf = ness.moments(1)[1]
    d = [gtw_distance(isotropic_fourier(lambda k, a=a: coefficients_phi(a, tr.t_ref, k)),
                      isotropic_fourier(ness.phi), isotropic_moment_tensors(m),
                      isotropic_moment_tensors(m2_inf), require="first", n_directions=4,
                      n_radial=60).distance for a, m in zip(tr.coefficients, m2, strict=True)]
    assert np.all(np.diff(d) < 0)


def test_entropy_production_nonnegative_property():
    """Seed 003, (4.8)-(4.9): for every rational choice of jump and diffusive reservoirs the
    exact sigma = sum J_a/T_a is >= 0, sum J_a = 0, and sigma = 0 iff all temperatures agree."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    frac = st.fractions(min_value=Fraction(1, 20), max_value=Fraction(3), max_denominator=30)

    @settings(max_examples=20, deadline=None)
    @given(st.lists(frac, min_size=1, max_size=3), st.lists(frac, min_size=0, max_size=2),
           st.sampled_from(["constant", "kac"]), st.fractions(Fraction(1, 10), Fraction(9, 10),
                                                              max_denominator=20))
    def check(jump_t, diff_t, kern, gamma):
        w = [Fraction(1, len(jump_t))] * len(jump_t)
        diff = DiffusiveReservoirs([Fraction(1, 3)] * len(diff_t), diff_t) if diff_t else None
        p = DiffusiveNessProblem(gamma, MaxwellianMixture(w, jump_t), kern, diffusive=diff)
        fluxes, _, sigma = exact_heat_fluxes(p)
        assert sum(fluxes) == 0 and sigma >= 0
        assert (sigma == 0) == (len(set(jump_t) | set(diff_t)) == 1)

    check()

"""Time evolution: right-hand side, conservation, exact moments (issue 4b), BKW, NESS limit (4d),
and the seed's contraction bound in the 3D GTW distance."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.boltzmann.anisotropic.evolution import (
    EvolutionProblem,
    equilibrium_reference,
    evolve,
    reference_temperature,
)
from kacspectral.boltzmann.anisotropic.moment_equations import MomentEquations
from kacspectral.boltzmann.gtw import gtw_distance
from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness
from kacspectral.errors import NegativeDensityWarning
from kacspectral.physics.bkw import BKW, standard_grid
from kacspectral.physics.reservoirs import MaxwellianMixture

EPS = np.finfo(float).eps
R1 = MaxwellianMixture(["1/2", "1/2"], ["1/2", "2"])


def _aniso_m4(T):
    T = np.asarray(T, float)
    return 3 * np.sum(T**2) + 2 * (T[0] * T[1] + T[0] * T[2] + T[1] * T[2])


def test_rhs_matches_direct_formula_and_split():
    space = HermiteSpace(5, 1.1)
    prob = EvolutionProblem("3/10", R1, "kac", space)
    op = CollisionOperator(space, "kac")
    G = op.reservoir_gain_matrix(R1)
    rng = np.random.default_rng(7)
    a = space.maxwellian([0.9, 1.3, 1.1]) + 1e-2 * rng.standard_normal(space.size)
    a[0] = 1.0
    direct = 0.7 * op.collision(a, a) + 0.3 * (G @ a - a)
    assert np.max(np.abs(prob.rhs(0.0, a) - direct)) <= 64 * EPS
    ode = prob.split_ode()
    assert np.max(np.abs(ode.rhs(0.0, a) - direct)) <= 64 * EPS
    b = 1.3 * a  # mass 1.3: the rhs still conserves mass
    assert abs(prob.rhs(0.0, b)[0]) <= 64 * EPS
    assert abs(ode.rhs(0.0, b)[0]) <= 64 * EPS
    # usable with solve_ivp
    sol = solve_ivp(prob.rhs, (0, 0.5), a, method="RK45", rtol=1e-9, atol=1e-12)
    assert sol.success and abs(sol.y[0, -1] - 1.0) <= 1e-13


@pytest.mark.parametrize(
    "case",
    [
        ("maxwellian", 0, None, "constant"),
        ("maxwellian", "3/10", R1, "kac"),
        ("mixture", 0, None, "kac"),
        ("mixture", "1/2", R1, "constant"),
    ],
    ids=["maxwellian-boltzmann", "maxwellian-reservoir", "mixture-boltzmann",
         "mixture-reservoir"],
)
def test_moments_against_exact_moment_equations(case):
    """Issue 4b: S(t) and m4(t) agree with the independent sympy moment ODEs to 1e-12."""
    kind, gamma, res, kernel = case
    Ta, Tb, w = np.array([0.8, 1.6, 1.2]), np.array([2.0, 2.0, 2.0]), 0.3
    space = HermiteSpace(4, 1.3)  # degree 4: every moment of order <= 4 evolves exactly
    if kind == "maxwellian":
        a0 = space.maxwellian(Ta)
        S0, m40 = np.diag(Ta), _aniso_m4(Ta)
    else:  # anisotropic M_{diag Ta} mixed with the isotropic M_2
        a0 = w * space.maxwellian(Ta) + (1 - w) * space.maxwellian(Tb)
        S0 = w * np.diag(Ta) + (1 - w) * np.diag(Tb)
        m40 = w * _aniso_m4(Ta) + (1 - w) * _aniso_m4(Tb)
    prob = EvolutionProblem(gamma, res, kernel, space)
    S_ex, m4_ex = MomentEquations(gamma, res, kernel).solve(S0, m40, [1.0, 5.0])
    for scheme, dt in [("scipy:DOP853", None), ("rk4", 0.0025)]:
        r = evolve(prob, a0, [0.0, 1.0, 5.0], scheme=scheme, dt=dt or 0.1, rtol=3e-14,
                   atol=1e-16)
        m = r.moment_tensors()
        assert np.max(np.abs(m["second"][1:] - S_ex)) <= 1e-12, scheme
        assert np.max(np.abs(m["fourth"][1:] - m4_ex)) <= 1e-12, scheme
        assert np.max(np.abs(m["mass"] - 1)) <= 16 * EPS
    # the anisotropy is real: S(5) is not isotropic
    assert np.ptp(np.diag(S_ex[1])) > 1e-3


@pytest.mark.parametrize("kernel", ["constant", "kac"])
def test_bkw_evolution_from_6_5_to_10(kernel):
    """BKW (conventions page, section 5): exact coefficients at t = 10 and f on the standard
    32^3 grid."""
    bkw = BKW(-0.5, kernel)
    space = HermiteSpace(32, 0.5 * (bkw.K(6.5) + bkw.K(10.0)), l_max=0)
    prob = EvolutionProblem(0, None, kernel, space)
    # for the kac kernel the BKW rate is B_11 = 4/35 > 1/6... K(6.5) puts t below the
    # positivity time, and the exact solution itself is negative somewhere: that is reported
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NegativeDensityWarning)
        a0 = bkw.coefficients(space, 6.5)
        ref = {t: bkw.coefficients(space, t) for t in (6.5, 8.0, 10.0)}
    r = evolve(prob, a0, [6.5, 8.0, 10.0], dt=0.005, scheme="etdrk4")
    for t, a in zip(r.times, r.coefficients, strict=True):
        assert np.max(np.abs(a - ref[t])) <= 1e-12
    grid = standard_grid(32).reshape(-1, 3)
    err = np.max(np.abs(space.density(r.final, grid) - bkw.density(grid, 10.0)))
    assert err <= 1e-12


def test_long_time_limit_is_the_isotropic_ness():
    """Issue 4d: f(t) -> NESS of kacspectral.boltzmann.isotropic.ness (moments, density and phi)."""
    R = MaxwellianMixture(["1/2", "1/2"], ["4/5", "6/5"])
    gamma = "4/5"
    # degree 40: the Hermite tail of the NESS at T_ref = 1.05 is ~2e-15 (degree 30: 3e-12)
    space = HermiteSpace(40, reference_temperature([0.7, 1.4], R), l_max=0)
    prob = EvolutionProblem(gamma, R, "constant", space)
    a0 = space.mixture([0.5, 0.5], [0.7, 1.4])
    r = evolve(prob, a0, [0.0, 90.0], dt=0.25)
    ness = solve_ness(NessProblem(gamma, R, "constant"), method="newton", tol=1e-14)
    m = space.moments(r.final)
    m_ness = ness.moments(2)
    assert abs(m["m2"] - m_ness[1]) <= 1e-12 * m_ness[1]
    assert abs(m["fourth"] - m_ness[2]) <= 1e-12 * m_ness[2]
    speed = np.linspace(0.0, 6.0, 61)
    v = np.stack([speed, 0 * speed, 0 * speed], -1)
    dens = space.density(r.final, v)
    assert np.max(np.abs(dens - ness.density(speed))) <= 1e-13 * np.max(dens)
    k = np.linspace(0.05, 5.0, 40)
    xi = np.stack([0 * k, k / math.sqrt(2), k / math.sqrt(2)], -1)
    assert np.max(np.abs(space.fourier(r.final, xi) - ness.phi(k))) <= 1e-12


def test_anisotropic_long_time_limit_and_moments_of_the_ness():
    R = R1
    space = HermiteSpace(6, reference_temperature([0.8, 1.6], R))
    prob = EvolutionProblem("1/2", R, "kac", space)
    # slowest rate: the energy, 1 - lambda = gamma (1 - beta) = 1/6 for kac: exp(-220/6) ~ 1e-16
    r = evolve(prob, space.maxwellian([0.8, 1.6, 1.2]), [0.0, 220.0], dt=0.5)
    S_inf, m4_inf = MomentEquations("1/2", R, "kac").steady_state()
    ness = solve_ness(NessProblem("1/2", R, "kac"), method="newton", tol=1e-14)
    m = space.moments(r.final)
    assert np.max(np.abs(m["second"] - float(S_inf[0, 0]) * np.eye(3))) <= 1e-12
    assert abs(m["fourth"] - float(m4_inf)) <= 1e-11
    assert abs(float(m4_inf) - ness.moments(2)[2]) <= 1e-11


def test_gtw_distance_to_ness_obeys_the_seed_bound():
    """d(f(t), f_inf) <= exp(-(1-lambda) t) d(f_0, f_inf) (seed 003, section 2), anisotropic f_0."""
    R = MaxwellianMixture(["1/2", "1/2"], ["1", "3/2"])
    space = HermiteSpace(8, reference_temperature([1.0, 1.5], R))
    prob = EvolutionProblem("1/2", R, "constant", space)
    a0 = space.maxwellian([1.0, 1.5, 1.25])  # the reservoir's energy, anisotropic tensor
    times = [0.0, 0.5, 1.0, 2.0, 4.0]
    r = evolve(prob, a0, times, dt=0.05)
    ref = equilibrium_reference(prob, 3.75)
    # equal energies (m2 stays at m2[R] = 3.75 when it starts there), anisotropic
    # tensor: the seed's tensor definition refuses the pair, require='energy' accepts it
    with pytest.raises(ValueError, match="second-moment tensors"):
        gtw_distance(lambda xi: space.fourier(a0, xi), ref.fourier, space.moments(a0),
                     ref.moment_tensors)
    d = [gtw_distance(lambda xi, a=a: space.fourier(a, xi), ref.fourier, space.moments(a),
                      ref.moment_tensors, require="energy", n_directions=100, n_radial=40).distance
         for a in r.coefficients]
    assert d[0] > 0.05
    for t, dt_ in zip(times, d, strict=True):
        assert dt_ <= math.exp(-prob.decay_rate * t) * d[0] * (1 + 1e-9), (t, dt_)
    assert all(x > y for x, y in zip(d, d[1:], strict=False))


def test_problem_validation_and_helpers():
    space = HermiteSpace(2, 1.0)
    p = EvolutionProblem(0, None, "constant", space)
    assert p.lam == 1.0 and p.decay_rate == 0.0 and p.reservoir_matrix is None
    assert EvolutionProblem("1/2", R1, "constant", space).lam == pytest.approx(0.75, abs=1e-15)
    with pytest.raises(ValueError, match=r"gamma must be in \[0, 1\)"):
        EvolutionProblem(1, R1, "constant", space)
    with pytest.raises(ValueError, match="needs a reservoir"):
        EvolutionProblem("1/2", None, "constant", space)
    with pytest.raises(TypeError, match="space must be a HermiteSpace"):
        EvolutionProblem(0, None, "constant", "K=4")
    with pytest.raises(ValueError, match="initial coefficients must have shape"):
        evolve(p, np.ones(3), [0, 1])
    with pytest.raises(ValueError, match="unknown time-stepping scheme"):
        evolve(p, space.maxwellian(1.0), [0, 1], scheme="euler")
    with pytest.raises(ValueError, match="unknown solve_ivp method"):
        evolve(p, space.maxwellian(1.0), [0, 1], scheme="scipy:Euler")
    ref = equilibrium_reference(p, 6.0)
    assert ref.kind == "maxwellian" and ref.moment_tensors["second"][0, 0] == 2.0
    with pytest.raises(ValueError, match="initial energy"):
        equilibrium_reference(p, -1.0)

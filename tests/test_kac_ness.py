"""N-particle 3D Kac system with several thermostats: exact stationary moments, N -> infinity.

References (independent of the hierarchy solver in kacspectral.kac.multi_thermostat):
closed forms (energy, product Maxwellian), the rational functions of N solved over Q(N) by
sympy, exact finite-N solves at large N, the kinetic NESS moments of
kacspectral.boltzmann.isotropic.exact (seed 003 recursion), seed 000's thermostat eigenvalues,
the Wick-sector generator of kacspectral.kac.generators, and a seeded Monte Carlo.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import NessProblem
from kacspectral.kac.generators import PolynomialSector, generator_matrix, thermostat_eigenvalue
from kacspectral.kac.kinetic_limit import (
    chaos_expectation,
    kac_ness,
    kinetic_parameters,
    series_expectation,
)
from kacspectral.kac.multi_thermostat import (
    MultiThermostat,
    moment_types,
    named_observables,
    stationarity_rows,
    stationary_moments,
)
from kacspectral.kac.ness_gap import kinetic_taylor_rate, ness_gaps, sector_top_eigenvalue
from kacspectral.kac.ness_montecarlo import simulate_stationary
from kacspectral.kac.ness_series import (
    N_SYMBOL,
    stationary_moments_symbolic,
    stationary_rational_functions,
    stationary_series,
)
from kacspectral.physics.reservoirs import MaxwellianMixture

TWO = MultiThermostat(["1/6", "1/2"], [1, 1], 1)
THREE = MultiThermostat(["1/4", "1", "3/2"], ["1/2", "2", "1/3"], "5/2")


def kinetic_moments(problem: MultiThermostat, n: int) -> list:
    kin = kinetic_parameters(problem)
    ness = NessProblem(kin.gamma, MaxwellianMixture(list(kin.weights), list(kin.temperatures)),
                       kin.kernel)
    return exact_moments(ness, n)


def gaussian_moment(parts, T: Fraction) -> Fraction:
    out = Fraction(1)
    for e in parts:
        for k in e:
            if k % 2:
                return Fraction(0)
            out *= T ** (k // 2) * math.prod(range(1, k, 2))
    return out


@pytest.fixture(scope="module")
def symbolic_two():
    return stationary_moments_symbolic(TWO, 4)


def test_energy_is_three_mean_temperature_for_every_n():
    # E|v_1|^2 = 3 sum_a mu_a T_a / mu (module docstring derivation), independent of N, lambda_S
    t_bar = sum(m * t for m, t in zip(THREE.rates, THREE.temperatures, strict=True)) / THREE.mu
    for n in (1, 2, 3, 7, 50):
        assert stationary_moments(THREE, n, 2).one_particle_moment(1) == 3 * t_bar
    sym = stationary_moments_symbolic(THREE, 2)
    assert sym.expectation(named_observables()["|v1|^2"][0]) == sp.Rational(3) * sp.Rational(
        t_bar.numerator, t_bar.denominator)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_one_thermostat_gives_the_product_maxwellian(n):
    T = Fraction(2, 7)
    res = stationary_moments(MultiThermostat([T], ["3/2"], "1/3"), n, 4)
    assert len(res.values) > 3
    for typ, val in res.values.items():
        assert val == gaussian_moment(typ, T), typ


def test_rational_functions_of_n_match_exact_solves(symbolic_two):
    for n in (2, 3, 4, 6, 11):
        exact = stationary_moments(TWO, n, 4).values
        assert symbolic_two.at(n) == exact
    # three-particle types exist only from N = 3 on
    assert len(stationary_moments(TWO, 2, 4).values) < len(stationary_moments(TWO, 4, 4).values)


def test_certified_pade_rational_functions_equal_the_solve_over_q_of_n(symbolic_two):
    rf = stationary_rational_functions(TWO, 4)
    assert rf.values.keys() == symbolic_two.values.keys()
    for typ, expr in symbolic_two.values.items():
        assert sp.cancel(rf.values[typ] - expr) == 0, typ


def test_series_in_one_over_n_matches_the_rational_functions(symbolic_two):
    eps = sp.Symbol("eps")
    ser = stationary_series(TWO, 4, order=3)
    for typ, expr in symbolic_two.values.items():
        taylor = sp.series(expr.subs(N_SYMBOL, 1 / eps), eps, 0, 4).removeO()
        ref = [taylor.coeff(eps, k) for k in range(4)]
        assert [sp.Rational(x.numerator, x.denominator) for x in ser[typ]] == ref, typ


@pytest.mark.parametrize("problem", [TWO, THREE])
def test_limit_equals_kinetic_ness_and_factorises(problem):
    m = kinetic_moments(problem, 2)
    ser = stationary_series(problem, 4, order=1)
    for typ in moment_types(4):
        poly = {tuple(typ): Fraction(1)}
        assert ser[typ][0] == chaos_expectation(poly, m), typ
    assert ser[((4, 0, 0),)][0] == 3 * m[2] / 15  # E v_x^4 = m_4/5 for isotropic f


def test_known_values_two_thermostats():
    res = kac_ness(TWO, 5, 4)
    # exact values of this configuration (m_4 at N -> oo is the kinetic 65/36 of kac, gamma=2/3)
    assert res.limit["|v1|^4"] == kinetic_moments(TWO, 2)[2] == Fraction(65, 36)
    assert res.one_over_n["|v1|^4"] == Fraction(10, 891)
    assert res.correlation["limit"] == 0
    assert res.correlation["one_over_n"] == Fraction(1, 36)
    # at finite N: the correlation against the exact value, and its 1/N asymptote
    for n in (200, 2000):
        e = stationary_moments(TWO, n, 4).named()
        corr = e["|v1|^2|v2|^2"] - e["|v1|^2"] ** 2
        resid = corr - res.correlation["one_over_n"] / n - res.correlation["second_order"] / n**2
        assert abs(resid) * n**3 < 1


def _richardson(values: list) -> Fraction:
    """Eliminate the 1/N, 1/N^2, .. terms of values at N_0 2^k (k = 0, 1, ..), exactly."""
    s = list(values)
    for j in range(1, len(s)):
        s = [(2**j * s[i + 1] - s[i]) / (2**j - 1) for i in range(len(s) - 1)]
    return s[0]


def test_one_over_n_coefficients_by_richardson_on_exact_finite_n_solves():
    """Independent of the 1/N series and of the rational functions: exact finite-N solves at
    N = 1000 2^k (k = 0..4), N (E_N - kinetic limit) Richardson-extrapolated in exact arithmetic.
    The remaining error is O(N^-4) ~ 1e-12 relative; measured 3e-21 absolute for m_4."""
    lim = kinetic_moments(TWO, 2)
    ns = [1000 * 2**k for k in range(5)]
    named = [stationary_moments(TWO, n, 4).named() for n in ns]
    c4 = _richardson([n * (e["|v1|^4"] - lim[2]) for n, e in zip(ns, named, strict=True)])
    corr = _richardson([n * (e["|v1|^2|v2|^2"] - e["|v1|^2"] ** 2)
                        for n, e in zip(ns, named, strict=True)])
    assert abs(c4 - Fraction(10, 891)) < Fraction(1, 10**15)
    assert abs(corr - Fraction(1, 36)) < Fraction(1, 10**15)
    res = kac_ness(TWO, None, 4)
    assert res.one_over_n["|v1|^4"] == Fraction(10, 891)
    assert res.correlation["one_over_n"] == Fraction(1, 36)


@pytest.mark.slow
def test_degree_six_limit_and_one_over_n():
    """m_6: limit = kinetic exact moment; 1/N coefficient checked against exact solves at
    large N (the remainder after two terms scales like N^-3)."""
    ser = stationary_series(TWO, 6, order=2)
    m = kinetic_moments(TWO, 3)
    for name in ("|v1|^6", "|v1|^4|v2|^2", "|v1|^2|v2|^2|v3|^2"):
        poly = named_observables()[name][0]
        assert series_expectation(ser, poly, 0) == chaos_expectation(poly, m)
    poly6 = named_observables()["|v1|^6"][0]
    c = [series_expectation(ser, poly6, k) for k in range(3)]
    assert c[0] == Fraction(175, 36) and c[1] == Fraction(70, 891)
    resid = []
    for n in (400, 800):
        exact = stationary_moments(TWO, n, 6).expectation(poly6)
        resid.append(abs(exact - c[0] - c[1] / n - c[2] / n**2))
    assert 6 < resid[0] / resid[1] < 10  # ~ 8: third order


def test_named_observable_values_at_small_n(symbolic_two):
    # (v1.v2)|v1|^2 vanishes at N = 2 (factor N - 2 of the rational function)
    expr = symbolic_two.expectation(named_observables()["(v1.v2)|v1|^2"][0])
    assert expr.subs(N_SYMBOL, 2) == 0 and expr.subs(N_SYMBOL, 3) != 0
    assert stationary_moments(TWO, 2, 4).named()["(v1.v2)|v1|^2"] == 0


@pytest.mark.parametrize("n,seed", [(2, 1), (5, 2), (20, 3)])
def test_monte_carlo_agrees_within_three_standard_errors(n, seed):
    exact = stationary_moments(TWO, n, 4).named()  # |v1|^6 in validation/kac_ness.py
    mc = simulate_stationary(TWO, n, chains=800, records=15, seed=seed)
    z = mc.z_scores(exact)
    assert len(z) == (2 if n == 1 else 3)
    assert max(abs(v) for v in z.values()) < 3, (n, z)


def test_gap_is_mu_over_three_and_matches_kinetic_contraction():
    for n in (1, 3):
        g = ness_gaps(TWO, n, 4)
        assert g.gap == pytest.approx(float(TWO.mu) / 3, abs=1e-12)
        assert g.kinetic_contraction_rate == TWO.mu / 3
    # N = 1: rates are mu (1 - top eigenvalue of T on degree m), seed 000 section 2 / Lemma 3
    g1 = ness_gaps(THREE, 1, 4)
    for m in range(1, 5):
        top = max(thermostat_eigenvalue(k, m - 2 * k) for k in range(m // 2 + 1))
        assert g1.rates[m] == pytest.approx(float(THREE.mu * (1 - top)), abs=1e-12)


def test_symmetric_degree_four_rate_tends_to_kinetic_taylor_rate():
    kin = float(kinetic_taylor_rate(TWO, 2))
    assert kinetic_taylor_rate(TWO, 2) == Fraction(4, 15) * TWO.lambda_s + Fraction(7, 15) * \
        TWO.mu
    errs = []
    for n in (100, 400):
        sec = PolynomialSector((n,), 4, (0, 0, 0))
        mat = generator_matrix(sec, [0], kind="T", lambda_s=TWO.lambda_s, mu=TWO.mu)
        errs.append(kin + sector_top_eigenvalue(sec, mat))
    assert errs[0] > errs[1] > 0
    assert 3 < errs[0] / errs[1] < 5  # O(1/N)


def test_hierarchy_spectrum_is_temperature_independent():
    """Eigenvalues of the temperature-dependent moment hierarchy at N = 3 (all degrees <= 4)
    lie in the spectrum of the one-thermostat Wick-sector generator (kacspectral.kac.generators)
    on the symmetric even sectors."""
    n = 3
    rows = stationarity_rows(THREE, 4)
    types = [t for t in moment_types(4) if len(t) <= n]
    idx = {t: i for i, t in enumerate(types)}
    a = np.zeros((len(types), len(types)))
    for t in types:
        if not t:
            continue
        s0, s1, tt = rows[t]
        for d, c in ((s0, float(THREE.lambda_s) / (n - 1)),
                     (s1, float(THREE.lambda_s) * n / (n - 1)), (tt, float(THREE.mu))):
            for tau, v in d.items():
                if tau in idx:
                    a[idx[t], idx[tau]] += c * float(v)
                else:  # a 4-particle type: its coefficient vanishes at N = 3
                    assert d is not tt and s0.get(tau, 0) + n * s1.get(tau, 0) == 0
    ours = np.sort(np.linalg.eigvals(a).real)
    ref = [0.0]
    for m in (2, 4):
        sec = PolynomialSector((n,), m, (0, 0, 0))
        mat = generator_matrix(sec, [0], kind="T", lambda_s=THREE.lambda_s, mu=THREE.mu)
        ref.extend(np.linalg.eigvals(mat.toarray()).real)
    ref = np.array(ref)
    for x in ours:
        assert np.min(np.abs(ref - x)) < 1e-9, x


@pytest.mark.parametrize("bad", [
    dict(temperatures=[0], rates=[1]), dict(temperatures=[1], rates=[-1]),
    dict(temperatures=[1, 2], rates=[1]), dict(temperatures=[], rates=[]),
    dict(temperatures=[1], rates=[1], lambda_s=0), dict(temperatures=[float("nan")], rates=[1]),
])
def test_bad_parameters(bad):
    with pytest.raises(ValueError):
        MultiThermostat(**bad)


def test_bad_particles_and_degree():
    with pytest.raises(ValueError):
        stationary_moments(TWO, 0, 4)
    with pytest.raises(ValueError):
        stationary_moments(TWO, 3, 8)
    with pytest.raises(ValueError):
        stationary_moments(TWO, 3, 4).moment([(2, 0, 0)] * 4)


def test_sparse_and_dense_top_eigenvalues_agree(monkeypatch):
    """Sectors above DENSE_LIMIT go to scipy's eigsh; compare with the dense path on one."""
    import kacspectral.kac.ness_gap as ng

    sec = PolynomialSector((1, 1, 6), 3, (1, 0, 0))
    mat = generator_matrix(sec, [0, 1, 2], kind="T", lambda_s=TWO.lambda_s, mu=TWO.mu)
    dense = sector_top_eigenvalue(sec, mat)
    monkeypatch.setattr(ng, "DENSE_LIMIT", 10)
    assert len(sec) > 10
    assert sector_top_eigenvalue(sec, mat) == pytest.approx(dense, abs=1e-10)


def test_results_save_and_load_exactly(tmp_path):
    import kacspectral as ks

    res = kac_ness(TWO, 3, 4)
    back = ks.load(res.save(tmp_path / "kac_ness.json"))
    assert back.exact == res.exact and back.one_over_n == res.one_over_n
    assert back.problem == TWO and back.kinetic == res.kinetic
    assert res.summary()["exact_moments"]["|v1|^4"] == str(res.exact["|v1|^4"])
    mc = simulate_stationary(TWO, 2, chains=50, records=2, seed=4)
    assert ks.load(mc.save(tmp_path / "mc.json")) == mc


def test_results_are_mixin_results_with_one_meaning_of_moments(tmp_path):
    """StationaryMoments and NessGaps round-trip exactly through save/load; ``moments(n)`` is the
    float array m_0, m_2, .., m_2n of the one-particle marginal (the package's one meaning)."""
    import kacspectral as ks

    st = stationary_moments(TWO, 3, 4)
    back = ks.load(st.save(tmp_path / "st.json"))
    assert back == st and back.values == st.values
    assert all(type(v) is Fraction for v in back.values.values())
    m = st.moments()
    assert m.dtype == float and m.shape == (3,)
    assert m.tolist() == [1.0, float(st.one_particle_moment(1)), float(st.one_particle_moment(2))]
    res = kac_ness(TWO, None, 4)
    assert res.moments(2).tolist() == [1.0, 1.0, 65 / 36]
    with pytest.raises(ValueError):
        res.moments(3)
    g = ness_gaps(TWO, 2, 2)
    gb = ks.load(g.save(tmp_path / "g.json"))
    assert gb == g and gb.rates == g.rates and gb.picard_factors == g.picard_factors
    # q_1 = lambda = 1 - gamma (1 - beta) = 1 - (2/3)(1/3) = 7/9 (kac kernel, gamma = 2/3)
    assert g.picard_factors[1] == g.picard_factors["lambda"] == Fraction(7, 9)

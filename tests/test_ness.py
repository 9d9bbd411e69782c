"""The numerical isotropic NESS (kacspectral.boltzmann.isotropic.ness) and the Picard contraction
(contraction).

References: exact rational moments (kacspectral.boltzmann.isotropic.exact), the Sonine series built
from exact
moments and summed in mpmath (an independent representation of the density), energy
conservation m_2[f_inf] = m_2[R], and the seed's contraction bound (seed 003, Theorem 1.3).
"""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from kacspectral.boltzmann.isotropic.contraction import picard_contraction
from kacspectral.boltzmann.isotropic.exact import (
    exact_moments,
    exact_taylor_coefficients,
    sonine_reference_density,
)
from kacspectral.boltzmann.isotropic.ness import (
    SOLVERS,
    NessProblem,
    choose_truncation,
    default_problem,
    solve_ness,
    tail_bound,
)
from kacspectral.errors import ConvergenceError, NegativeDensityWarning, TruncationWarning
from kacspectral.physics.reservoirs import MaxwellianMixture

EPS = float(np.finfo(float).eps)

TWO = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
THREE = MaxwellianMixture(["1/5", "1/2", "3/10"], ["1/4", "1/2", "1"])
#: a wide temperature ratio (rho = 0.63): low truncations give visibly negative densities
WIDE = NessProblem("1/2", MaxwellianMixture(["1/2", "1/2"], ["1/20", "1"]), "constant")
PROBLEMS = {
    "default": default_problem(),
    "kac": NessProblem("1/2", TWO, "kac"),
    "three": NessProblem("1/2", THREE, "constant"),
    "three-poly": NessProblem(Fraction(1, 3), THREE, "3*(1+s)**2/4"),
}


@pytest.fixture(scope="module")
def solutions():
    return {name: solve_ness(p) for name, p in PROBLEMS.items()}


# ------------------------------------------------------------------ problem validation
def test_problem_accepts_fractions_and_strings():
    p = NessProblem("0.25", TWO, "constant")
    assert p.gamma == Fraction(1, 4)
    assert NessProblem(Fraction(1, 4), TWO, "constant").gamma == p.gamma
    assert p.kernel.name == "constant"
    assert math.isclose(p.t_ref, math.sqrt(1 / 12))
    assert math.isclose(p.lam, 0.75 + 0.25 * 0.5)


@pytest.mark.parametrize("gamma", [0, 1, "3/2", -0.1])
def test_problem_rejects_gamma_outside_unit_interval(gamma):
    with pytest.raises(ValueError, match="gamma must lie strictly between 0 and 1"):
        NessProblem(gamma, TWO, "constant")


def test_problem_rejects_bad_reservoir_and_kernel():
    with pytest.raises(TypeError, match="MaxwellianMixture"):
        NessProblem("1/2", [0.5, 0.5], "constant")
    with pytest.raises(ValueError, match="not normalised"):
        NessProblem("1/2", TWO, "2")
    with pytest.raises(ValueError, match="gamma must be a number"):
        NessProblem("a half", TWO, "constant")


# ------------------------------------------------------------------ accuracy
@pytest.mark.parametrize("name", ["default", "kac", "three"])
def test_moments_against_exact_rationals(solutions, name):
    res = solutions[name]
    exact = np.array([float(x) for x in exact_moments(PROBLEMS[name], 6)])
    rel = np.abs(res.moments(6) / exact - 1)
    assert np.max(rel) < 1e-12, rel


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_mass_and_energy(solutions, name):
    """Mass and energy to rounding: both invariants are imposed by the map (module docstring);
    the reported a-posteriori energy_error agrees with the moments."""
    res, prob = solutions[name], PROBLEMS[name]
    m = res.moments(1)
    m2 = prob.reservoir.moment(1)
    assert abs(m[0] - 1) < 8 * EPS
    assert abs(res.phi(0.0) - 1) < 8 * EPS
    assert abs(m[1] - m2) < 8 * EPS * m2
    assert abs(res.energy_error - abs(m[1] - m2) / m2) <= 8 * EPS


@pytest.mark.parametrize("gamma", ["1/1000000", "1/1000"])
@pytest.mark.parametrize("method", ["newton", "anderson"])
def test_weak_coupling_energy_is_exact(gamma, method):
    """Regression: at 1 - lambda = gamma/2 ~ 1e-6, Newton's N' - I was near-singular along the
    energy mode and m_2 was off by 1.6e-9 with a residual of 1e-17.  Now energy to rounding
    and all moments against the exact rationals."""
    prob = NessProblem(gamma, TWO, "constant")
    res = solve_ness(prob, method=method)
    assert res.energy_error <= 4 * EPS
    exact = np.array([float(x) for x in exact_moments(prob, 6)])
    assert np.max(np.abs(res.moments(6) / exact - 1)) < 1e-12
    rep = picard_contraction(prob, n_max=4, ness=res)  # GTW needs equal m_2: no error
    assert rep.bound_holds


@pytest.mark.parametrize("name", ["default", "kac", "three"])
def test_density_against_sonine_series_of_exact_moments(solutions, name):
    prob = PROBLEMS[name]
    v = np.linspace(0.0, 6.0 * math.sqrt(prob.reservoir.t_max), 61)
    ref, bound = sonine_reference_density(prob, v)
    assert bound < 1e-15
    assert np.max(np.abs(solutions[name].density(v) - ref)) < 1e-10
    assert solutions[name].min_density >= 0.0


def test_phi_small_k_against_exact_taylor_series(solutions):
    """phi(k) = sum c_n k^(2n) with the exact c_n, at k small enough for 10 terms."""
    c = [float(x) for x in exact_taylor_coefficients(PROBLEMS["kac"], 10)]
    k = np.linspace(0.0, 0.8, 9)
    taylor = sum(cn * k ** (2 * n) for n, cn in enumerate(c))
    assert np.max(np.abs(solutions["kac"].phi(k) - taylor)) < 1e-14


@pytest.fixture(scope="module")
def three_poly_by_method():
    return {m: solve_ness(PROBLEMS["three-poly"], method=m) for m in SOLVERS}


@pytest.mark.parametrize("method", sorted(SOLVERS))
def test_all_solvers_agree(three_poly_by_method, method):
    """Each solver against the exact moments, and its coefficients against the *other*
    solvers' (independent iterations on the same discrete map; tolerance 64 eps per unit
    coefficient, measured differences <= 3.7e-15)."""
    prob = PROBLEMS["three-poly"]
    res = three_poly_by_method[method]
    assert res.residual <= 1e-14
    exact = np.array([float(x) for x in exact_moments(prob, 6)])
    assert np.max(np.abs(res.moments(6) / exact - 1)) < 1e-11
    for other, ref in three_poly_by_method.items():
        if other != method:
            assert np.max(np.abs(res.coefficients - ref.coefficients)) < 64 * EPS, other
    assert len(res.history) == res.iterations


def test_fast_solvers_need_far_fewer_iterations():
    prob = NessProblem("1/5", TWO, "kac")
    its = {m: solve_ness(prob, method=m).iterations for m in SOLVERS}
    assert its["newton"] * 5 < its["picard"]
    assert its["anderson"] * 2 < its["picard"]


def test_spectral_convergence_in_the_truncation():
    """Moment error falls geometrically in K, at about the predicted ratio rho per unit K."""
    prob = PROBLEMS["default"]
    exact = np.array([float(x) for x in exact_moments(prob, 6)])
    Ks = [12, 16, 20, 24]
    errs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TruncationWarning)
        for K in Ks:
            errs.append(np.max(np.abs(solve_ness(prob, truncation=K).moments(6) / exact - 1)))
    rate = math.exp(np.polyfit(Ks, np.log(errs), 1)[0])
    # two-sided: between rho (the coefficient decay) and the decay ratio of the a-priori bound
    # tail(K) ~ rho^K K^(P + 1/4) over the same K (0.371; measured error ratio 0.341)
    tails = [tail_bound(K, prob.rho, prob.temperature_ratio) for K in Ks]
    predicted = math.exp(np.polyfit(Ks, np.log(tails), 1)[0])
    assert prob.rho <= rate <= 1.1 * predicted, (rate, prob.rho, predicted)
    assert all(e2 < e1 for e1, e2 in zip(errs, errs[1:], strict=False))
    # the a-priori bound is an upper bound
    for K, e in zip(Ks, errs, strict=True):
        assert e <= tail_bound(K, prob.rho, prob.temperature_ratio)


def test_automatic_truncation_rule():
    prob = PROBLEMS["default"]
    K = choose_truncation(prob.rho, 1e-14, prob.temperature_ratio)
    assert tail_bound(K, prob.rho, prob.temperature_ratio) <= 1e-16
    assert tail_bound(K - 1, prob.rho, prob.temperature_ratio) > 1e-16
    assert solve_ness(prob).truncation == K


# ------------------------------------------------------------------ reporting trouble
def test_low_truncation_warns_and_negative_density_is_reported():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        res = solve_ness(WIDE, truncation=3, tol=1e-12)
    assert _warned(rec, TruncationWarning, "too low")
    assert _warned(rec, NegativeDensityWarning, "negative")
    assert res.min_density < 0


def _warned(records, category, needle):
    """Whether ``records`` (from ``warnings.catch_warnings(record=True)``) hold a ``category``
    warning whose message contains ``needle``.  (Nested ``pytest.warns`` blocks need pytest
    >= 8, which re-emits the warnings an inner block does not match; this works on pytest 7.)"""
    return any(issubclass(r.category, category) and needle in str(r.message) for r in records)


def test_not_converged_raises():
    with pytest.raises(ConvergenceError, match="picard did not reach"):
        solve_ness(PROBLEMS["default"], method="picard", max_iter=3)
    with pytest.raises(ConvergenceError, match="newton did not reach") as info:
        solve_ness(PROBLEMS["default"], method="newton", max_iter=1)
    assert "method='newton'" not in str(info.value)


def test_singular_newton_system_is_a_convergence_error(monkeypatch):
    def singular(*args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(np.linalg, "solve", singular)
    with pytest.raises(ConvergenceError, match="singular"):
        solve_ness(PROBLEMS["default"], method="newton")


def test_solver_claiming_convergence_is_checked(monkeypatch):
    """The residual is recomputed at the returned coefficients: a solver whose history says
    converged but whose output is not (e.g. after Anderson's polishing) is not accepted."""
    monkeypatch.setitem(SOLVERS, "anderson", lambda ctx, a0, tol, max_iter: (a0, 1, [0.0]))
    with pytest.raises(ConvergenceError, match="at the returned coefficients"):
        solve_ness(PROBLEMS["default"], method="anderson")


def test_energy_error_above_the_limit_raises(monkeypatch):
    import kacspectral.boltzmann.isotropic.ness as ness

    monkeypatch.setattr(ness, "ENERGY_ERROR_LIMIT", -1.0)
    with pytest.raises(ConvergenceError, match="energy"):
        solve_ness(PROBLEMS["default"])


def test_higher_moments_are_controlled_with_moment_order():
    """Regression: m_40 of the default problem was off by 2.2e-11 (the rule covered only
    m_0..m_12); moment_order=20 raises K from 47 to 83 and the error to rounding."""
    prob = PROBLEMS["default"]
    exact = np.array([float(x) for x in exact_moments(prob, 20)])
    res = solve_ness(prob, moment_order=20)
    assert res.moment_order == 20
    assert res.truncation > solve_ness(prob).truncation
    assert res.tail_estimate <= 1e-16
    assert np.max(np.abs(res.moments(20) / exact - 1)) < 1e-12
    with pytest.raises(ValueError, match="moment_order must be <= 100"):
        solve_ness(prob, moment_order=101)


def test_bad_solver_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        solve_ness(PROBLEMS["default"], method="bisection")
    with pytest.raises(ValueError, match="tol must be a positive number"):
        solve_ness(PROBLEMS["default"], tol=-1.0)
    with pytest.raises(ValueError, match="truncation must be an integer"):
        solve_ness(PROBLEMS["default"], truncation=0)
    with pytest.raises(TypeError, match="NessProblem"):
        solve_ness("default")


# ------------------------------------------------------------------ contraction
@pytest.mark.parametrize("kernel", ["constant", "kac", "3*(1+s)**2/4"])
@pytest.mark.parametrize("gamma", ["1/2", "1/5"])
def test_picard_contraction_bound_holds(kernel, gamma):
    """seed 003, Theorem 1.3: d(f_n, f_inf) <= lambda^n/(1-lambda) d(Phi R, R), n <= 30."""
    prob = NessProblem(gamma, TWO, kernel)
    rep = picard_contraction(prob, n_max=30)
    assert rep.bound_holds
    assert all(d <= b for d, b in zip(rep.distance, rep.bound, strict=True))
    # observed geometric rate: below lambda, equal to the k^4 Taylor-mode rate
    assert rep.observed_rate <= rep.lam
    assert abs(rep.observed_rate - rep.fourth_moment_rate) < 1e-3 * rep.fourth_moment_rate
    assert rep.distance[30] < rep.lam**30 * rep.distance[0]
    assert len(rep.table()) == 31


def test_non_polynomial_kernel_path():
    """A callable kernel (200-node Gauss rule, no exact form) against the exact moments of the
    same kernel written as a polynomial expression."""
    from kacspectral.physics.kernels import kernel_from_callable

    kern = kernel_from_callable(lambda s: 0.75 * (1 + s**2), name="callable")
    assert not kern.is_exact
    res = solve_ness(NessProblem("1/2", TWO, kern))
    exact = exact_moments(NessProblem("1/2", TWO, "3*(1+s**2)/4"), 6)
    rel = np.abs(res.moments(6) / np.array([float(x) for x in exact]) - 1)
    assert np.max(rel) < 1e-12


def test_contraction_reuses_a_given_steady_state():
    prob = PROBLEMS["default"]
    ness = solve_ness(prob)
    rep = picard_contraction(prob, n_max=6, ness=ness)
    assert rep.bound_holds and len(rep.distance) == 7
    with pytest.raises(ValueError, match="another problem"):
        picard_contraction(PROBLEMS["kac"], n_max=6, ness=ness)


def test_contraction_moment_mismatch_is_a_convergence_error(monkeypatch):
    """Unequal m_2 between computed states is a numerical failure, never a bad-input error."""
    import kacspectral.boltzmann.isotropic.contraction as contraction

    prob = PROBLEMS["default"]
    ness = solve_ness(prob)
    real = contraction.picard_iterates

    def drifting(*args, **kwargs):
        seq, t_ref, K = real(*args, **kwargs)
        return [a * (1 + 1e-6 * n) for n, a in enumerate(seq)], t_ref, K

    monkeypatch.setattr(contraction, "picard_iterates", drifting)
    with pytest.raises(ConvergenceError, match=r"gamma = 1/2, K = \d+"):
        picard_contraction(prob, n_max=4, ness=ness)

"""The cost estimates (``estimate_*``) against small measured cases -- counts, bytes and
ratios, never wall-clock times -- and the representability limits of the NESS truncation.

The seconds-per-operation constants behind the time estimates are measured by
``validation/cli_limits.py`` (JSON in ``validation/results/``), not asserted here.
"""

from __future__ import annotations

import math
import tracemalloc

import mpmath
import numpy as np
import pytest

from kacspectral.boltzmann.isotropic import limits
from kacspectral.errors import BudgetError, check_budget, format_bytes, format_seconds


def test_log_rho_accurate_where_rho_rounds_to_one():
    """``log rho`` against 400-digit mpmath, including ``T_max/T_min = 1e300`` (rho = 1 in
    double precision)."""
    for t_min, t_max in [(1 / 6, 1 / 2), (1e-3, 1.0), (1e-300, 1.0), (1.0, 1.0 + 1e-9)]:
        with mpmath.workdps(400):
            x = mpmath.sqrt(mpmath.mpf(t_min) / mpmath.mpf(t_max))
            ref = float(mpmath.log((1 - x) / (1 + x)))
        got = limits.log_rho(t_min, t_max)
        assert abs(got - ref) <= 4e-16 * abs(ref), (t_min, t_max, got, ref)
    assert limits.log_rho(1.0, 1.0) == -math.inf
    assert limits.estimate_truncation(1.0, 1.0, 1e-14) == 0.0


def test_coefficients_decay_like_rho_to_the_n():
    """The model behind the needed K: the NESS coefficients decay like rho^n (fitted slope of
    log|a_n| over the tail within 10% of log rho)."""
    from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness
    from kacspectral.physics.reservoirs import MaxwellianMixture

    for temps in (["1/6", "1/2"], ["1/10", "1"]):
        p = NessProblem("1/2", MaxwellianMixture(["1/2", "1/2"], temps), "constant")
        a = solve_ness(p, tol=1e-13).coefficients
        n = np.arange(a.size)
        tail = (n > 5) & (np.abs(a) > 1e-13)
        slope = np.polyfit(n[tail], np.log(np.abs(a[tail])), 1)[0]
        expected = limits.log_rho(*[float(eval_frac(t)) for t in temps])
        assert abs(slope - expected) <= 0.1 * abs(expected), (temps, slope, expected)


def eval_frac(text: str) -> float:
    num, _, den = text.partition("/")
    return float(num) / float(den or 1)


def test_check_representable_threshold():
    """Refused exactly where rho^200 > 1e-2; the quoted ratio limit is that boundary."""
    limit = limits._ratio_limit(200)
    limits.check_representable(1.0 / (0.999 * limit), 1.0, 1e-14, 200)
    with pytest.raises(ValueError, match="at most K = 200"):
        limits.check_representable(1.0 / (1.001 * limit), 1.0, 1e-14, 200)
    lr = limits.log_rho(1.0 / limit, 1.0)
    assert abs(math.exp(200 * lr) - limits.HOPELESS_DECAY) <= 1e-12


@pytest.mark.parametrize("tol, ok", [(1e-2, True), (2.3e-16, True), (0.011, False),
                                     (1e-17, False), (math.nan, False), (0, False)])
def test_tolerance_range(tol, ok):
    if ok:
        assert limits.check_tolerance(tol) == tol
    else:
        with pytest.raises(ValueError, match="tol"):
            limits.check_tolerance(tol)


def test_picard_estimate_counts_and_bytes(monkeypatch):
    """Map applications and GTW distances counted in a real run equal the estimate; the
    stored iterates' bytes are below it."""
    import kacspectral.boltzmann.isotropic.contraction as contraction
    import kacspectral.boltzmann.isotropic.ness as ness

    problem = ness.default_problem()
    result = ness.solve_ness(problem)
    calls = {"map": 0, "gtw": 0}
    real_gtw = contraction.gtw_distance_coefficients
    real_map = ness.normalised_map

    def gtw(*a, **k):
        calls["gtw"] += 1
        return real_gtw(*a, **k)

    def nmap(*a, **k):
        calls["map"] += 1
        return real_map(*a, **k)

    monkeypatch.setattr(contraction, "gtw_distance_coefficients", gtw)
    monkeypatch.setattr(ness, "normalised_map", nmap)
    seen = []
    contraction.picard_contraction(problem, n_max=6, ness=result,
                                   progress=lambda d, t: seen.append((d, t)))
    est = limits.estimate_picard_contraction(6, result.truncation)
    assert calls == {"map": est["map_applications"], "gtw": est["distances"]}
    assert seen[-1][0] == seen[-1][1] and len(seen) == 6 + 7 + 1  # steps, then distances
    stored = 7 * np.zeros(result.truncation + 1).nbytes
    assert stored <= est["bytes"] <= 3 * stored


def test_exact_moment_digits_estimate():
    """The digits of the exact m_{2n} (the size the cost model assumes) stay below the
    estimate, within a factor 2."""
    from kacspectral.boltzmann.isotropic.exact import exact_moments
    from kacspectral.boltzmann.isotropic.ness import default_problem

    m = exact_moments(default_problem(), 60)
    digits = len(str(m[-1].numerator)) + len(str(m[-1].denominator))
    est = limits.estimate_exact_moments(60)["digits"]
    assert digits / 2 <= est <= 2 * digits
    assert limits.estimate_exact_moments(120)["products"] == 120 * 121


def test_evolution_estimate_counts():
    """Steps, step used and right-hand-side evaluations equal those of a real run."""
    from kacspectral.boltzmann.anisotropic.evolution import (
        EvolutionProblem,
        estimate_evolution,
        evolve,
    )
    from kacspectral.spectral.hermite_space import HermiteSpace
    from kacspectral.spectral.timesteppers import SCHEME_STAGES

    space = HermiteSpace(4, 1.0, 0)
    prob = EvolutionProblem(0, None, "constant", space)
    a0 = space.mixture([0.5, 0.5], [0.5, 1.5])
    times = [0.0, 0.3, 1.0]
    for scheme in SCHEME_STAGES:
        est = estimate_evolution(space, times, 0.07, scheme)
        res = evolve(prob, a0, times, dt=0.07, scheme=scheme)
        assert est["steps"] == 5 + 10
        assert est["rhs_evaluations"] == res.rhs_evaluations
        assert est["step_used"] == pytest.approx(0.7 / 10, rel=1e-15)


def test_grid_bytes_estimate_bounds_the_peak():
    """tracemalloc peak of the bkw error evaluation on 48^3 points <= estimate <= 3 x peak."""
    from kacspectral.cli._common import OneLineParser
    from kacspectral.cli.bkw import compute, configure, estimate_grid_bytes

    parser = OneLineParser()
    configure(parser)
    args = parser.parse_args(["--degree", "6", "--grid", "48", "--repeat", "1"])
    compute(args)  # warm caches
    tracemalloc.start()
    try:
        compute(args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    est = estimate_grid_bytes(48)
    assert peak <= est <= 3 * peak


@pytest.mark.parametrize("method, kernel", [("omega", "kac"), ("fourier", "constant")])
def test_lemma3_evaluation_count(monkeypatch, method, kernel):
    """The basis evaluations of the zonal constructions, counted at m = 6 and 7."""
    import kacspectral.kac.thermostat as th
    from kacspectral.kac.lemma3 import zonal_evaluations

    count = [0]
    if method == "omega":
        real = th.zonal_burnett_functions

        def counted(m, pts, *a, **k):
            out = real(m, pts, *a, **k)
            count[0] += out.size
            return out

        monkeypatch.setattr(th, "zonal_burnett_functions", counted)
    else:
        real = th._zonal_solid

        def counted(l_max, x, *a, **k):
            out = real(l_max, x, *a, **k)
            if x.ndim == 4:  # the sigma samples (not the xi nodes)
                count[0] += out.size
            return out

        monkeypatch.setattr(th, "_zonal_solid", counted)
    for m in (6, 7):
        count[0] = 0
        th.zonal_matrix(m, kernel, method)
        assert count[0] == zonal_evaluations(m, method), (m, count[0])


def test_check_budget_messages():
    check_budget("x", nbytes=1e3, seconds=1.0)
    with pytest.raises(BudgetError, match="about 10 GB of memory, above the budget 8.59 GB"):
        check_budget("x", nbytes=1e10)
    with pytest.raises(BudgetError, match="about 2 hours, above the limit 1 hour"):
        check_budget("x", seconds=7200)
    check_budget("x", seconds=7200, force=True)
    with pytest.raises(BudgetError):  # memory is never forced
        check_budget("x", nbytes=1e12, force=True)
    assert format_bytes(21.7e9) == "21.7 GB" and format_seconds(1.0e6) == "11.6 days"

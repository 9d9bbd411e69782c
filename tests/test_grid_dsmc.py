"""DSMC of the homogeneous gas with jump reservoirs (issue 12, item 5): `grid.dsmc`.

Fast: Maxwell molecules (``lambda = 0``) against the exact NESS moments of the isotropic solver
(``m_2 = 9/4``, ``m_4 = 35/4`` for ``gamma = 1/2``, ``R = (M_{1/2} + M_1)/2``, ``b = 1``; exact
rationals) and the exact heat flux ``J_a = gamma w_a (m_2 - 3 T_a)/4`` (for Maxwell molecules
``int Q(f, M_T)|v|^2 = (3T - m_2)/2``), each within 3 standard errors (spread of 8 seeded runs).
Slow: hard spheres against the grid NESS (:mod:`kacspectral.grid.ness`, N = 32).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import NessProblem
from kacspectral.grid.dsmc import DsmcProblem, run_dsmc
from kacspectral.physics.reservoirs import MaxwellianMixture

RES = MaxwellianMixture(["1/2", "1/2"], ["1/2", "1"])


def test_dsmc_maxwell_exact_moments():
    ex = exact_moments(NessProblem("1/2", RES, "constant"), 2)
    assert ex[1] == Fraction(9, 4) and ex[2] == Fraction(35, 4)
    m2, m4 = float(ex[1]), float(ex[2])
    j = [0.5 * float(w) * (m2 - 3 * float(t)) / 4 for w, t in zip(RES.w, RES.T, strict=True)]
    r = run_dsmc(DsmcProblem(0.0, 0.5, RES, particles=10000, dt=0.5, burn_in=10.0,
                             duration=100.0, seeds=tuple(range(1, 9))))
    z = r.z_scores(m2, m4, j)
    assert abs(z["m2"]) < 3 and abs(z["m4"]) < 3
    assert np.all(np.abs(z["heat_fluxes"]) < 3)
    mo = r.moments()
    # the test discriminates: the Maxwellian of the same energy (m_4 = 15 (3/4)^2) is > 10 SE off
    assert abs(mo["m4"] - 15 * 0.75**2) > 10 * mo["m4_se"]
    assert mo["m4_se"] < 3e-3 * m4 and max(mo["heat_fluxes_se"]) < 1e-2 * abs(j[0])
    assert r.clipped == 0


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_dsmc_reservoir_flux_of_initial_state(lam):
    """One step from ``f_0 = R``: the expected energy exchange is ``dt J_a(R)`` (the step is the
    Euler step in expectation), against the closed form for ``f = M_T`` (linear in ``f``):
    ``J_a(M_T) = -(1/4) gamma w_a (T_a - T)/S E|q|^(lambda+2)``, ``q ~ N(0, S I)``,
    ``S = T + T_a``.  Checks the exact rejection sampling of the hard-sphere reservoir partner."""
    from scipy.special import gamma as gamma_fn

    g = 0.5
    exact = []
    for wa, ta in zip(RES.w, RES.T, strict=True):
        j = 0.0
        for wb, tb in zip(RES.w, RES.T, strict=True):
            s = float(ta) + float(tb)
            e_q = (2 * s) ** ((lam + 2) / 2) * gamma_fn((lam + 5) / 2) / gamma_fn(1.5)
            j += float(wb) * -0.25 * g * float(wa) * (float(ta) - float(tb)) / s * e_q
        exact.append(j)
    r = run_dsmc(DsmcProblem(lam, g, RES, particles=200000, dt=0.1, burn_in=0.0,
                             duration=0.1, seeds=tuple(range(1, 9))))
    z = r.z_scores(heat_fluxes=exact)
    assert np.all(np.abs(z["heat_fluxes"]) < 3)
    assert max(r.moments()["heat_fluxes_se"]) < 0.03 * max(abs(x) for x in exact)


def test_dsmc_bad_input():
    with pytest.raises(ValueError, match="gamma"):
        DsmcProblem(1.0, 1.5, RES)
    with pytest.raises(ValueError, match="seeds"):
        DsmcProblem(1.0, 0.5, RES, seeds=(1,))
    with pytest.raises(ValueError, match="dt"):
        DsmcProblem(0.0, 0.5, RES, dt=2.0)
    with pytest.raises(TypeError, match="MaxwellianMixture"):
        DsmcProblem(1.0, 0.5, [0.5, 1.0])  # type: ignore[arg-type]


@pytest.mark.slow
def test_dsmc_hard_spheres_against_grid_ness():
    """Grid NESS at N = 32 (its m_4 differs from N = 40 by 7e-3, half the DSMC SE here)."""
    from kacspectral.grid.ness import GridNessProblem, solve_grid_ness

    g = solve_grid_ness(GridNessProblem(1.0, 0.5, RES, n=32), tol=1e-9, effort="FFTW_ESTIMATE")
    gm = g.moments()
    r = run_dsmc(DsmcProblem(1.0, 0.5, RES, particles=20000, dt=0.1, burn_in=5.0,
                             duration=40.0, seeds=tuple(range(1, 9))))
    z = r.z_scores(gm["m2"], gm["m4"], g.heat_fluxes)
    assert abs(z["m2"]) < 3 and abs(z["m4"]) < 3
    assert np.all(np.abs(z["heat_fluxes"]) < 3)
    assert r.clipped == 0


@pytest.mark.parametrize("kw,needle", [
    ({"lam": 10**400}, "lambda = 1e"), ({"gamma": float("inf")}, "gamma must be a finite"),
    ({"lam": 1.5}, r"lambda must be in \[0, 1\]"), ({"dt": 10**400}, "dt = 1e"),
    ({"duration": float("nan")}, "duration must be a finite"),
])
def test_dsmc_problem_refuses_bad_numbers(kw, needle):
    args = {"lam": 0.0, "gamma": 0.5, "reservoir": RES, **kw}
    with pytest.raises(ValueError, match=needle):
        DsmcProblem(**args)
    with pytest.raises(TypeError, match="MaxwellianMixture"):
        DsmcProblem(0.0, 0.5, [0.5, 1.0])

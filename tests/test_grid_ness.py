"""The grid NESS with two jump reservoirs (issue 12, item 5): energy and entropy budgets.

Slow (about 40 CPU seconds per solve at N = 32); run with ``-m slow``.  Measured at N = 32,
Lebedev degree 11, ``gamma = 1/2``, ``R = (M_{1/2} + M_1)/2`` (``validation/grid_ness.py``):
Maxwell molecules ``sum J_a = 2.2e-5`` against fluxes ``4.7e-2``, budget difference ``5.1e-6``,
``m_4 = 8.8087`` against the isotropic NESS's ``8.75``; hard spheres ``sum J_a = -3.3e-5`` against
``0.12``, budget difference ``-5.3e-6``.
"""

from __future__ import annotations

import numpy as np
import pytest

from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness
from kacspectral.grid.ness import GridNessProblem, solve_grid_ness
from kacspectral.physics.reservoirs import MaxwellianMixture

RES = MaxwellianMixture(["1/2", "1/2"], ["1/2", "1"])


@pytest.mark.slow
@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_grid_ness_budgets(lam):
    r = solve_grid_ness(GridNessProblem(lam, 0.5, RES, n=32), tol=1e-9,
                        effort="FFTW_ESTIMATE")
    assert r.residual <= 1e-9
    scale = np.max(np.abs(r.heat_fluxes))
    assert abs(np.sum(r.heat_fluxes)) < 2e-3 * scale
    b = r.entropy_budget
    assert b["sigma_bulk"] > 0 and np.all(np.array(b["sigma_reservoirs"]) > 0)
    assert abs(b["difference"]) < 1e-3 * abs(b["sum_J_over_T"])
    if lam == 0.0:
        iso = solve_ness(NessProblem("1/2", RES, "constant")).moments(2)
        m = r.moments()
        assert abs(m["m2"] / iso[1] - 1) < 2e-3
        assert abs(m["m4"] / iso[2] - 1) < 1e-2


def test_a_blow_up_on_an_unresolved_grid_names_the_cause():
    """The CLI's default reservoirs (T = 1/6, 1/2) on N = 12, L = 8.83: spacing 1.47 against
    the thermal speed 0.41; the marching blows up and the message says why (one line)."""
    from kacspectral.errors import ConvergenceError

    prob = GridNessProblem(0.0, 0.5, MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"]), n=12)
    with pytest.raises(ConvergenceError, match=r"blew up.*spacing 2L/n = 1\.47.*0\.408"):
        solve_grid_ness(prob, effort="FFTW_ESTIMATE")

"""Cross-validation of the grid solver with the Hermite-Burnett solver (issue 12, item 4).

For Maxwell molecules (b = 1) the Hermite-Burnett solver is exact degree by degree; on the
bi-Maxwellian ``T = (0.5, 0.5, 0.8)`` its Q converges geometrically in the degree (its own error
is measured here by the difference of two degrees).  Projections grid <-> coefficients both ways.
The N = 48, 1e-8 comparison is in ``validation/bench_grid.py``.
"""

from __future__ import annotations

import math

import numpy as np

from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.grid.conservation import grid_moments
from kacspectral.grid.evolution import evolve_grid
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.grid.projection import grid_to_hermite, hermite_to_grid
from kacspectral.physics.bkw import STANDARD_BOX

TEMPS = np.array([0.5, 0.5, 0.8])


def test_projection_round_trip():
    space = HermiteSpace(8, HermiteSpace.choose_temperature(TEMPS))
    a = space.maxwellian(TEMPS)
    f = hermite_to_grid(a, space, 40, STANDARD_BOX)
    # measured 1.3e-15 at N = 40 (6e-11 at N = 32: the grid rule converges exponentially)
    assert np.max(np.abs(grid_to_hermite(f, space, STANDARD_BOX) - a)) < 1e-12
    # grid values of the exact bi-Maxwellian project onto its exact coefficients up to the
    # truncated tail (degree > 8) of the series
    x = -STANDARD_BOX + 2 * STANDARD_BOX * np.arange(40) / 40
    v = np.stack(np.meshgrid(x, x, x, indexing="ij"), -1)
    fe = np.exp(-np.sum(v**2 / (2 * TEMPS), -1)) / ((2 * math.pi) ** 1.5 * math.sqrt(TEMPS.prod()))
    assert np.max(np.abs(grid_to_hermite(fe, space, STANDARD_BOX) - a)) < 1e-12


def test_q_of_the_bimaxwellian_agrees_with_the_hermite_solver():
    n = 40
    space = HermiteSpace(16, HermiteSpace.choose_temperature(TEMPS))
    a = space.maxwellian(TEMPS)
    q16 = hermite_to_grid(CollisionOperator(space).collision(a, a), space, n, STANDARD_BOX)
    s12 = HermiteSpace(12, space.temperature)
    a12 = s12.maxwellian(TEMPS)
    q12 = hermite_to_grid(CollisionOperator(s12).collision(a12, a12), s12, n, STANDARD_BOX)
    ref_err = np.max(np.abs(q16 - q12))  # bounds the degree-16 error (geometric convergence)
    assert ref_err < 1e-5
    f = hermite_to_grid(space.maxwellian(TEMPS), space, n, STANDARD_BOX)
    op = FastSpectralOperator(n, radial_nodes=12, sphere_degree=9, effort="FFTW_ESTIMATE")
    err = np.max(np.abs(op.collision(f) - q16))
    assert err < 1e-5  # measured 3.5e-6 (7.7e-7 with 16 radial nodes; 1.4e-8 at N = 48)


def test_temperature_relaxation_along_an_evolution():
    # Maxwell molecules, b = 1: T_zz(t) - T = (T_zz(0) - T) exp(-mu t) (closed moment system);
    # mu from the Hermite solver's Q at t = 0
    space = HermiteSpace(8, HermiteSpace.choose_temperature(TEMPS))
    a = space.maxwellian(TEMPS)
    second = space.moments(CollisionOperator(space).collision(a, a))["second"]
    t_mean = TEMPS.mean()
    mu = -second[2, 2] / (TEMPS[2] - t_mean)
    n = 32
    f = hermite_to_grid(a, space, n, STANDARD_BOX)
    op = FastSpectralOperator(n, radial_nodes=12, sphere_degree=9, effort="FFTW_ESTIMATE")
    ev = evolve_grid(op, f, t_end=1.0, dt=0.25, outputs=2)
    x = -STANDARD_BOX + 2 * STANDARD_BOX * np.arange(n) / n
    h3 = (2 * STANDARD_BOX / n) ** 3
    errs = []
    for t, g in zip(ev.times, ev.states, strict=True):
        tzz = h3 * np.einsum("ijk,k->", g, x * x)
        exact = t_mean + (TEMPS[2] - t_mean) * math.exp(-mu * t)
        errs.append(abs(tzz - exact))
    assert max(errs) < 2e-6, errs  # measured 1.3e-7 (t = 1/2), 8.1e-7 (t = 1); RK4 dt = 1/4
    assert np.allclose(grid_moments(ev.states[-1], STANDARD_BOX)[[0, 4]], [1.0, 3 * t_mean],
                       atol=1e-10)

"""Far from equilibrium on the grid (issue 12, item 3), small N.

``f_0 = 0.2 M_{(2,2,2), 0.2} + 0.8 M_{-(1/2,1/2,1/2), 1/2}`` on ``[-6, 6)^3`` (kernel truncated
at ``R = 4 L/(3 + sqrt 2)``): self-convergence of ``Q(f_0, f_0)`` in ``N`` (successive differences
on the common points, with the fitted exponential rate), and the relaxation under
``df/dt = Q(f, f)`` for hard spheres with the entropy increasing at every step and the
conservation laws exact.  Bigger N: ``validation/grid_far.py``.
"""

from __future__ import annotations

import math

import numpy as np

from kacspectral.grid.evolution import evolve_grid
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.physics.bkw import standard_grid

L = 6.0


def two_beams(n: int) -> np.ndarray:
    v = standard_grid(n, L)

    def m(t, u):
        return (2 * math.pi * t) ** -1.5 * np.exp(-np.sum((v - np.asarray(u)) ** 2, -1) / (2 * t))

    return 0.2 * m(0.2, (2, 2, 2)) + 0.8 * m(0.5, (-0.5, -0.5, -0.5))


def q_two_beams(n: int) -> np.ndarray:
    op = FastSpectralOperator(n, L, sphere_degree=17, effort="FFTW_ESTIMATE")
    return op.collision(two_beams(n))


def test_self_convergence_in_n():
    qs = {n: q_two_beams(n) for n in (12, 16, 20, 24, 32, 40)}
    ns = np.array([12, 16, 20])
    diffs = np.array([np.max(np.abs(qs[n] - qs[2 * n][::2, ::2, ::2])) for n in ns])
    # measured 3.6e-2, 3.2e-3, 1.2e-3: decreasing, exponential rate ~0.4 per point
    assert np.all(np.diff(diffs) < 0)
    rate = -np.polyfit(ns, np.log(diffs), 1)[0]
    assert rate > 0.2
    assert diffs[-1] < 3e-3


def test_hard_sphere_relaxation_h_theorem():
    n = 24
    op = FastSpectralOperator(n, L, lam=1.0, sphere_degree=17, effort="FFTW_ESTIMATE")
    ev = evolve_grid(op, two_beams(n), t_end=1.5, dt=0.25)
    # entropy increases at every step (measured increments 0.71 ... 0.012)
    assert np.all(ev.entropy_increments > 0)
    # conservation laws exact (projection), negative part small (measured <= 1.1e-3)
    assert np.max(np.abs(ev.step_moments - ev.step_moments[0])) < 1e-13
    assert np.max(ev.step_negative_mass) < 3e-3
    # relaxation: the L1 distance to the Maxwellian with the same moments decreases
    m = ev.step_moments[0]
    u = m[1:4] / m[0]
    t = (m[4] / m[0] - u @ u) / 3
    v = standard_grid(n, L)
    maxw = m[0] * (2 * math.pi * t) ** -1.5 * np.exp(-np.sum((v - u) ** 2, -1) / (2 * t))
    dist = [np.sum(np.abs(f - maxw)) for f in ev.states]
    assert np.all(np.diff(dist) < 0)

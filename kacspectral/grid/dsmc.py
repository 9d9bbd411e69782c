"""Direct simulation Monte Carlo of the homogeneous gas with jump reservoirs (issue 12, item 5).

An independent, seeded particle check of the grid NESS (:mod:`kacspectral.grid.ness`).  Model
(seed 003, eq. (1.4), bulk kernel generalised as in its section 4; normalisation of
:mod:`kacspectral.grid.operator`, ``docs/conventions.md`` section 2):

    df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R),   R = sum_a w_a M_{T_a},

``B = |v - v_*|^lambda b`` with ``b dsigma`` the uniform probability on S^2, loss term
``Q-(f, g) = f int |v - v_*|^lambda g(v_*) dv_*``, collision rule
``v' = (v + v_*)/2 + |q| sigma/2``, ``v_*' = (v + v_*)/2 - |q| sigma/2``, ``q = v - v_*``.
So a particle at ``v`` collides with the gas at rate ``(1 - gamma) int |q|^lambda f(v_*) dv_*``
(both partners change) and with a fresh partner ``v_* ~ M_{T_a}`` of reservoir ``a`` at rate
``gamma w_a int |q|^lambda M_{T_a}(v_*) dv_*`` (only the particle changes; the reservoir has
density 1).  ``lambda = 0``: Maxwell molecules; ``lambda = 1``: hard spheres.

Scheme (Nanbu-Babovsky, time step ``dt``).  At each step every particle is put at random (prob.
1/2 each) in the *bulk* group or the *reservoir* group.  The bulk group is paired at random and
a pair collides with probability ``2 dt (1 - gamma) |q|^lambda``; a particle of the reservoir
group picks a reservoir ``a`` with probability ``w_a`` and collides with it with probability
``2 dt gamma int |q|^lambda M_{T_a}(v_*) dv_*``, realised exactly (no majorant on ``|q|``) by
rejection: ``|q|^lambda <= c + |v| + |v_*|`` (``c = 0`` for ``lambda = 1``, ``1`` for
``0 < lambda < 1``), a candidate is proposed with probability
``2 dt gamma (c + |v| + E|V|)``, ``E|V| = sqrt(8 T_a / pi)``, drawn from the density
``proportional to (c + |v| + |v_*|) M_{T_a}(v_*)`` (a two-component mixture: ``M_{T_a}`` and
``|v_*| M_{T_a}``, whose speed has ``|v_*|^2/(2 T_a) ~ Gamma(2)``), and accepted with
probability ``|q|^lambda / (c + |v| + |v_*|)``.  In expectation one step is the explicit Euler
step ``f + dt [(1 - gamma) Q(f, f) + gamma Q(f, R)]`` (up to ``O(1/N)`` correlations), whose
fixed points are the stationary states: the stationary law carries no time-step bias in the
limit of many particles.  A bulk pair with ``2 dt (1-gamma)|q|^lambda > 1`` collides with
probability 1; the number of such pairs is reported (``clipped``) and should be 0.

Estimates.  After a burn-in, ``m_2 = int |v|^2 f`` and ``m_4 = int |v|^4 f`` are averaged over
the steps, and the heat flux into reservoir ``a`` is measured from the collisions themselves,

    J_a = (1 / (N t)) sum_{collisions with a} (|v|^2 - |v'|^2) / 2

(the energy the gas gives to reservoir ``a`` per unit time and unit mass; the sign of
:meth:`kacspectral.grid.reservoirs.JumpReservoirs.heat_fluxes`, ``J_a = -(1/2) int L_a f |v|^2``).
Several independent seeded runs; the estimate is the mean over runs and its standard error
the spread of the runs, ``std / sqrt(runs)``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kacspectral.errors import short
from kacspectral.grid.params import check_reservoir_problem, finite_float
from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = ["DsmcProblem", "DsmcResult", "run_dsmc", "dsmc_single_run"]


@dataclass(frozen=True)
class DsmcProblem:
    """Parameters of the particle simulation.

    ``lam`` (``B = |q|^lam``), ``gamma``, the reservoir mixture, ``particles`` per run, the time
    step ``dt``, the burn-in time and the averaging time ``duration``, and one seed per run.
    """

    lam: float
    gamma: float
    reservoir: MaxwellianMixture
    particles: int = 20000
    dt: float = 0.05
    burn_in: float = 10.0
    duration: float = 100.0
    seeds: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)

    def __post_init__(self) -> None:
        check_reservoir_problem(self.lam, self.gamma, self.reservoir)
        if int(self.particles) < 2:
            raise ValueError(f"particles must be an integer >= 2, got {short(self.particles)}")
        if not finite_float(self.dt, "dt") > 0:
            raise ValueError(f"dt must be a positive number, got {self.dt!r}")
        if finite_float(self.burn_in, "burn_in") < 0 or not finite_float(
                self.duration, "duration") > 0:
            raise ValueError(f"need burn_in >= 0 and duration > 0, got {self.burn_in!r}, "
                             f"{self.duration!r}")
        if len(self.seeds) < 2:
            raise ValueError(f"need at least two seeds (standard errors), got {self.seeds!r}")
        g, lam = float(self.gamma), float(self.lam)
        if lam == 0.0 and 2 * self.dt * max(g, 1 - g) > 1:
            raise ValueError(f"dt = {self.dt!r} too large: need 2 dt max(gamma, 1-gamma) <= 1")

    def to_dict(self) -> dict:
        return {"lambda": float(self.lam), "gamma": float(self.gamma),
                "weights": [float(w) for w in self.reservoir.w],
                "temperatures": [float(t) for t in self.reservoir.T],
                "particles": int(self.particles), "dt": float(self.dt),
                "burn_in": float(self.burn_in), "duration": float(self.duration),
                "seeds": [int(s) for s in self.seeds]}


@dataclass(frozen=True)
class DsmcResult:
    """Per-run estimates (rows = seeds) and their means and standard errors."""

    problem: DsmcProblem
    m2_runs: NDArray = field(repr=False)
    m4_runs: NDArray = field(repr=False)
    heat_flux_runs: NDArray = field(repr=False)
    clipped: int
    steps: int

    @staticmethod
    def _mean_se(x: NDArray) -> tuple[NDArray, NDArray]:
        return np.mean(x, axis=0), np.std(x, axis=0, ddof=1) / math.sqrt(x.shape[0])

    def moments(self) -> dict:
        """Estimates and standard errors of ``m2``, ``m4``, ``J_a``, ``sum_a J_a``."""
        m2, s2 = self._mean_se(self.m2_runs)
        m4, s4 = self._mean_se(self.m4_runs)
        j, sj = self._mean_se(self.heat_flux_runs)
        js, sjs = self._mean_se(np.sum(self.heat_flux_runs, axis=1))
        return {"m2": float(m2), "m2_se": float(s2), "m4": float(m4), "m4_se": float(s4),
                "heat_fluxes": j.tolist(), "heat_fluxes_se": sj.tolist(),
                "sum_heat_fluxes": float(js), "sum_heat_fluxes_se": float(sjs)}

    def z_scores(self, m2: float | None = None, m4: float | None = None,
                 heat_fluxes: NDArray | list[float] | None = None) -> dict:
        """``(estimate - reference) / SE`` for the references given."""
        mo = self.moments()
        out: dict = {}
        if m2 is not None:
            out["m2"] = (mo["m2"] - float(m2)) / mo["m2_se"]
        if m4 is not None:
            out["m4"] = (mo["m4"] - float(m4)) / mo["m4_se"]
        if heat_fluxes is not None:
            ref = np.asarray(heat_fluxes, dtype=float)
            out["heat_fluxes"] = ((np.asarray(mo["heat_fluxes"]) - ref)
                                  / np.asarray(mo["heat_fluxes_se"])).tolist()
        return out

    def to_dict(self) -> dict:
        from kacspectral.provenance import versions

        return {"problem": self.problem.to_dict(), "estimates": self.moments(),
                "runs": {"m2": self.m2_runs.tolist(), "m4": self.m4_runs.tolist(),
                         "heat_fluxes": self.heat_flux_runs.tolist()},
                "steps_per_run": self.steps, "clipped_pairs": self.clipped,
                "versions": versions()}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n")


def _unit_vectors(rng: np.random.Generator, n: int) -> NDArray:
    x = rng.standard_normal((n, 3))
    return x / np.linalg.norm(x, axis=1)[:, None]


def _collide(v: NDArray, w: NDArray, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Post-collision velocities for ``b`` constant: ``(v+w)/2 +- |v-w| sigma/2``."""
    c = 0.5 * (v + w)
    h = 0.5 * np.linalg.norm(v - w, axis=1)[:, None] * _unit_vectors(rng, v.shape[0])
    return c + h, c - h


def _sample_reservoir(rng: np.random.Generator, reservoir: MaxwellianMixture, n: int) -> NDArray:
    a = rng.choice(len(reservoir.w), size=n, p=np.asarray(reservoir.w, dtype=float))
    t = np.asarray(reservoir.T, dtype=float)[a]
    return rng.standard_normal((n, 3)) * np.sqrt(t)[:, None]


def dsmc_single_run(problem: DsmcProblem, seed: int) -> tuple[float, float, NDArray, int, int]:
    """One seeded run: time averages ``m2``, ``m4``, heat fluxes ``J_a``, clipped pairs, steps.

    Initial particles are drawn from ``R``; averages start after ``problem.burn_in``.
    """
    p = problem
    rng = np.random.default_rng(int(seed))
    n, dt, g, lam = int(p.particles), float(p.dt), float(p.gamma), float(p.lam)
    temps = np.asarray(p.reservoir.T, dtype=float)
    weights = np.asarray(p.reservoir.w, dtype=float)
    n_res = len(temps)
    c0 = 0.0 if lam == 1.0 else 1.0
    v = _sample_reservoir(rng, p.reservoir, n)
    n_burn = int(round(p.burn_in / dt))
    n_avg = max(1, int(round(p.duration / dt)))
    m2 = m4 = 0.0
    de = np.zeros(n_res)
    clipped = 0
    for step in range(n_burn + n_avg):
        measuring = step >= n_burn
        bulk = rng.random(n) < 0.5
        # bulk collisions: random pairs of the bulk group
        idx = rng.permutation(np.flatnonzero(bulk))
        k = idx.size // 2
        i, j = idx[:k], idx[k:2 * k]
        q = np.linalg.norm(v[i] - v[j], axis=1)
        prob = 2 * dt * (1 - g) * (q**lam if lam != 0.0 else np.ones_like(q))
        clipped += int(np.count_nonzero(prob > 1))
        hit = rng.random(k) < prob
        i, j = i[hit], j[hit]
        v[i], v[j] = _collide(v[i], v[j], rng)
        # reservoir collisions: exact rejection against c0 + |v| + |v_*|
        r = np.flatnonzero(~bulk)
        a = rng.choice(n_res, size=r.size, p=weights)
        t = temps[a]
        vr = v[r]
        speed = np.linalg.norm(vr, axis=1)
        if lam == 0.0:
            keep = rng.random(r.size) < 2 * dt * g
            vs = rng.standard_normal((r.size, 3)) * np.sqrt(t)[:, None]
        else:
            mean_speed = np.sqrt(8 * t / math.pi)
            bound = c0 + speed + mean_speed
            propose = rng.random(r.size) < 2 * dt * g * bound
            if np.any(2 * dt * g * bound > 1):
                clipped += int(np.count_nonzero(2 * dt * g * bound > 1))
            # candidate from (c0 + |v| + |v_*|) M_T(v_*): M_T with prob (c0+|v|)/bound
            gauss = rng.random(r.size) < (c0 + speed) / bound
            vs = rng.standard_normal((r.size, 3)) * np.sqrt(t)[:, None]
            rad = np.sqrt(2 * t * rng.gamma(2.0, 1.0, r.size))
            vs = np.where(gauss[:, None], vs, rad[:, None] * _unit_vectors(rng, r.size))
            qs = np.linalg.norm(vr - vs, axis=1)
            acc = rng.random(r.size) * (c0 + speed + np.linalg.norm(vs, axis=1)) < qs**lam
            keep = propose & acc
        r, a, vr, vs = r[keep], a[keep], vr[keep], vs[keep]
        new, _ = _collide(vr, vs, rng)
        if measuring:
            de += np.bincount(a, weights=0.5 * (np.sum(vr**2, axis=1) - np.sum(new**2, axis=1)),
                              minlength=n_res)
        v[r] = new
        if measuring:
            e = np.sum(v * v, axis=1)
            m2 += float(np.mean(e))
            m4 += float(np.mean(e * e))
    return m2 / n_avg, m4 / n_avg, de / (n * n_avg * dt), clipped, n_burn + n_avg


def run_dsmc(problem: DsmcProblem, callback=None) -> DsmcResult:
    """Independent seeded runs of :func:`dsmc_single_run` (one per seed of ``problem``)."""
    m2s, m4s, js = [], [], []
    clipped = steps = 0
    for s in problem.seeds:
        m2, m4, j, c, steps = dsmc_single_run(problem, s)
        m2s.append(m2)
        m4s.append(m4)
        js.append(j)
        clipped += c
        if callback is not None:
            callback(s)
    return DsmcResult(problem=problem, m2_runs=np.array(m2s), m4_runs=np.array(m4s),
                      heat_flux_runs=np.array(js), clipped=clipped, steps=steps)

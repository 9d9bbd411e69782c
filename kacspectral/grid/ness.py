"""The non-equilibrium steady state on the grid, ``B = |v - v_*|^lambda`` (issue 12, item 5).

Model (seed 003, eq. (1.4), with the bulk kernel generalised as in its section 4):
``df/dt = F(f) = (1 - gamma) Q(f, f) + gamma Q(f, R)``, ``R = sum_a w_a M_{T_a}``, both terms by
the fast spectral operator of :mod:`kacspectral.grid.operator` (``Q(f, R)`` in one evaluation by
bilinearity).  The state evolves inside the ball ``|v| <= L`` (outside it the truncated kernel
has no loss term, so aliasing noise would accumulate there; ``f`` keeps its initial values, of
size ``exp(-L^2/(2 T_max))``).  The steady state is reached by time marching (classical RK4) from
``f_0 = R`` until the stated residual ``max |F(f)| / max |f| <= tol``; the residual reached is
reported.

At the steady state the result reports the heat fluxes ``J_a``
(:mod:`kacspectral.grid.reservoirs`) with ``sum_a J_a`` (0 at a steady state, since ``Q(f, f)``
conserves energy), the entropy budget ``sigma_B + sum_a sigma_a`` against ``sum_a J_a / T_a``,
``sigma_B = -(1 - gamma) int Q(f,f) log f``, and the moments ``m_2``, ``m_4``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from kacspectral.errors import ConvergenceError
from kacspectral.grid.conservation import grid_moments
from kacspectral.grid.kernel_gain import (
    check_legendre_degree,
    default_legendre_degree,
    is_constant_kernel,
    lebedev_degree_at_least,
)
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.grid.params import check_reservoir_problem
from kacspectral.grid.reservoirs import LOG_FLOOR, JumpReservoirs, maxwellian_on_grid
from kacspectral.physics.kernels import AngularKernel, KernelSpec, get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = ["GridNessProblem", "GridNessResult", "solve_grid_ness"]


@dataclass(frozen=True)
class GridNessProblem:
    """Parameters: ``lam`` (``B = |q|^lam b``), ``gamma``, the reservoir, the grid, the angular
    kernel ``b`` (default ``constant``; resolved by
    :func:`kacspectral.physics.kernels.get_kernel`) with the Funk-Hecke degree
    ``legendre_degree`` of a non-constant one (:mod:`kacspectral.grid.kernel_gain`).
    ``sphere_degree`` defaults to 11 for ``b = 1`` (the reservoir terms ``Q(f, M_T)`` need it,
    :mod:`kacspectral.grid.operator`) and to the smallest Lebedev degree
    ``>= 11 + legendre_degree`` otherwise."""

    lam: float
    gamma: float
    reservoir: MaxwellianMixture
    n: int = 24
    half_width: float = 8.83
    sphere_degree: int | None = None
    radial_nodes: int | None = None
    kernel: AngularKernel = field(default_factory=lambda: get_kernel("constant"))
    legendre_degree: int | None = None

    if TYPE_CHECKING:
        # What the constructor accepts (``__post_init__`` resolves the kernel); mypy reads this
        # signature, the dataclass generates the one that runs.
        def __init__(self, lam: float, gamma: float, reservoir: MaxwellianMixture,
                     n: int = 24, half_width: float = 8.83, sphere_degree: int | None = None,
                     radial_nodes: int | None = None, kernel: KernelSpec = "constant",
                     legendre_degree: int | None = None) -> None: ...

    def __post_init__(self) -> None:
        check_reservoir_problem(self.lam, self.gamma, self.reservoir)
        kernel = get_kernel(self.kernel)
        object.__setattr__(self, "kernel", kernel)
        if is_constant_kernel(kernel):
            if self.legendre_degree is not None:
                raise ValueError("legendre_degree applies to a non-constant kernel only")
            degree = 11
        else:
            nd = check_legendre_degree(default_legendre_degree(kernel)
                                       if self.legendre_degree is None
                                       else self.legendre_degree)
            object.__setattr__(self, "legendre_degree", nd)
            degree = lebedev_degree_at_least(11 + nd)
        if self.sphere_degree is None:
            object.__setattr__(self, "sphere_degree", degree)

    def to_dict(self) -> dict:
        return {"lambda": float(self.lam), "gamma": float(self.gamma),
                "weights": [float(w) for w in self.reservoir.w],
                "temperatures": [float(t) for t in self.reservoir.T], "n": self.n,
                "half_width": self.half_width, "sphere_degree": self.sphere_degree,
                "radial_nodes": self.radial_nodes, "kernel": self.kernel.describe(),
                "legendre_degree": self.legendre_degree}


@dataclass(frozen=True)
class GridNessResult:
    """The steady state ``f`` on the grid and its budget."""

    problem: GridNessProblem
    f: NDArray = field(repr=False)
    residual: float
    time: float
    steps: int
    heat_fluxes: NDArray
    entropy_productions: NDArray
    sigma_bulk: float
    max_conservation_correction: float

    def moments(self) -> dict:
        """``mass``, ``momentum``, ``m2``, ``m4`` of the grid state (rectangle rule)."""
        m = grid_moments(self.f, self.problem.half_width)
        x = -self.problem.half_width + 2 * self.problem.half_width * np.arange(
            self.problem.n) / self.problem.n
        r2 = x[:, None, None] ** 2 + x[None, :, None] ** 2 + x[None, None, :] ** 2
        h3 = (2 * self.problem.half_width / self.problem.n) ** 3
        return {"mass": float(m[0]), "momentum": m[1:4].tolist(), "m2": float(m[4]),
                "m4": float(h3 * np.sum(r2 * r2 * self.f))}

    @property
    def entropy_budget(self) -> dict:
        """``sigma_B + sum sigma_a`` against ``sum J_a / T_a`` and their difference."""
        lhs = self.sigma_bulk + float(np.sum(self.entropy_productions))
        rhs = float(np.sum(self.heat_fluxes / self.problem.reservoir.T))
        return {"sigma_bulk": self.sigma_bulk,
                "sigma_reservoirs": self.entropy_productions.tolist(),
                "sum_J_over_T": rhs, "production_total": lhs, "difference": lhs - rhs}

    def to_dict(self) -> dict:
        from kacspectral.provenance import versions

        return {"problem": self.problem.to_dict(), "residual": self.residual,
                "time": self.time, "steps": self.steps, "moments": self.moments(),
                "heat_fluxes": self.heat_fluxes.tolist(),
                "sum_heat_fluxes": float(np.sum(self.heat_fluxes)),
                "entropy_budget": self.entropy_budget,
                "max_conservation_correction": self.max_conservation_correction,
                "versions": versions()}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n")


def solve_grid_ness(problem: GridNessProblem, tol: float = 1e-10, dt: float = 0.5,
                    max_time: float = 400.0, threads: int = 1,
                    effort: str = "FFTW_MEASURE", callback=None, newton: bool = True,
                    newton_from: float = 1e-5) -> GridNessResult:
    """March ``df/dt = F(f)`` (RK4, step ``min(dt, 2/nu_max)``, ``nu_max`` the largest loss
    rate) from ``R`` until ``max|F| / max|f| <= newton_from``, then polish with Newton-Krylov
    (``scipy.optimize.newton_krylov``, LGMRES) to ``max|F| / max|f| <= tol`` (or march all the
    way with ``newton=False``).

    Raises :class:`~kacspectral.errors.ConvergenceError` when ``max_time`` is reached first.
    """
    if not (tol > 0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    p = problem
    op = FastSpectralOperator(p.n, p.half_width, lam=float(p.lam),
                              radial_nodes=p.radial_nodes, sphere_degree=p.sphere_degree,
                              threads=threads, effort=effort, kernel=p.kernel,
                              legendre_degree=p.legendre_degree)
    g = float(p.gamma)
    res = JumpReservoirs(op, g, p.reservoir)
    rgrid = sum(w * m for w, m in zip(p.reservoir.w, res.maxwellians, strict=True))
    corr = [0.0]
    x = op.velocities
    ball = (x[:, None, None] ** 2 + x[None, :, None] ** 2 + x[None, None, :] ** 2
            <= p.half_width**2)

    def rhs(f: NDArray) -> NDArray:
        with np.errstate(over="ignore", invalid="ignore"):  # blow-up is detected below
            return _rhs(f)

    def _rhs(f: NDArray) -> NDArray:
        q = (1 - g) * op.collision(f)
        corr[0] = max(corr[0], op.last_correction)
        q += g * op.collision(f, rgrid)
        # evolve inside the ball |v| <= L only: outside it the truncated kernel has no loss
        # (no mass within |q| <= R, periodically), so aliasing noise deposited there would
        # accumulate; f keeps its initial (reservoir) values there, ~exp(-L^2/(2 T_max))
        q *= ball
        q, c = op.projector.project(q, 1, weight=np.abs(f) * ball)
        corr[0] = max(corr[0], c)
        return q

    # RK4 is stable for dt * nu_max <= 2.78; nu(v) = (1-g)(f*K)(v) + g(R*K)(v) <= max(R*K) + ...
    nu_max = float(np.max(op.loss(np.ones_like(rgrid), rgrid)))
    dt = min(float(dt), 2.0 / nu_max)
    f = rgrid.copy()
    t, steps = 0.0, 0
    k1 = rhs(f)
    resid = float(np.max(np.abs(k1)) / np.max(np.abs(f)))
    march_tol = max(tol, newton_from) if newton else tol
    while resid > march_tol:
        if t >= max_time:
            raise ConvergenceError(
                f"grid NESS: residual {resid:.3g} > tol {tol:g} after t = {t:g} "
                f"({steps} RK4 steps of {dt:g})")
        k2 = rhs(f + 0.5 * dt * k1)
        k3 = rhs(f + 0.5 * dt * k2)
        k4 = rhs(f + dt * k3)
        f = f + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        t += dt
        steps += 1
        k1 = rhs(f)
        resid = float(np.max(np.abs(k1)) / np.max(np.abs(f)))
        if not math.isfinite(resid):
            raise ConvergenceError(
                f"grid NESS: the time marching blew up at t = {t:g}"
                + _resolution_hint(p))
        if callback is not None:
            callback(t, resid)
    if newton and resid > tol:
        from scipy.optimize import NoConvergence, newton_krylov

        scale = float(np.max(np.abs(f)))
        try:
            f = newton_krylov(rhs, f, f_tol=tol * scale, maxiter=50, method="lgmres")
        except NoConvergence as exc:
            raise ConvergenceError(f"grid NESS: Newton-Krylov did not reach residual {tol:g} "
                                   f"after time marching to {resid:.3g}") from exc
        resid = float(np.max(np.abs(rhs(f))) / np.max(np.abs(f)))
    parts = [pa * ball for pa in res.parts(f)]
    qff = op.collision(f) * ball
    sigma_b = float(-(1 - g) * op.cell_volume * np.sum(qff * np.log(np.maximum(f, LOG_FLOOR))))
    return GridNessResult(problem=p, f=f, residual=resid, time=t, steps=steps,
                          heat_fluxes=res.heat_fluxes(f, parts),
                          entropy_productions=res.entropy_productions(f, parts),
                          sigma_bulk=sigma_b, max_conservation_correction=corr[0])


def _resolution_hint(p: GridNessProblem) -> str:
    """The likely cause of a blow-up, for the message: the grid spacing ``2L/n`` against the
    thermal speed ``sqrt(T_min)`` of the coldest reservoir Maxwellian (measured with the CLI's
    default reservoirs, ``T = 1/6, 1/2``, ``L = 8.83``: ``n = 12 .. 24`` blow up)."""
    spacing = 2.0 * float(p.half_width) / p.n
    speed = math.sqrt(float(min(p.reservoir.T)))
    if spacing <= speed:
        return ""
    return (f" (grid spacing 2L/n = {spacing:.3g} exceeds the coldest reservoir's thermal "
            f"speed sqrt(T) = {speed:.3g}: the grid does not resolve it; raise n or lower L)")


def maxwellian_grid(problem: GridNessProblem, temperature: float) -> NDArray:
    """``M_T`` on the problem's grid (convenience)."""
    return maxwellian_on_grid(problem.n, problem.half_width, temperature)

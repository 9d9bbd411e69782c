"""Lyapunov functionals along a Hermite evolution (seed 003, sections 2-4).

For the states ``f(t)`` of :func:`kacspectral.boltzmann.anisotropic.evolution.evolve` and the
long-time limit ``f_inf`` (the isotropic NESS with jump and/or diffusive reservoirs, or the
Maxwellian of the pure Boltzmann / Fokker-Planck equation):

* ``relative_entropy``: ``H(f | f_inf) = int f log(f / f_inf) dv`` by the tensor Gauss rule of
  ``M_{T_ref}`` (:func:`kacspectral.boltzmann.anisotropic.diagnostics.gauss_rule_3d`, nodes with
  ``f <= 0`` skipped);
* ``w2``: the 2-Wasserstein distance (:func:`kacspectral.boltzmann.wasserstein.w2_isotropic`,
  exact radial quantiles; isotropic data only, else None);
* ``corrected_gtw``: ``d'_GTW(f, f_inf)`` (:mod:`kacspectral.boltzmann.distance_corrected`).

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.anisotropic.diagnostics import gauss_rule_3d
from kacspectral.boltzmann.anisotropic.evolution import (
    EquilibriumReference,
    EvolutionProblem,
    equilibrium_reference,
)
from kacspectral.boltzmann.distance_corrected import corrected_gtw_distance
from kacspectral.boltzmann.isotropic.diffusive import DiffusiveNessProblem, solve_diffusive_ness
from kacspectral.boltzmann.wasserstein import maxwellian_speed_density, w2_isotropic
from kacspectral.errors import TruncationWarning
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.spectral.hermite_space import HermiteSpace

__all__ = [
    "isotropic_fourier",
    "isotropic_moment_tensors",
    "limit_reference",
    "lyapunov_columns",
    "reference_density",
]


class isotropic_fourier:  # noqa: N801 - used like a function
    """``xi -> phi(|xi|)`` (complex) for the 3D path of
    :func:`kacspectral.boltzmann.gtw.gtw_distance`."""

    def __init__(self, phi):
        self.phi = phi

    def __call__(self, xi: ArrayLike) -> np.ndarray:
        xi = np.asarray(xi, dtype=float)
        return np.asarray(self.phi(np.sqrt(np.sum(xi * xi, axis=-1)))).astype(complex)


def isotropic_moment_tensors(m2: float, mass: float = 1.0) -> dict:
    """``mass``, ``momentum = 0``, ``second = (m2/3) I``, ``m2`` of a centred isotropic state."""
    return {"mass": float(mass), "momentum": np.zeros(3), "second": float(m2) / 3 * np.eye(3),
            "m2": float(m2)}


def limit_reference(problem: EvolutionProblem, initial_m2: float,
                    tol: float = 1e-14) -> EquilibriumReference:
    """The long-time limit, also with diffusive reservoirs (``problem.diffusive``): the NESS of
    :func:`~kacspectral.boltzmann.isotropic.diffusive.solve_diffusive_ness`; otherwise
    :func:`~kacspectral.boltzmann.anisotropic.evolution.equilibrium_reference`."""
    d = getattr(problem, "diffusive", None)
    if d is None:
        return equilibrium_reference(problem, initial_m2, tol)
    # gamma = 0 (seed 003, eq. (3.2)): R plays no part; M_T stands in for it
    reservoir = problem.reservoir if problem.reservoir is not None else MaxwellianMixture(
        [1], [d.temperature_exact])
    res = solve_diffusive_ness(
        DiffusiveNessProblem(problem.gamma, reservoir, problem.kernel, diffusive=d), tol=tol)
    m2 = float(res.moments(1)[1])
    return EquilibriumReference(
        "ness",
        f"isotropic NESS with diffusive reservoirs (eta = {d.eta_exact}, T = "
        f"{d.temperature_exact}; Laguerre truncation {res.truncation}, residual "
        f"{res.residual:.2g})",
        {"mass": 1.0, "momentum": np.zeros(3), "second": m2 / 3 * np.eye(3), "m2": m2},
        ness=res,
    )


def reference_density(ref: EquilibriumReference):
    """``r -> f_inf(|v| = r)``."""
    if ref.ness is not None:
        return ref.ness.density
    return maxwellian_speed_density(float(ref.moment_tensors["m2"]) / 3.0)


def lyapunov_columns(
    space: HermiteSpace,
    coefficients: Sequence[ArrayLike],
    ref: EquilibriumReference,
    *,
    isotropic: bool = False,
    n_nodes: int | None = None,
    gtw_options: dict | None = None,
) -> dict[str, list]:
    """``relative_entropy``, ``w2`` (None unless ``isotropic``) and ``corrected_gtw`` per state
    (module docstring)."""
    n = int(n_nodes) if n_nodes is not None else max(24, space.degree + 8)
    v, w = gauss_rule_3d(n, space.temperature)
    speed = np.sqrt(np.sum(v * v, axis=1))
    m_ref = (2 * math.pi * space.temperature) ** -1.5 * np.exp(-speed**2 / (2 * space.temperature))
    g_dens = reference_density(ref)
    g = g_dens(speed)
    t_hi = 2.0 * space.temperature
    out: dict[str, list] = {"relative_entropy": [], "w2": [], "corrected_gtw": []}
    e = np.array([0.0, 0.0, 1.0])
    for a in coefficients:
        a = np.asarray(a, float)
        f = space.density(a, v)
        ok = (f > 0) & (g > 0)
        out["relative_entropy"].append(float(np.sum(w[ok] * f[ok] / m_ref[ok]
                                                     * np.log(f[ok] / g[ok]))))
        if isotropic:
            def f_radial(r: NDArray, a: NDArray = a) -> NDArray:
                return space.density(a, np.multiply.outer(r, e))

            try:
                out["w2"].append(w2_isotropic(f_radial, g_dens, t_hi))
            except ValueError as exc:  # mass of the truncated density off by > 1e-8
                warnings.warn(f"W2 not computed: {exc}", TruncationWarning, stacklevel=2)
                out["w2"].append(None)
        else:
            out["w2"].append(None)

        def f_hat(xi: NDArray, a: NDArray = a) -> NDArray:
            return space.fourier(a, xi)

        out["corrected_gtw"].append(corrected_gtw_distance(
            f_hat, ref.fourier, space.moments(a), ref.moment_tensors,
            **dict(gtw_options or {})).distance)
    return out

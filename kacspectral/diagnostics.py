"""Diagnostics of a Hermite state along an evolution: moments, temperature tensor, entropy,
negativity of the truncated density, GTW distance to a reference state.

A state is ``f(v) = M_{T_ref}(v) sum_j a_j psi_j(v)`` in a
:class:`~kacspectral.collision.HermiteSpace` (Burnett basis spanning the tensor **He_n** of
total degree ``<= K``, orthonormal in ``L^2(M_{T_ref})``; MATH.md sections 1 and 3).

* Moments (exact, from the coefficients of degree ``<= 4``): mass, momentum ``int v f``,
  second moments ``S = int v v^T f``, ``m2 = tr S``, ``m4 = int |v|^4 f``.
* Temperature tensor ``Theta = S/rho - u u^T``, ``u = int v f / rho``, ``rho = int f``
  (so ``Theta = diag(T_x, T_y, T_z)`` for ``M_{diag(T)}``); the temperature is ``tr(Theta)/3``.
* Entropy ``H(f) = int_{f > 0} f log f dv`` (Boltzmann's H; ``-H`` is the physical entropy), by
  the tensor Gauss rule of the weight ``M_{T_ref}``: ``int g dv = int (g/M) M dv``, applied to
  ``(f/M) log f = P log f`` on ``{P > 0}``.  For ``f = M_T`` with ``T = T_ref`` the integrand is
  a quadratic polynomial and the rule is exact: ``H = -(3/2)(1 + log(2 pi T))``.  The same rule
  gives the **negative mass** ``int f_- dv`` (``f_- = max(-f, 0)``).
* The **most negative value** of the truncated ``f``: the minimum of ``f`` over a uniform grid of
  ``[-L, L]^3``, ``L = 6 sqrt(T_max)`` (``T_max`` the largest eigenvalue of ``Theta``, at least
  ``T_ref``), together with the Gauss nodes; reported with its location (a positive number when
  no negative value was found), never clipped.
* GTW distance to a reference state (:func:`kacspectral.gtw3d.gtw_distance`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .collision import HermiteSpace
from .errors import NegativeDensityWarning
from .gtw3d import gtw_distance
from .polynomials import gauss_hermite_e

__all__ = [
    "entropy",
    "evolution_diagnostics",
    "gauss_rule_3d",
    "gtw_to_reference",
    "most_negative_value",
    "state_diagnostics",
    "temperature_tensor",
]

#: Relative size (to max f) below which a negative minimum triggers NegativeDensityWarning.
NEGATIVE_TOL = 1e-10


def gauss_rule_3d(n: int, temperature: float) -> tuple[NDArray, NDArray]:
    """Tensor Gauss rule of the weight ``M_T`` (probabilists' He_n nodes scaled by ``sqrt T``):
    nodes ``(n^3, 3)``, weights summing to 1, exact for degree ``<= 2n - 1`` per variable."""
    x, w = gauss_hermite_e(int(n), float(temperature))
    g = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)
    wt = (w[:, None, None] * w[None, :, None] * w[None, None, :]).reshape(-1)
    return g, wt


def temperature_tensor(mass: float, momentum: ArrayLike, second: ArrayLike) -> NDArray:
    """``Theta = S/rho - u u^T`` with ``u = momentum/rho`` (module docstring)."""
    rho = float(mass)
    if not rho > 0:
        raise ValueError(f"mass must be > 0 for a temperature tensor, got {mass!r}")
    u = np.asarray(momentum, dtype=float) / rho
    return np.asarray(second, dtype=float) / rho - np.outer(u, u)


def _maxwellian(v: NDArray, T: float) -> NDArray:
    return (2 * math.pi * T) ** -1.5 * np.exp(-0.5 * np.sum(v * v, axis=-1) / T)


def entropy(space: HermiteSpace, coeffs: ArrayLike, n_nodes: int | None = None) -> dict:
    """``H = int_{f>0} f log f dv`` and ``int f_- dv`` by the Gauss rule of ``M_{T_ref}``.

    ``n_nodes`` per axis defaults to ``max(24, K + 8)``.  Returns ``{"entropy",
    "negative_mass", "nodes"}``.
    """
    n = int(n_nodes) if n_nodes is not None else max(24, space.degree + 8)
    v, w = gauss_rule_3d(n, space.temperature)
    f = space.density(coeffs, v)
    m = _maxwellian(v, space.temperature)
    p = f / m
    pos = f > 0
    h = np.zeros_like(f)
    h[pos] = p[pos] * np.log(f[pos])
    neg = np.where(f < 0, -p, 0.0)
    i = int(np.argmin(f))
    return {"entropy": float(w @ h), "negative_mass": float(w @ neg), "nodes": n,
            "min_node_value": float(f[i]), "min_node_location": v[i].tolist()}


def most_negative_value(
    space: HermiteSpace,
    coeffs: ArrayLike,
    n_grid: int = 33,
    half_width: float | None = None,
) -> dict:
    """Minimum of the truncated ``f`` on a uniform grid of ``[-L, L]^3`` (``n_grid`` per axis).

    ``L`` defaults to ``6 sqrt(max(T_ref, largest eigenvalue of Theta))``.  Returns
    ``{"value", "location", "max_value", "half_width"}``.
    """
    a = np.asarray(coeffs, dtype=float)
    if half_width is None:
        mom = space.moments(a)
        T = space.temperature
        if mom["mass"] > 0:
            th = temperature_tensor(mom["mass"], mom["momentum"], mom["second"])
            T = max(T, float(np.max(np.linalg.eigvalsh(0.5 * (th + th.T)))))
        half_width = 6.0 * math.sqrt(T)
    x = np.linspace(-half_width, half_width, int(n_grid))
    v = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)
    f = space.density(a, v)
    i = int(np.argmin(f))
    return {"value": float(f[i]), "location": v[i].tolist(), "max_value": float(np.max(f)),
            "half_width": float(half_width)}


def gtw_to_reference(
    space: HermiteSpace,
    coeffs: ArrayLike,
    fourier_ref: Callable[[NDArray], NDArray],
    moments_ref: Mapping,
    require: str = "first",
    **options,
):
    """:func:`kacspectral.gtw3d.gtw_distance` between the Hermite state and a reference."""
    a = np.asarray(coeffs, dtype=float)
    return gtw_distance(lambda xi: space.fourier(a, xi), fourier_ref, space.moments(a),
                        moments_ref, require=require, **options)


def state_diagnostics(
    space: HermiteSpace,
    coeffs: ArrayLike,
    *,
    reference: tuple[Callable[[NDArray], NDArray], Mapping] | None = None,
    require: str = "first",
    n_grid: int = 33,
    n_nodes: int | None = None,
    gtw_options: Mapping | None = None,
) -> dict:
    """All diagnostics of one state (JSON-ready dict; see the module docstring)."""
    a = np.asarray(coeffs, dtype=float)
    mom = space.moments(a)
    theta = temperature_tensor(mom["mass"], mom["momentum"], mom["second"])
    ent = entropy(space, a, n_nodes)
    neg = most_negative_value(space, a, n_grid)
    if ent["min_node_value"] < neg["value"]:  # the Gauss nodes found a lower value
        neg["value"], neg["location"] = ent["min_node_value"], ent["min_node_location"]
    out = {
        "mass": float(mom["mass"]),
        "momentum": np.asarray(mom["momentum"]).tolist(),
        "second_moment": np.asarray(mom["second"]).tolist(),
        "m2": float(mom["m2"]),
        "fourth_moment": float(mom["fourth"]),
        "temperature_tensor": theta.tolist(),
        "temperature": float(np.trace(theta)) / 3.0,
        "entropy": ent["entropy"],
        "negative_mass": ent["negative_mass"],
        "min_density": neg["value"],
        "min_density_location": neg["location"],
        "max_density": neg["max_value"],
        "truncation_estimate": float(space.truncation_estimate(a)),
    }
    if reference is not None:
        res = gtw_to_reference(space, a, reference[0], reference[1], require=require,
                               **dict(gtw_options or {}))
        out["gtw_distance"] = res.distance
    return out


def evolution_diagnostics(
    space: HermiteSpace,
    coefficients: Sequence[ArrayLike],
    *,
    reference: tuple[Callable[[NDArray], NDArray], Mapping] | None = None,
    require: str = "first",
    n_grid: int = 33,
    n_nodes: int | None = None,
    gtw_options: Mapping | None = None,
    warn: bool = True,
) -> dict[str, list]:
    """:func:`state_diagnostics` at every state, as lists keyed by diagnostic.

    Emits one :class:`~kacspectral.errors.NegativeDensityWarning` when some ``f(t)`` has a
    minimum below ``-NEGATIVE_TOL * max f`` (the values are in ``min_density``).
    """
    rows = [state_diagnostics(space, a, reference=reference, require=require, n_grid=n_grid,
                              n_nodes=n_nodes, gtw_options=gtw_options) for a in coefficients]
    out = {key: [r[key] for r in rows] for key in rows[0]} if rows else {}
    if warn and rows:
        worst = min(out["min_density"])
        if worst < 0:
            fmax = max(out["max_density"])
            if worst < -NEGATIVE_TOL * max(fmax, 1e-300):
                warnings.warn(
                    f"the truncated density takes negative values along the evolution "
                    f"(most negative value {worst:.3g}; see 'min_density')",
                    NegativeDensityWarning,
                    stacklevel=2,
                )
    return out

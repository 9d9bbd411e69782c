"""Diagnostics of a Hermite state along an evolution: moments, temperature tensor, entropy,
negativity of the truncated density, GTW distance to a reference state.

A state is ``f(v) = M_{T_ref}(v) sum_j a_j psi_j(v)`` in a
:class:`~kacspectral.boltzmann.anisotropic.collision.HermiteSpace` (Burnett basis spanning the
tensor **He_n** of
total degree ``<= K``, orthonormal in ``L^2(M_{T_ref})``; conventions page, sections 1 and 3).

* Moments (exact, from the coefficients of degree ``<= 4``): mass, momentum ``int v f``,
  second moments ``S = int v v^T f``, ``m2 = tr S``, ``m4 = int |v|^4 f``.
* Temperature tensor ``Theta = S/rho - u u^T``, ``u = int v f / rho``, ``rho = int f``
  (so ``Theta = diag(T_x, T_y, T_z)`` for ``M_{diag(T)}``); the temperature is ``tr(Theta)/3``.
* Entropy ``H(f) = int_{f > 0} f log f dv`` (Boltzmann's H; ``-H`` is the physical entropy), by
  the tensor Gauss rule of the weight ``M_{T_ref}``: ``int g dv = int (g/M) M dv``, applied to
  ``(f/M) log f = P log f`` on ``{P > 0}``.  For ``f = M_T`` with ``T = T_ref`` the integrand is
  a quadratic polynomial and the rule is exact: ``H = -(3/2)(1 + log(2 pi T))``.  The same rule
  gives the **negative mass** ``int f_- dv`` (``f_- = max(-f, 0)``).  Quadrature error estimate:
  ``entropy_error_estimate = |H_n - H_n'|`` with a second rule of ``n' = n + max(4, n/4)`` nodes
  per axis (the integrand is not a polynomial, and has a kink where ``f`` changes sign).
* Truncation: ``truncation_estimate`` (:meth:`HermiteSpace.truncation_estimate`, the relative
  norm of the two top degrees).  The moments up to the degree are exact whatever it is
  (conventions page, section 3), but the quantities computed from the truncated density -- entropy,
  ``min_density``, negative mass, GTW distance -- carry an error of about that size; above
  :data:`TRUNCATION_TOL` :func:`evolution_diagnostics` warns
  :class:`~kacspectral.errors.TruncationWarning`.
* The **most negative value** of the truncated ``f``: the minimum of ``f`` over a uniform grid of
  ``[-L, L]^3``, ``L = 6 sqrt(T_max)`` (``T_max`` the largest eigenvalue of ``Theta``, at least
  ``T_ref``), together with the Gauss nodes; reported with its location (a positive number when
  no negative value was found), never clipped.
* GTW distance to a reference state (:func:`kacspectral.boltzmann.gtw.gtw_distance`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.gtw import gtw_distance
from kacspectral.errors import NegativeDensityWarning, TruncationWarning
from kacspectral.spectral.hermite import gauss_hermite_3d
from kacspectral.spectral.hermite_space import HermiteSpace

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

#: Truncation estimate above which the density-based diagnostics (entropy, min_density,
#: negative mass, GTW distance) are flagged unreliable (TruncationWarning).
TRUNCATION_TOL = 1e-8

#: Entropy quadrature error estimate (relative to ``1 + |H|``) above which a warning is issued.
ENTROPY_TOL = 1e-6


#: Deprecated alias (one release) of :func:`kacspectral.spectral.hermite.gauss_hermite_3d`,
#: the tensor Gauss rule of ``M_T``.
gauss_rule_3d = gauss_hermite_3d


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
    "entropy_error_estimate", "negative_mass", "nodes", "min_node_value",
    "min_node_location"}``; ``entropy_error_estimate`` is the difference to the same rule with
    ``n + max(4, n // 4)`` nodes per axis.
    """
    n = int(n_nodes) if n_nodes is not None else max(24, space.degree + 8)
    out = _entropy_rule(space, coeffs, n)
    fine = _entropy_rule(space, coeffs, n + max(4, n // 4))
    out["entropy_error_estimate"] = abs(fine["entropy"] - out["entropy"])
    return out


def _entropy_rule(space: HermiteSpace, coeffs: ArrayLike, n: int) -> dict:
    v, w = gauss_hermite_3d(int(n), float(space.temperature))
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
        if mom["mass"] > 0 and np.all(np.isfinite(mom["second"])):
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
    """:func:`kacspectral.boltzmann.gtw.gtw_distance` between the Hermite state and a
    reference."""
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
        "entropy_error_estimate": ent["entropy_error_estimate"],
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
    minimum below ``-NEGATIVE_TOL * max f`` (the values are in ``min_density``), one
    :class:`~kacspectral.errors.TruncationWarning` when some ``truncation_estimate`` exceeds
    :data:`TRUNCATION_TOL` (entropy, min_density, negative mass and GTW distance are then
    unreliable at that level), and one when some ``entropy_error_estimate`` exceeds
    ``ENTROPY_TOL * (1 + |H|)``.
    """
    rows = [state_diagnostics(space, a, reference=reference, require=require, n_grid=n_grid,
                              n_nodes=n_nodes, gtw_options=gtw_options) for a in coefficients]
    out = {key: [r[key] for r in rows] for key in rows[0]} if rows else {}
    if warn and rows:
        trunc = max(out["truncation_estimate"])
        if trunc > TRUNCATION_TOL:
            warnings.warn(
                f"truncation estimate {trunc:.3g} > {TRUNCATION_TOL:g} (degree {space.degree}, "
                f"T_ref = {space.temperature:.6g}): the moments are exact, but entropy, "
                f"min_density, negative_mass and the GTW distance are computed from the "
                f"truncated density and are unreliable at that level; raise the degree or "
                f"move T_ref towards the data's temperatures",
                TruncationWarning,
                stacklevel=2,
            )
        ent_err = max(e / (1.0 + abs(h)) for e, h in
                      zip(out["entropy_error_estimate"], out["entropy"], strict=True))
        if ent_err > ENTROPY_TOL:
            warnings.warn(
                f"entropy quadrature not converged: relative difference {ent_err:.3g} between "
                f"two node counts (see 'entropy_error_estimate'; pass a larger n_nodes)",
                TruncationWarning,
                stacklevel=2,
            )
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

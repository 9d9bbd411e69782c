"""The Gabetta-Toscani-Wennberg (GTW) distance in three dimensions.

Definition (seed 003, section 1; conventions page, section 4), with
``f^(xi) = int f e^{-i xi.v} dv``:

    d(f, g) = sup_{xi in R^3, xi != 0} |f^(xi) - g^(xi)| / |xi|^2.

It is finite exactly when ``f`` and ``g`` have equal mass and equal first moments (then
``f^ - g^ = O(|xi|^2)``).  Along a ray ``xi = k e`` the ratio tends, as ``k -> 0``, to

    L(e) = |e.(S_f - S_g) e| / 2,      S = int v v^T f dv,

so the supremum over a punctured neighbourhood of 0 is ``max |eig(S_f - S_g)| / 2`` (zero when
the second-moment tensors agree).  The seed defines ``d`` for states with equal first and second
moments; its contraction estimates (Lemma 1.2, section 2) only use ``|f^| <= 1`` and ``d < inf``,
so they also hold when only the first moments agree.  :func:`gtw_distance` therefore offers

``require="tensor"`` (default)  the seed's definition: equal mass, momentum and second-moment
                                 tensor ``S``;
``require="energy"``             equal mass, momentum and energy ``int |v|^2 f = tr S`` (the
                                 seed's scalar reading; e.g. anisotropic data with the NESS's
                                 energy);
``require="first"``              equal mass and momentum only (the distance is still finite).

States violating the requirement are refused with a ValueError naming the moments.

Algorithm (robust sup over R^3)
-------------------------------
1. The small-``|xi|`` limit from the moments (above), computed exactly from ``S_f - S_g``.
2. A directional grid: ``n_directions`` Fibonacci points on the sphere times a radial grid
   (geometric from ``k_min`` to ``k_max`` in units of ``1/sqrt(T)``, ``T`` the largest principal
   temperature of the two states), ``|f^ - g^|/|xi|^2`` evaluated in one vectorised call.
3. Local refinement: a compass search on the 26-point cube stencil (one vectorised evaluation
   per step, step halved on failure down to ``1e-7/sqrt(T)``) from the best grid points of
   ``n_refine`` different directions.
   The search is confined to ``|xi| >= k_min/sqrt(T)``; closer to 0 the exact limit of step 1
   stands in for the ratio (whose rounding error grows like ``eps/|xi|^2``).
4. Tail check: the ratio on the outer radial decade must be below ``tail_fraction`` times the
   supremum found (otherwise ``k_max`` is doubled, up to 8 times, then a RuntimeWarning).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "GTWResult",
    "fibonacci_directions",
    "gtw_distance",
    "gtw_distance_isotropic",
    "small_xi_limit",
]

REQUIREMENTS = ("energy", "tensor", "first")


@dataclass(frozen=True)
class GTWResult:
    """Result of :func:`gtw_distance`.

    Attributes
    ----------
    distance : float
        ``sup |f^ - g^| / |xi|^2``.
    xi_max : ndarray (3,) or None
        Where the supremum is attained (None when it is the ``xi -> 0`` limit).
    small_xi_limit : float
        ``max |eig(S_f - S_g)| / 2``, the supremum of the limits along rays at 0.
    grid_max : float
        Maximum on the directional grid before refinement.
    k_max : float
        Largest ``|xi|`` sampled.
    tail_ratio : float
        Largest ratio on the outermost radial decade divided by ``distance``.
    evaluations : int
        Number of Fourier-transform evaluations.
    """

    distance: float
    xi_max: NDArray | None
    small_xi_limit: float
    grid_max: float
    k_max: float
    tail_ratio: float
    evaluations: int

    def describe(self) -> dict:
        """JSON-ready summary."""
        return {
            "distance": self.distance,
            "xi_max": None if self.xi_max is None else self.xi_max.tolist(),
            "small_xi_limit": self.small_xi_limit,
            "grid_max": self.grid_max,
            "k_max": self.k_max,
            "tail_ratio": self.tail_ratio,
            "evaluations": self.evaluations,
        }


def fibonacci_directions(n: int) -> NDArray:
    """``n`` nearly uniform unit vectors (Fibonacci lattice on S^2), shape ``(n, 3)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"number of directions must be a positive integer, got {n!r}")
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = math.pi * (3.0 - math.sqrt(5.0)) * i
    r = np.sqrt(1.0 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def _moment_parts(m: Mapping, name: str) -> tuple[float, NDArray, NDArray]:
    try:
        mass = float(m["mass"])
        mom = np.asarray(m["momentum"], dtype=float).reshape(3)
        sec = np.asarray(m["second"], dtype=float).reshape(3, 3)
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"{name} must be a mapping with 'mass', 'momentum' (3,) and 'second' (3x3), "
            f"got {m!r}"
        ) from None
    return mass, mom, sec


def small_xi_limit(second_f: NDArray, second_g: NDArray) -> float:
    """``sup_e |e.(S_f - S_g) e| / 2 = max |eig(S_f - S_g)| / 2`` (limit of the ratio at 0)."""
    d = np.asarray(second_f, dtype=float) - np.asarray(second_g, dtype=float)
    d = 0.5 * (d + d.T)
    return 0.5 * float(np.max(np.abs(np.linalg.eigvalsh(d))))


def _check_moments(moments_f: Mapping, moments_g: Mapping, require: str, rtol: float):
    if require not in REQUIREMENTS:
        raise ValueError(f"require must be one of {REQUIREMENTS}, got {require!r}")
    mf, uf, sf = _moment_parts(moments_f, "moments_f")
    mg, ug, sg = _moment_parts(moments_g, "moments_g")
    scale = max(abs(np.trace(sf)), abs(np.trace(sg)), 1e-300)
    if abs(mf - mg) > rtol * max(abs(mf), abs(mg)):
        raise ValueError(
            f"GTW distance needs equal masses, got {mf!r} and {mg!r} (the distance is infinite)"
        )
    if np.max(np.abs(uf - ug)) > rtol * math.sqrt(scale):
        raise ValueError(
            f"GTW distance needs equal first moments, got {uf.tolist()} and {ug.tolist()} "
            "(the distance is infinite)"
        )
    if require == "energy" and abs(np.trace(sf) - np.trace(sg)) > rtol * scale:
        raise ValueError(
            f"GTW distance with require='energy' needs equal energies int |v|^2 f, got "
            f"{np.trace(sf)!r} and {np.trace(sg)!r}; pass require='first' to allow it"
        )
    if require == "tensor" and np.max(np.abs(sf - sg)) > rtol * scale:
        raise ValueError(
            f"GTW distance with require='tensor' needs equal second-moment tensors, got "
            f"{sf.tolist()} and {sg.tolist()}; pass require='first' to allow it"
        )
    return sf, sg


def gtw_distance(
    fourier_f: Callable[[NDArray], NDArray],
    fourier_g: Callable[[NDArray], NDArray],
    moments_f: Mapping,
    moments_g: Mapping,
    *,
    require: str = "tensor",
    rtol: float = 1e-10,
    n_directions: int = 200,
    n_radial: int = 60,
    k_min: float = 0.02,
    k_max: float = 12.0,
    n_refine: int = 4,
    tail_fraction: float = 1e-3,
) -> GTWResult:
    """``sup_{xi != 0} |f^(xi) - g^(xi)| / |xi|^2`` over R^3 (module docstring).

    Parameters
    ----------
    fourier_f, fourier_g : callable
        Vectorised ``xi`` of shape ``(..., 3)`` -> complex ``f^(xi)`` of shape ``(...)``.
    moments_f, moments_g : mapping
        ``'mass'``, ``'momentum'`` (3,), ``'second'`` (3x3) of each state (e.g.
        :meth:`kacspectral.boltzmann.anisotropic.collision.HermiteSpace.moments`).
    require : {'tensor', 'energy', 'first'}
        Which moments must agree (to ``rtol`` relative to the energy); states that differ in
        them are refused with a ValueError (module docstring).
    n_directions, n_radial : int
        Directional grid size.
    k_min, k_max : float
        Radial range in units of ``1/sqrt(T)``, ``T`` the largest eigenvalue of the second
        moments ``S_f``, ``S_g`` themselves (not divided by the common mass: for the
        probability densities used here ``S`` is the temperature tensor plus ``u u^T``).
    n_refine : int
        Number of local refinements started from the best grid points.
    tail_fraction : float
        Required ratio of the outer-decade maximum to the supremum (else ``k_max`` grows).
    """
    sf, sg = _check_moments(moments_f, moments_g, require, rtol)
    lim = small_xi_limit(sf, sg)
    T = max(float(np.max(np.linalg.eigvalsh(sf))), float(np.max(np.linalg.eigvalsh(sg))), 1e-300)
    unit = 1.0 / math.sqrt(T)
    dirs = fibonacci_directions(n_directions)
    evals = 0

    def ratio(xi: NDArray) -> NDArray:
        nonlocal evals
        xi = np.asarray(xi, dtype=float)
        evals += int(np.prod(xi.shape[:-1]))
        diff = np.abs(np.asarray(fourier_f(xi)) - np.asarray(fourier_g(xi)))
        return diff / np.sum(xi * xi, axis=-1)

    kmax = k_max
    for _ in range(9):
        ks = unit * np.geomspace(k_min, kmax, n_radial)
        pts = ks[None, :, None] * dirs[:, None, :]
        vals = ratio(pts)
        grid_max = float(np.max(vals))
        outer = ks >= ks[-1] / 10
        tail = float(np.max(vals[:, outer]))
        if tail <= tail_fraction * max(grid_max, lim) or max(grid_max, lim) == 0:
            break
        kmax *= 2
    else:
        warnings.warn(
            f"GTW distance: the ratio does not decay up to |xi| = {ks[-1]:.3g} "
            f"(outer value {tail:.3g} vs maximum {grid_max:.3g}); the result may be too low",
            RuntimeWarning,
            stacklevel=2,
        )
    best, best_xi = grid_max, None
    order = np.argsort(vals, axis=None)[::-1]
    starts, seen = [], set()
    for flat in order:
        i, j = np.unravel_index(flat, vals.shape)
        if i in seen:
            continue
        seen.add(i)
        starts.append(pts[i, j])
        if len(starts) >= n_refine:
            break
    k_floor = k_min * unit
    for x0 in starts:
        x, val = _pattern_search(ratio, np.asarray(x0, float), 0.05 * np.linalg.norm(x0),
                                 1e-7 * unit, k_floor)
        if val > best:
            best, best_xi = val, x
    if best_xi is None and best == grid_max:
        i, j = np.unravel_index(int(np.argmax(vals)), vals.shape)
        best_xi = pts[i, j]
    distance = max(best, lim)
    return GTWResult(
        distance=distance,
        xi_max=None if lim >= best else best_xi,
        small_xi_limit=lim,
        grid_max=grid_max,
        k_max=float(ks[-1]),
        tail_ratio=tail / distance if distance > 0 else 0.0,
        evaluations=evals,
    )


_STENCIL = np.array(
    [(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)
     if (i, j, k) != (0, 0, 0)],
    dtype=float,
)


def _pattern_search(ratio, x0: NDArray, h: float, h_min: float, k_floor: float):
    """Maximise ``ratio`` from ``x0`` by a compass search on the 26-point cube stencil.

    Each step evaluates the stencil ``x + h d`` in one vectorised call, moves to the best point
    if it improves, else halves ``h``; stops when ``h < h_min``.  Points with
    ``|xi| < k_floor`` are excluded (the exact small-``xi`` limit covers them).
    """
    x = x0.copy()
    val = float(ratio(x[None, :])[0])
    for _ in range(400):
        if h < h_min:
            break
        pts = x[None, :] + h * _STENCIL
        ok = np.sum(pts * pts, axis=1) >= k_floor**2
        if not np.any(ok):
            h *= 0.5
            continue
        vals = ratio(pts[ok])
        i = int(np.argmax(vals))
        if vals[i] > val:
            x, val = pts[ok][i], float(vals[i])
        else:
            h *= 0.5
    return x, val


def gtw_distance_isotropic(
    phi_f: Callable[[NDArray], NDArray],
    phi_g: Callable[[NDArray], NDArray],
    m2_f: float,
    m2_g: float,
    *,
    temperature: float = 1.0,
    n_radial: int = 400,
    k_min: float = 1e-3,
    k_max: float = 30.0,
) -> float:
    """``sup_k |phi_f(k) - phi_g(k)| / k^2`` for isotropic states (``f^(xi) = phi(|xi|)``).

    The ``k -> 0`` limit is ``|m2_f - m2_g| / 6``; a geometric grid in ``k`` (units
    ``1/sqrt(temperature)``) is refined by a bounded scalar search around its maximum.
    """
    from scipy.optimize import minimize_scalar

    unit = 1.0 / math.sqrt(float(temperature))
    ks = unit * np.geomspace(k_min, k_max, n_radial)

    def r(k):
        return np.abs(np.asarray(phi_f(k)) - np.asarray(phi_g(k))) / np.asarray(k) ** 2

    vals = r(ks)
    i = int(np.argmax(vals))
    best = float(vals[i])
    lo, hi = ks[max(i - 1, 0)], ks[min(i + 1, len(ks) - 1)]
    if hi > lo:
        res = minimize_scalar(lambda k: -float(r(np.array([k]))[0]), bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-12 * unit})
        best = max(best, float(-res.fun))
    return max(best, abs(float(m2_f) - float(m2_g)) / 6.0)

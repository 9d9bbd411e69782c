"""The Gabetta-Toscani-Wennberg (GTW) distance between isotropic states.

Conventions page (docs/conventions.md), section 4.

    d(f, g) = sup_{xi != 0} |f^(xi) - g^(xi)| / |xi|^2,

defined for probability densities with equal first and second moments (seed 003, before
Lemma 1.2).  For isotropic states ``f^(xi) = phi_f(|xi|)`` the first moments vanish and the
supremum is over ``k = |xi| > 0`` of ``F(k) = |phi_f(k) - phi_g(k)| / k^2``.

Robust evaluation
-----------------
* ``k -> 0``: with ``phi(k) = sum_n (-1)^n m_{2n} k^(2n)/(2n+1)!`` (conventions page, section 1),
  ``F(k) = |sum_{n>=1} dc_n k^(2n-2)|``, ``dc_n = (-1)^n (m_{2n}[f] - m_{2n}[g])/(2n+1)!``; this
  Taylor form (with all the moments supplied) is used for ``k <= k_taylor = 0.1 k_s``,
  ``k_s = sqrt(3 / m_2)`` the thermal wave number, avoiding the cancellation of ``phi_f - phi_g``
  divided by ``k^2``.  ``F(0) = |m_2[f] - m_2[g]| / 6``.
* a uniform grid on ``[0, 12 k_s]`` (extended by doubling while ``2/k^2`` -- the largest
  possible value of ``F`` beyond ``k`` -- exceeds the best value found);
* local refinement of the best grid maxima by bounded scalar optimisation
  (``scipy.optimize.minimize_scalar(method="bounded")``) on the neighbouring grid cells.

States whose masses or second moments differ by more than ``moment_tol`` (relative) are refused:
``d`` is infinite for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from kacspectral.boltzmann.isotropic.bobylev import coefficients_moments, coefficients_phi

__all__ = ["GTWResult", "gtw_distance", "gtw_distance_coefficients"]

#: Default relative tolerance on ``|m_0[f] - m_0[g]|`` and ``|m_2[f] - m_2[g]|``.
MOMENT_TOL = 1e-10


@dataclass(frozen=True)
class GTWResult:
    """``distance = sup_k |phi_f - phi_g|/k^2`` and the maximiser ``k_star`` (0 for the limit)."""

    distance: float
    k_star: float

    def __float__(self) -> float:
        return self.distance


def _check_moments(mf: NDArray, mg: NDArray, moment_tol: float) -> None:
    if mf.size < 2 or mg.size < 2:
        raise ValueError(
            "moments must give at least [m_0, m_2] for both states, got "
            f"{mf.size} and {mg.size} values"
        )
    if abs(mf[0] - mg[0]) > moment_tol * max(abs(mf[0]), abs(mg[0]), 1.0):
        raise ValueError(
            f"GTW distance needs equal masses: m_0[f] = {float(mf[0])!r}, "
            f"m_0[g] = {float(mg[0])!r} "
            f"(differ by more than {moment_tol:g} relative)"
        )
    if abs(mf[1] - mg[1]) > moment_tol * max(abs(mf[1]), abs(mg[1]), 1e-300):
        raise ValueError(
            f"GTW distance needs equal second moments: m_2[f] = {float(mf[1])!r}, "
            f"m_2[g] = {float(mg[1])!r} "
            f"(differ by more than {moment_tol:g} relative)"
        )


def _taylor_ratio(dm: NDArray, k: NDArray) -> NDArray:
    """``|sum_{n>=1} dc_n k^(2n-2)|`` from moment differences ``dm[n] = dm_{2n}``."""
    out = np.zeros_like(k)
    for n in range(len(dm) - 1, 0, -1):  # Horner in k^2
        dc = (-1) ** n * dm[n] / math.factorial(2 * n + 1)
        out = out * k**2 + dc
    return np.abs(out)


def _sup_of_difference(
    phi_diff: Callable[[NDArray], NDArray],
    dm: NDArray,
    m2_f: float,
    m2_g: float,
    n_grid: int,
    n_refine: int,
) -> GTWResult:
    """``sup_k F(k)`` with ``F = |phi_diff(k)| / k^2`` for ``k > k_taylor`` and the Taylor form
    from the moment differences ``dm`` (``dm[0]`` ignored) below; ``k_s = sqrt(3/m_2)``, ``m_2``
    the mean of the two second moments (module docstring)."""
    dm = np.array(dm, dtype=float)
    dm[0] = 0.0
    m2 = max(0.5 * (float(m2_f) + float(m2_g)), 1e-300)
    k_scale = math.sqrt(3.0 / m2)
    k_t = 0.1 * k_scale

    def ratio(k: NDArray) -> NDArray:
        k = np.asarray(k, dtype=float)
        out = np.empty_like(k)
        small = k <= k_t
        out[small] = _taylor_ratio(dm, k[small])
        kb = k[~small]
        if kb.size:
            out[~small] = np.abs(np.asarray(phi_diff(kb))) / kb**2
        return out

    return _sup(ratio, k_scale, n_grid, n_refine)


def _sup(
    ratio: Callable[[NDArray], NDArray], k_scale: float, n_grid: int, n_refine: int
) -> GTWResult:
    k_hi = 12.0 * k_scale
    grid = np.linspace(0.0, k_hi, n_grid + 1)
    vals = ratio(grid)
    while 2.0 / k_hi**2 > np.max(vals) and k_hi < 1e6 * k_scale:
        ext = np.linspace(k_hi, 2 * k_hi, n_grid + 1)[1:]
        grid = np.concatenate([grid, ext])
        vals = np.concatenate([vals, ratio(ext)])
        k_hi *= 2
    best_i = int(np.argmax(vals))
    best = GTWResult(float(vals[best_i]), float(grid[best_i]))
    # local maxima of the grid values, best first
    inner = np.nonzero((vals[1:-1] >= vals[:-2]) & (vals[1:-1] >= vals[2:]))[0] + 1
    cands = sorted(set(inner.tolist()) | {best_i}, key=lambda i: -vals[i])[:n_refine]
    for i in cands:
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        if hi <= lo:
            continue
        res = optimize.minimize_scalar(
            lambda x: -float(ratio(np.array([x]))[0]),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-12 * k_scale},
        )
        if -res.fun > best.distance:
            best = GTWResult(float(-res.fun), float(res.x))
    return best


def gtw_distance(
    phi_f: Callable[[NDArray], NDArray],
    phi_g: Callable[[NDArray], NDArray],
    moments_f: Sequence[float] | ArrayLike,
    moments_g: Sequence[float] | ArrayLike,
    *,
    moment_tol: float = MOMENT_TOL,
    n_grid: int = 600,
    n_refine: int = 4,
) -> GTWResult:
    """GTW distance of two isotropic states given by their characteristic functions.

    Parameters
    ----------
    phi_f, phi_g : callable
        Vectorised ``k -> phi(k)`` (``k = |xi| >= 0``).
    moments_f, moments_g : sequence of float
        ``[m_0, m_2, m_4, ...]`` of each state (at least ``m_0, m_2``; ``m_4 .. m_8`` make the
        small-``k`` form accurate), used for the ``k -> 0`` limit and for the checks.
    moment_tol : float
        Relative tolerance for equal mass and second moment; beyond it a ValueError names the
        two values.

    Returns
    -------
    GTWResult
        ``distance`` and the maximiser ``k_star``.
    """
    mf = np.asarray(moments_f, dtype=float)
    mg = np.asarray(moments_g, dtype=float)
    _check_moments(mf, mg, moment_tol)
    n = min(mf.size, mg.size)
    return _sup_of_difference(
        lambda k: np.asarray(phi_f(k)) - np.asarray(phi_g(k)),
        mf[:n] - mg[:n], mf[1], mg[1], n_grid, n_refine,
    )


def gtw_distance_coefficients(
    a: ArrayLike,
    b: ArrayLike,
    t_ref: float,
    *,
    moment_tol: float = MOMENT_TOL,
    n_moments: int = 6,
    n_grid: int = 600,
    n_refine: int = 4,
) -> GTWResult:
    """GTW distance of two states given by coefficient vectors in the NESS basis (bobylev (B1)).

    The difference ``phi_f - phi_g`` is evaluated from the coefficient difference ``a - b``
    (no cancellation of nearly equal values), and its moments from the same difference.
    Vectors of different lengths are zero-padded.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = max(a.size, b.size)
    a = np.pad(a, (0, n - a.size))
    b = np.pad(b, (0, n - b.size))
    d = a - b
    mf = coefficients_moments(a, t_ref, 1)
    mg = coefficients_moments(b, t_ref, 1)
    _check_moments(mf, mg, moment_tol)
    return _sup_of_difference(
        lambda k: coefficients_phi(d, t_ref, k),
        coefficients_moments(d, t_ref, n_moments), mf[1], mg[1], n_grid, n_refine,
    )

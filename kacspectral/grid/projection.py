"""Grid values <-> Hermite-Burnett coefficients (issue 12, item 4).

The Hermite-Burnett space (:class:`kacspectral.spectral.hermite_space.HermiteSpace`) writes a
state as ``f = M_{T_ref} sum_j a_j psi_j`` with ``psi_j`` orthonormal in ``L^2(M_{T_ref})``
(``docs/conventions.md`` sections 1 and 3), so

    a_j = int f(v) psi_j(v) dv        (grid -> coefficients),
    f(v_grid) = M_{T_ref}(v) sum_j a_j psi_j(v)        (coefficients -> grid).

The integral is the grid's rectangle rule ``h^3 sum_v``, spectrally accurate for smooth data
decaying inside the box; it is restricted to the ball ``|v| <= radius`` (default ``L``) because
``psi_j`` grows like ``|v|^K``: rounding noise of size ``eps max f`` at ``|v| ~ sqrt(3) L`` would
otherwise be multiplied by ``(sqrt(3) L / sqrt(T_ref))^K``.  The projection onto a truncated
space is exact (to rounding) for data in the space and is the ``L^2(M_{T_ref}^{-1})``-orthogonal
projection otherwise.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from kacspectral.spectral.burnett import real_solid_harmonics
from kacspectral.spectral.hermite import burnett_norm
from kacspectral.spectral.hermite_space import HermiteSpace
from kacspectral.spectral.polynomials import laguerre_function_orthonormal

__all__ = ["basis_values", "grid_to_hermite", "hermite_to_grid"]


def _grid_points(n: int, half_width: float) -> NDArray:
    x = -half_width + 2.0 * half_width * np.arange(n) / n
    return np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)


def basis_values(space: HermiteSpace, v: NDArray) -> NDArray:
    """``psi_j(v)`` for every basis function, shape ``(space.size, P)`` for ``P`` points.

    ``psi_nlm(v) = N_l q_n^(l+1/2)(y) Ys_lm(x)``, ``x = v/sqrt(T_ref)``, ``y = |x|^2/2``, the same
    factors as :meth:`HermiteSpace.density` without the weight ``M_{T_ref}``.
    """
    x = np.asarray(v, dtype=float).reshape(-1, 3) / math.sqrt(space.temperature)
    y = 0.5 * np.sum(x * x, axis=1)
    ys = real_solid_harmonics(space.effective_l_max, x)
    out = np.empty((space.size, len(x)))
    for l, idx in space._blocks:
        nmax = idx.shape[0] - 1
        q = laguerre_function_orthonormal(nmax, l + 0.5, y) * np.exp(0.5 * y) * burnett_norm(l)
        for n in range(nmax + 1):
            out[idx[n]] = q[n][None, :] * ys[l * l:(l + 1) ** 2]
    return out


def grid_to_hermite(f: NDArray, space: HermiteSpace, half_width: float,
                    radius: float | None = None) -> NDArray:
    """Coefficients ``a_j = h^3 sum_{|v| <= radius} f(v) psi_j(v)`` of grid values ``f``
    (shape ``(N, N, N)`` on ``[-L, L)^3``)."""
    f = np.asarray(f, dtype=float)
    n = f.shape[0]
    if f.shape != (n, n, n):
        raise ValueError(f"f must be an (N, N, N) array, got shape {f.shape}")
    r = float(half_width if radius is None else radius)
    pts = _grid_points(n, float(half_width))
    keep = np.sum(pts * pts, axis=1) <= r * r
    pts, vals = pts[keep], f.reshape(-1)[keep]
    h3 = (2.0 * half_width / n) ** 3
    a = np.zeros(space.size)
    step = max(1, 2_000_000 // max(space.size, 1))
    for s in range(0, len(pts), step):
        a += basis_values(space, pts[s:s + step]) @ vals[s:s + step]
    return h3 * a


def hermite_to_grid(coeffs: NDArray, space: HermiteSpace, n: int, half_width: float) -> NDArray:
    """``f(v) = M_{T_ref}(v) sum_j a_j psi_j(v)`` on the ``n^3`` grid of ``[-L, L)^3``."""
    pts = _grid_points(int(n), float(half_width))
    return space.density(coeffs, pts).reshape((int(n),) * 3)

"""Real spherical harmonics on S^2: the solid, spherical and zonal forms (the package's one
implementation).

Convention (conventions page, sections 1 and 6)
--------------------------------------------
Real spherical harmonics ``Y_lm`` (``l >= 0``, ``m = -l..l``; cosine type for ``m > 0``, sine type
for ``m < 0``, **no** Condon-Shortley phase) are orthonormal for the **uniform probability
measure** on ``S^2`` (so ``Y_00 = 1``):

    Y_lm = sqrt(2) Pbar_l^|m|(cos th) cos(m ph)  (m > 0),   Y_l0 = Pbar_l^0(cos th),
    Y_lm = sqrt(2) Pbar_l^|m|(cos th) sin(|m| ph) (m < 0),
    Pbar_l^m = sqrt((2l+1)(l-m)!/(l+m)!) P_l^m.

They are evaluated as **solid harmonics** ``|x|^l Y_lm(x/|x|)``, homogeneous polynomials of
degree ``l`` in ``x`` computed by a homogeneous normalised Legendre recurrence
(:func:`solid_harmonics`; rows ``l^2 + l + m``, :func:`harmonic_index`); the zonal ones
``Y_l0 = sqrt(2l+1) P_l`` by its ``m = 0`` case alone (:func:`zonal_solid_harmonics`,
:func:`zonal_harmonics`, :func:`zonal_rows`), and exactly in sympy by
:func:`solid_harmonics_exact`.  The Burnett functions of :mod:`kacspectral.spectral.hermite` and
the Fourier basis of :mod:`kacspectral.spectral.burnett` are built on them.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.spectral.polynomials import check_nonnegative_int

__all__ = [
    "harmonic_index",
    "solid_harmonics",
    "solid_harmonics_exact",
    "spherical_harmonics",
    "zonal_harmonics",
    "zonal_rows",
    "zonal_solid_harmonics",
]


def harmonic_index(l: int, m: int) -> int:
    """Row ``l^2 + l + m`` of ``Y_lm`` in :func:`solid_harmonics` / :func:`spherical_harmonics`."""
    return l * l + l + m


def _legendre_ratio(l: int, m: int) -> tuple[float, float]:
    """``(a_lm, a_lm / a_{l-1,m})``, ``a_lm = sqrt((4l^2-1)/(l^2-m^2))``, for ``l >= m + 2``.

    The homogeneous three-term recurrence of the normalised associated Legendre functions reads
    ``S_l^m = a_lm z S_{l-1}^m - (a_lm / a_{l-1,m}) r^2 S_{l-2}^m``, with
    ``a_lm / a_{l-1,m} = sqrt((2l+1)((l-1)^2-m^2) / ((2l-3)(l^2-m^2)))``.
    """
    a_l = math.sqrt((4 * l * l - 1) / (l * l - m * m))
    a_lm1 = math.sqrt((4 * (l - 1) ** 2 - 1) / ((l - 1) ** 2 - m * m))
    return a_l, a_l / a_lm1


def solid_harmonics(l_max: int, x: ArrayLike) -> NDArray:
    """Real solid harmonics ``|x|^l Y_lm(x/|x|)`` for ``l <= l_max``, ``-l <= m <= l``.

    ``Y_lm`` is orthonormal for the uniform probability measure on S^2 (``Y_00 = 1``); cosine
    type for ``m > 0``, sine type for ``m < 0``, no Condon-Shortley phase:

        Y_lm = sqrt(2) Pbar_l^|m|(cos th) cos(m ph)  (m > 0),   Y_l0 = Pbar_l^0(cos th),
        Y_lm = sqrt(2) Pbar_l^|m|(cos th) sin(|m| ph) (m < 0),
        Pbar_l^m = sqrt((2l+1)(l-m)!/(l+m)!) P_l^m.

    Computed homogeneously: ``S_m^m = prod_{k<=m} sqrt((2k+1)/(2k))``,
    ``S_{m+1}^m = sqrt(2m+3) z S_m^m``,
    ``S_l^m = a_lm (z S_{l-1}^m - r^2 S_{l-2}^m / a_{l-1,m})``, ``a_lm = sqrt((4l^2-1)/(l^2-m^2))``
    (:func:`_legendre_ratio`), times ``Re/Im (x + i y)^m`` (the ``sqrt(2)`` of ``m != 0`` is
    folded into ``S_m^m``).  These are polynomials (well defined at ``x = 0``).  This is the
    package's one implementation of the real harmonics (:mod:`kacspectral.spectral.burnett` reuses
    it).

    Returns
    -------
    ndarray, shape ``((l_max+1)^2,) + x.shape[:-1]``
        Row ``l^2 + l + m`` (:func:`harmonic_index`).
    """
    l_max = check_nonnegative_int(l_max, "l_max")
    x = np.asarray(x, dtype=float)
    if x.shape[-1:] != (3,):
        raise ValueError(f"points x must have shape (..., 3), got {x.shape}")
    X, Y, Z = x[..., 0], x[..., 1], x[..., 2]
    r2 = X * X + Y * Y + Z * Z
    out = np.empty(((l_max + 1) ** 2,) + X.shape)
    re, im = np.ones_like(X), np.zeros_like(X)  # (x + i y)^m
    smm = 1.0
    for m in range(l_max + 1):
        if m > 0:
            re, im = re * X - im * Y, re * Y + im * X
            smm *= math.sqrt((2 * m + 1) / (2 * m))
        prev2: float | NDArray = 0.0  # read only from l = m + 2 on, after it is set
        prev: float | NDArray = smm if m == 0 else math.sqrt(2.0) * smm  # broadcast below
        cur: float | NDArray
        for l in range(m, l_max + 1):
            if l == m:
                cur = prev
            elif l == m + 1:
                cur = math.sqrt(2 * m + 3) * Z * prev
            else:
                a_l, ratio = _legendre_ratio(l, m)
                cur = a_l * Z * prev - ratio * r2 * prev2
            if l > m:
                prev2, prev = prev, cur
            row = harmonic_index(l, 0)
            if m == 0:
                out[row] = cur
            else:
                np.multiply(cur, re, out=out[row + m, ...])
                np.multiply(cur, im, out=out[row - m, ...])
    return out


def spherical_harmonics(l_max: int, u: ArrayLike) -> NDArray:
    """Real ``Y_lm(u/|u|)`` (uniform-probability normalisation), rows ``l^2 + l + m``.

    Raises ValueError at ``u = 0``.
    """
    u = np.asarray(u, dtype=float)
    r = np.linalg.norm(u, axis=-1, keepdims=True)
    if np.any(r == 0):
        raise ValueError("spherical_harmonics needs non-zero directions u; got u = 0")
    return solid_harmonics(l_max, u / r)


def zonal_solid_harmonics(l_max: int, x: ArrayLike, parity: int | None = None) -> NDArray:
    """Zonal solid harmonics ``|x|^l Y_l0(x/|x|) = sqrt(2l+1) |x|^l P_l(x_3/|x|)``, ``l <= l_max``.

    Uniform-probability normalisation (as :func:`solid_harmonics`, row ``l^2 + l``), by
    ``S_0 = 1``, ``S_1 = sqrt(3) x_3``, ``S_l = a_l (x_3 S_{l-1} - |x|^2 S_{l-2}/a_{l-1})``,
    ``a_l = sqrt(4 - 1/l^2)`` (the ``m = 0`` case of :func:`solid_harmonics`'s recurrence,
    without the other orders).

    Parameters
    ----------
    parity : {0, 1} or None
        Keep only ``l`` of this parity (``l = parity, parity + 2, ...``); all ``l`` if None.

    Returns
    -------
    ndarray, shape ``(number of l kept,) + x.shape[:-1]``
    """
    l_max = check_nonnegative_int(l_max, "l_max")
    x = np.asarray(x, dtype=float)
    if x.shape[-1:] != (3,):
        raise ValueError(f"points x must have shape (..., 3), got {x.shape}")
    return zonal_rows(l_max, x[..., 2], np.sum(x * x, axis=-1), parity)


def zonal_harmonics(l_max: int, mu: ArrayLike) -> NDArray:
    """``Y_l0`` as a function of ``mu = cos(theta)``: ``sqrt(2l+1) P_l(mu)``, ``l <= l_max``.

    :func:`zonal_solid_harmonics` on the unit sphere (``|x|^2 = 1``, ``x_3 = mu``), so
    ``(1/2) int_{-1}^{1} Y_l0 Y_l'0 dmu = delta_ll'`` (uniform probability measure).

    Returns
    -------
    ndarray, shape ``(l_max + 1,) + mu.shape``
    """
    l_max = check_nonnegative_int(l_max, "l_max")
    return zonal_rows(l_max, np.asarray(mu, dtype=float), 1.0, None)


def zonal_rows(
    l_max: int, z: NDArray, r2: NDArray | float, parity: int | None, dtype: type = float
) -> NDArray:
    """The recurrence of :func:`zonal_solid_harmonics` given ``x_3`` and ``|x|^2`` (or 1.0).

    No input checks (the public callers check); used directly for the extended-precision zonal
    harmonics of :mod:`kacspectral.kac.thermostat`.

    Parameters
    ----------
    l_max : int
        Highest degree ``l >= 0``.
    z : ndarray
        ``x_3`` at the points (``mu = cos theta`` on the unit sphere).
    r2 : ndarray or float
        ``|x|^2`` at the points, broadcastable with ``z`` (1.0 on the unit sphere).
    parity : {0, 1} or None
        Keep only ``l`` of this parity; all ``l`` if None.
    dtype : type
        ``float`` or ``numpy.longdouble``: the precision of the coefficients and of the output;
        ``z`` and ``r2`` should already be of that type.

    Returns
    -------
    ndarray, shape ``(number of l kept,) + z.shape``
        ``|x|^l Y_l0(x/|x|)``, ``l`` ascending.
    """
    keep = [l for l in range(l_max + 1) if parity is None or l % 2 == parity % 2]
    out: NDArray = np.empty((len(keep),) + np.shape(z), dtype=dtype)
    prev2, prev = None, dtype(1)  # S_0 = 1, broadcast
    row = 0
    for l in range(l_max + 1):
        if l == 1:
            prev2, prev = prev, np.sqrt(dtype(3)) * z
        elif l >= 2:
            if dtype is float:
                a_l, ratio = _legendre_ratio(l, 0)
            else:  # a_l = sqrt(4 - 1/l^2) in the requested precision
                a_l = np.sqrt(dtype(4) - dtype(1) / dtype(l * l))
                ratio = a_l / np.sqrt(dtype(4) - dtype(1) / dtype((l - 1) ** 2))
            prev2, prev = prev, a_l * z * prev - ratio * r2 * prev2
        if row < len(keep) and keep[row] == l:
            out[row] = prev
            row += 1
    return out


def solid_harmonics_exact(l_max: int, X: sp.Symbol, Y: sp.Symbol, Z: sp.Symbol) -> dict:
    """Solid harmonics of :func:`solid_harmonics` as exact sympy polynomials, keyed ``(l, m)``.

    Parameters
    ----------
    l_max : int
        Highest degree ``l`` (a non-negative integer; the cost grows quickly, meant for small
        ``l_max``).
    X, Y, Z : sympy.Symbol
        The Cartesian variables.

    Returns
    -------
    dict
        ``{(l, m): |x|^l Y_lm(x/|x|)}`` for ``l <= l_max``, ``-l <= m <= l``: expanded
        polynomials with algebraic coefficients (square roots of rationals).
    """
    r2 = X**2 + Y**2 + Z**2
    out = {}
    smm = sp.Integer(1)
    for m in range(l_max + 1):
        if m > 0:
            smm *= sp.sqrt(sp.Rational(2 * m + 1, 2 * m))
        cplx = sp.expand((X + sp.I * Y) ** m)
        re, im = sp.expand(sp.re(cplx)), sp.expand(sp.im(cplx))
        prev2, prev = None, smm
        for l in range(m, l_max + 1):
            if l == m + 1:
                prev2, prev = prev, sp.sqrt(2 * m + 3) * Z * prev
            elif l > m + 1:
                a_l = sp.sqrt(sp.Rational(4 * l * l - 1, l * l - m * m))
                a_lm1 = sp.sqrt(sp.Rational(4 * (l - 1) ** 2 - 1, (l - 1) ** 2 - m * m))
                prev2, prev = prev, sp.expand(a_l * (Z * prev - r2 * prev2 / a_lm1))
            if m == 0:
                out[(l, 0)] = sp.expand(prev)
            else:
                out[(l, m)] = sp.expand(sp.sqrt(2) * prev * re)
                out[(l, -m)] = sp.expand(sp.sqrt(2) * prev * im)
    return out

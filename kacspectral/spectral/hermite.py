"""Hermite spectral core on R^3: the tensor Hermite and Burnett bases of ``L^2(M_T)``.

Conventions (conventions page, sections 1 and 6)
--------------------------------------
* Weight: the Maxwellian ``M_T(v) = (2 pi T)^(-3/2) exp(-|v|^2/(2T))`` of temperature ``T``
  (a product of three ``N(0, T)`` densities).  The seed 000 weight ``Gamma(x) = exp(-pi|x|^2)``
  is ``M_T`` with ``T = 1/(2 pi)`` (:data:`SEED_TEMPERATURE`).
* Tensor Hermite basis (probabilists' **He_n**):
  ``H_alpha(v) = prod_d He_{alpha_d}(v_d/sqrt(T)) / sqrt(alpha_d!)``, orthonormal in
  ``L^2(M_T)``; evaluated by the normalised recurrence of
  :func:`kacspectral.spectral.polynomials.hermite_e_orthonormal` (accurate to degree several
  hundred).
  For ``T = 1/(2 pi)`` these are the seed's ``H_n(x) = He_n(sqrt(2 pi) x)`` divided by
  ``sqrt(n!)``.
* ``V_m = span{H_alpha : |alpha| = m}`` (dimension ``(m+1)(m+2)/2``).  Multi-indices of one
  degree are listed in **descending lexicographic order**: ``(m,0,0), (m-1,1,0), (m-1,0,1),
  (m-2,2,0), ...``; :func:`multi_indices_upto` concatenates degrees ``0, 1, ..., K``.
* Real spherical harmonics ``Y_lm`` (``m = -l..l``; cosine for ``m > 0``, sine for ``m < 0``,
  **no** Condon-Shortley phase), orthonormal for the **uniform probability measure** on
  ``S^2`` (so ``Y_00 = 1``), and their solid and zonal forms: :mod:`kacspectral.spectral.harmonics`.
* Burnett functions, orthonormal in ``L^2(M_T)``:

      psi_{nlm}(v) = N_l q_n^{(l+1/2)}(|v|^2/(2T)) |v/sqrt(T)|^l Y_lm(v/|v|),
      N_l = pi^(1/4) 2^(-(l+1)/2),

  with ``q_n^{(a)}`` the orthonormal Laguerre polynomials of
  :func:`kacspectral.spectral.polynomials.laguerre_orthonormal` (``q_n(0) > 0``).  Those with
  ``2n + l = m`` form an orthonormal basis of ``V_m``: ``psi_{nlm}`` is a polynomial of degree
  ``m`` orthogonal to every polynomial of lower degree.  They are listed by ``l`` ascending,
  then ``m`` from ``-l`` to ``l`` (:func:`burnett_indices`).

The change of basis ``C[i, j] = <H_{alpha_i}, psi_j>`` (:func:`burnett_to_hermite`) is computed
by the tensor Gauss-Hermite rule of ``m + 1`` nodes per axis, exact for the degree-``2m``
integrand; ``C`` is orthogonal.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.spectral.harmonics import (
    harmonic_index,
    solid_harmonics,
    solid_harmonics_exact,
    zonal_solid_harmonics,
)
from kacspectral.spectral.polynomials import (
    check_nonnegative_int,
    gauss_hermite_e,
    hermite_e_orthonormal,
    laguerre_function_orthonormal,
    laguerre_orthonormal,
)

__all__ = [
    "SEED_TEMPERATURE",
    "burnett_functions",
    "burnett_indices",
    "burnett_norm",
    "burnett_to_hermite",
    "burnett_to_hermite_exact",
    "coefficients_from_values",
    "dim_v",
    "gauss_hermite_3d",
    "hermite_e_3d",
    "index_in_degree",
    "index_of",
    "multi_indices",
    "multi_indices_upto",
    "values_from_coefficients",
    "zonal_burnett_functions",
    "zonal_burnett_indices",
]

#: Temperature of the seed 000 weight ``Gamma(x) = exp(-pi |x|^2)`` (variance ``1/(2 pi)``).
SEED_TEMPERATURE = 1.0 / (2.0 * math.pi)


def _check_temperature(temperature: float) -> float:
    t = float(temperature)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    return t


# ---------------------------------------------------------------------- multi-indices
def dim_v(m: int) -> int:
    """Dimension ``(m+1)(m+2)/2`` of ``V_m`` (multi-indices of R^3 of total degree ``m``)."""
    m = check_nonnegative_int(m, "m")
    return (m + 1) * (m + 2) // 2


@lru_cache(maxsize=256)
def _multi_indices(m: int) -> NDArray:
    out = [(a1, m - a1 - a3, a3) for a1 in range(m, -1, -1) for a3 in range(0, m - a1 + 1)]
    arr = np.array(out, dtype=np.int64).reshape(-1, 3)
    arr.setflags(write=False)
    return arr


def multi_indices(m: int) -> NDArray:
    """Multi-indices ``alpha`` of ``R^3`` with ``|alpha| = m``, descending lexicographic.

    Returns
    -------
    ndarray of int, shape ``(dim_v(m), 3)``
        ``(m,0,0), (m-1,1,0), (m-1,0,1), (m-2,2,0), (m-2,1,1), (m-2,0,2), ...``
    """
    return _multi_indices(check_nonnegative_int(m, "m")).copy()


def multi_indices_upto(K: int) -> NDArray:
    """All multi-indices with ``|alpha| <= K``, graded: degree 0, then 1, ..., then ``K``."""
    K = check_nonnegative_int(K, "K")
    return np.concatenate([_multi_indices(m) for m in range(K + 1)], axis=0)


def index_in_degree(alphas: ArrayLike) -> NDArray:
    """Position of each ``alpha`` inside :func:`multi_indices` of its own degree.

    With ``r = |alpha| - alpha_1`` the position is ``r(r+1)/2 + (r - alpha_2)``.
    """
    a = _as_alphas(alphas)
    r = a.sum(axis=-1) - a[..., 0]
    return r * (r + 1) // 2 + (r - a[..., 1])


def index_of(alphas: ArrayLike) -> NDArray:
    """Position of each ``alpha`` in the graded list :func:`multi_indices_upto`.

    ``index = m(m+1)(m+2)/6 + index_in_degree(alpha)`` with ``m = |alpha|``.
    """
    a = _as_alphas(alphas)
    m = a.sum(axis=-1)
    return m * (m + 1) * (m + 2) // 6 + index_in_degree(a)


def _as_alphas(alphas: ArrayLike) -> NDArray:
    a = np.asarray(alphas)
    if a.shape[-1:] != (3,) or not np.issubdtype(a.dtype, np.integer) or np.any(a < 0):
        raise ValueError(
            f"multi-indices must be non-negative integers of shape (..., 3), got array of shape "
            f"{a.shape} and dtype {a.dtype}"
        )
    return a.astype(np.int64)


# ---------------------------------------------------------------------- tensor Hermite
def hermite_e_3d(alphas: ArrayLike, x: ArrayLike, temperature: float = 1.0) -> NDArray:
    """Orthonormal tensor Hermite polynomials ``H_alpha(x)`` for the weight ``M_T``.

    ``H_alpha(x) = prod_{d=1}^3 He_{alpha_d}(x_d/sqrt(T)) / sqrt(alpha_d!)`` (He_n convention,
    conventions page, section 6), from the normalised recurrence.

    Parameters
    ----------
    alphas : array_like of int, shape ``(N, 3)``
    x : array_like, shape ``(..., 3)``
    temperature : float
        ``T``; the seed's ``Gamma`` is ``T = 1/(2 pi)``.

    Returns
    -------
    ndarray, shape ``(N,) + x.shape[:-1]``
    """
    a = _as_alphas(alphas).reshape(-1, 3)
    x = np.asarray(x, dtype=float)
    if x.shape[-1:] != (3,):
        raise ValueError(f"points x must have shape (..., 3), got {x.shape}")
    t = _check_temperature(temperature)
    kmax = int(a.max()) if a.size else 0
    tables = [hermite_e_orthonormal(kmax, x[..., d], t) for d in range(3)]
    return tables[0][a[:, 0]] * tables[1][a[:, 1]] * tables[2][a[:, 2]]


def gauss_hermite_3d(n: int, temperature: float = 1.0) -> tuple[NDArray, NDArray]:
    """Tensor Gauss rule for ``M_T``: nodes ``(n^3, 3)``, weights ``(n^3,)`` summing to 1.

    Node ``(i, j, k)`` sits at row ``i n^2 + j n + k`` (C order).  Exact for polynomials of
    degree ``<= 2n - 1`` in each variable.
    """
    x, w = gauss_hermite_e(n, temperature)
    g = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)
    wt = (w[:, None, None] * w[None, :, None] * w[None, None, :]).reshape(-1)
    return g, wt


def _dense_cube_index(a: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    return a[:, 0], a[:, 1], a[:, 2]


def values_from_coefficients(
    coeffs: ArrayLike, alphas: ArrayLike, n: int, temperature: float = 1.0
) -> NDArray:
    """Values of ``sum_alpha c_alpha H_alpha`` on the nodes of :func:`gauss_hermite_3d`.

    Parameters
    ----------
    coeffs : array_like, shape ``(N,) + batch``
    alphas : array_like of int, shape ``(N, 3)``
    n : int
        Gauss nodes per axis.

    Returns
    -------
    ndarray, shape ``(n^3,) + batch``
        Uses the tensor structure: three 1D matrix products (cost ``O(n K^3 + n^3 K)``).
    """
    a = _as_alphas(alphas).reshape(-1, 3)
    c = np.asarray(coeffs, dtype=float)
    if c.shape[:1] != (a.shape[0],):
        raise ValueError(
            f"coeffs must have leading dimension {a.shape[0]} (one per multi-index), "
            f"got shape {c.shape}"
        )
    batch = c.shape[1:]
    c = c.reshape(a.shape[0], -1)
    x, _ = gauss_hermite_e(n, temperature)
    kmax = int(a.max()) if a.size else 0
    P = hermite_e_orthonormal(kmax, x, temperature)  # (kmax+1, n)
    cube = np.zeros((kmax + 1,) * 3 + (c.shape[1],))
    np.add.at(cube, _dense_cube_index(a), c)
    vals = np.einsum("abcz,ai->ibcz", cube, P, optimize=True)
    vals = np.einsum("ibcz,bj->ijcz", vals, P, optimize=True)
    vals = np.einsum("ijcz,ck->ijkz", vals, P, optimize=True)
    return vals.reshape((n**3,) + batch)


def coefficients_from_values(
    values: ArrayLike, alphas: ArrayLike, n: int, temperature: float = 1.0
) -> NDArray:
    """Hermite coefficients ``c_alpha = sum_q w_q f(x_q) H_alpha(x_q)`` on the tensor Gauss grid.

    Exact (the L^2(M_T) projection) when ``f`` is a polynomial whose degree in each variable
    plus ``alpha_d`` is ``<= 2n - 1``.

    Parameters
    ----------
    values : array_like, shape ``(n^3,) + batch``
        Values at the nodes of :func:`gauss_hermite_3d` (same order).
    """
    a = _as_alphas(alphas).reshape(-1, 3)
    v = np.asarray(values, dtype=float)
    if v.shape[:1] != (n**3,):
        raise ValueError(f"values must have leading dimension n^3 = {n**3}, got shape {v.shape}")
    batch = v.shape[1:]
    v = v.reshape((n, n, n, -1))
    x, w = gauss_hermite_e(n, temperature)
    kmax = int(a.max()) if a.size else 0
    Pw = hermite_e_orthonormal(kmax, x, temperature) * w  # (kmax+1, n)
    cube = np.einsum("ijkz,ai->ajkz", v, Pw, optimize=True)
    cube = np.einsum("ajkz,bj->abkz", cube, Pw, optimize=True)
    cube = np.einsum("abkz,ck->abcz", cube, Pw, optimize=True)
    return cube[_dense_cube_index(a)].reshape((a.shape[0],) + batch)


# ---------------------------------------------------------------------- Burnett basis
def burnett_indices(m: int) -> NDArray:
    """``(n, l, mm)`` with ``2n + l = m``: ``l`` ascending (parity of ``m``), ``mm = -l..l``.

    Returns
    -------
    ndarray of int, shape ``(dim_v(m), 3)``
    """
    m = check_nonnegative_int(m, "m")
    rows = [((m - l) // 2, l, k) for l in range(m % 2, m + 1, 2) for k in range(-l, l + 1)]
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def burnett_norm(l: int) -> float:
    """``N_l = pi^(1/4) 2^(-(l+1)/2)``: makes ``psi_{nlm}`` unit in ``L^2(M_T)``.

    (``int M_T psi^2 = N_l^2 * 2^(l+1)/sqrt(pi) * int x^(l+1/2) e^-x q_n^2 dx``.)
    """
    return math.pi**0.25 * 2.0 ** (-(l + 1) / 2.0)


def burnett_functions(
    labels: int | ArrayLike,
    points: ArrayLike,
    temperature: float = 1.0,
    with_gaussian: bool = False,
) -> NDArray:
    """The Burnett functions ``psi_{nlm}`` at ``points`` (the package's one implementation).

    ``psi_{nlm}(v) = N_l q_n^{(l+1/2)}(|v|^2/(2T)) |v/sqrt T|^l Y_lm(v/|v|)`` (module
    docstring), orthonormal in ``L^2(M_T)``; those of degree ``2n + l = m`` form an orthonormal
    basis of ``V_m``.  With ``with_gaussian`` the values are ``M_T(v) psi_{nlm}(v)``, the
    factor ``exp(-|x|^2/2)`` being split between the Laguerre recurrence and the end so that
    nothing overflows.

    Parameters
    ----------
    labels : int or array_like of int, shape ``(K, 3)``
        Rows ``(n, l, mm)`` of any degrees (e.g.
        :func:`kacspectral.spectral.burnett.basis_labels`), or an integer ``m``: all of
        :func:`burnett_indices` ``(m)``.
    points : array_like, shape ``(..., 3)``
    temperature : float
    with_gaussian : bool
        Multiply by the Maxwellian ``M_T``.

    Returns
    -------
    ndarray, shape ``(K,) + points.shape[:-1]``

    Notes
    -----
    The radial factor is the normalised Laguerre recurrence started from
    ``exp(-lgamma(l + 3/2)/2)`` (no overflow of ``Gamma``); one row is kept when only one ``n``
    is needed for an ``l`` (memory ``O(points)``).  ``q_0`` underflows for ``l >= 300``: a
    ValueError is raised rather than returning zeros.
    """
    if not isinstance(with_gaussian, (bool, np.bool_)):
        raise TypeError(
            f"with_gaussian must be a bool, got {type(with_gaussian).__name__} (the fourth "
            "argument is no longer the index subset: pass the rows (n, l, mm) as labels)"
        )
    t = _check_temperature(temperature)
    if isinstance(labels, (int, np.integer)) and not isinstance(labels, bool):
        idx = burnett_indices(int(labels))
    else:
        idx = np.asarray(labels, dtype=np.int64).reshape(-1, 3)
        if np.any(idx[:, :2] < 0) or np.any(np.abs(idx[:, 2]) > idx[:, 1]):
            raise ValueError("labels must be rows (n, l, mm) with n, l >= 0 and |mm| <= l")
    v = np.asarray(points, dtype=float)
    if v.shape[-1:] != (3,):
        raise ValueError(f"points must have shape (..., 3), got {v.shape}")
    y = v / math.sqrt(t)
    u = 0.5 * np.sum(y * y, axis=-1)
    lmax = int(idx[:, 1].max()) if len(idx) else 0
    sh = solid_harmonics(lmax, y)
    out = np.empty((len(idx),) + u.shape)
    radial: dict[tuple[int, int], NDArray] = {}
    for l in np.unique(idx[:, 1]).tolist() if len(idx) else []:
        l = int(l)
        ns = np.unique(idx[idx[:, 1] == l, 0])
        if ns.size == 1 and not with_gaussian:
            rows = {int(ns[0]): _laguerre_top(int(ns[0]), l + 0.5, u)}
        else:
            q = _laguerre_rows(int(ns[-1]), l + 0.5, u, bool(with_gaussian))
            rows = {int(n): q[int(n)] for n in ns}
        for n, row in rows.items():
            radial[(n, l)] = burnett_norm(l) * row
    if with_gaussian:
        gauss = np.exp(-0.5 * u) * (2.0 * math.pi * t) ** -1.5
    for k, (n, l, mm) in enumerate(idx):
        val = radial[(int(n), int(l))] * sh[harmonic_index(int(l), int(mm))]
        out[k] = val * gauss if with_gaussian else val
    return out


def _laguerre_rows(n_max: int, alpha: float, u: NDArray, with_gaussian: bool) -> NDArray:
    """Rows ``0..n_max`` of the normalised Laguerre recurrence (Laguerre *functions*
    ``exp(-u/2) q_n`` with ``with_gaussian``), with the underflow check of :func:`_laguerre_top`."""
    _log_q0(alpha)
    if with_gaussian:
        return laguerre_function_orthonormal(n_max, alpha, u)
    return laguerre_orthonormal(n_max, alpha, u)


def zonal_burnett_indices(m: int) -> NDArray:
    """``(n, l, 0)`` with ``2n + l = m``, ``l`` ascending: the zonal (axially symmetric) part."""
    idx = burnett_indices(m)
    return idx[idx[:, 2] == 0]


def zonal_burnett_functions(m: int, v: ArrayLike, temperature: float = 1.0) -> NDArray:
    """The zonal Burnett functions ``psi_{n,l,0}`` (``2n + l = m``, ``l`` ascending) at ``v``.

    Same functions as :func:`burnett_functions` with ``mm = 0`` (axially symmetric about the
    ``z`` axis), evaluated without the other harmonics: the zonal solid harmonic
    ``|y|^l Y_l0 = S_l`` obeys ``S_0 = 1``, ``S_1 = sqrt(3) y_3``,
    ``S_l = a_l (y_3 S_{l-1} - |y|^2 S_{l-2} / a_{l-1})``, ``a_l = sqrt((4 l^2 - 1)/l^2)``.

    Returns
    -------
    ndarray, shape ``(m//2 + 1,) + v.shape[:-1]``
    """
    m = check_nonnegative_int(m, "m")
    t = _check_temperature(temperature)
    v = np.asarray(v, dtype=float)
    if v.shape[-1:] != (3,):
        raise ValueError(f"points v must have shape (..., 3), got {v.shape}")
    y = v / math.sqrt(t)
    u = 0.5 * np.sum(y * y, axis=-1)
    zs = zonal_solid_harmonics(m, y, parity=m % 2)
    out = np.empty((m // 2 + 1,) + u.shape)
    for row, l in enumerate(range(m % 2, m + 1, 2)):
        n = (m - l) // 2
        out[row] = burnett_norm(l) * _laguerre_top(n, l + 0.5, u) * zs[row]
    return out


def _log_q0(alpha: float) -> float:
    """``log q_0 = -lgamma(alpha + 1)/2``; ValueError when ``q_0`` underflows."""
    log_q0 = -0.5 * math.lgamma(alpha + 1.0)
    if log_q0 < math.log(np.finfo(float).tiny):
        raise ValueError(
            f"Laguerre index alpha = {alpha!r} too large: the normalised q_0 = "
            f"Gamma(alpha+1)^(-1/2) underflows in double precision (Burnett functions need "
            f"harmonic degree l <= 299)"
        )
    return log_q0


def _laguerre_top(n: int, alpha: float, u: NDArray) -> NDArray:
    """Row ``n`` of :func:`kacspectral.spectral.polynomials.laguerre_orthonormal` keeping two rows
    only.

    Same normalised recurrence (memory ``O(size of u)`` instead of ``O(n * size of u)``), but
    started from ``q_0 = exp(-lgamma(alpha + 1)/2)``: ``Gamma(alpha + 1)`` itself overflows for
    ``alpha > 171`` (which made every Burnett function of degree ``l >= 171`` exactly 0).  When
    ``q_0`` underflows (``alpha > 299.5``, i.e. ``l >= 300``) a ValueError is raised rather
    than returning zeros.  (Independently, ``|y|^l`` overflows for ``|y|^l > 1e308``.)
    """
    p_prev = np.full_like(u, math.exp(_log_q0(alpha)))
    if n == 0:
        return p_prev
    p = (alpha + 1.0 - u) * p_prev / math.sqrt(alpha + 1.0)
    for k in range(1, n):
        p_prev, p = p, (
            (2 * k + alpha + 1.0 - u) * p - math.sqrt(k * (k + alpha)) * p_prev
        ) / math.sqrt((k + 1) * (k + alpha + 1.0))
    return p


def burnett_to_hermite(m: int) -> NDArray:
    """Orthogonal change of basis ``C[i, j] = <H_{alpha_i}, psi_j>_{L^2(M_T)}`` on ``V_m``.

    Rows follow :func:`multi_indices` ``(m)``, columns :func:`burnett_indices` ``(m)``; so
    ``psi_j = sum_i C[i, j] H_{alpha_i}``.  Temperature-independent (both bases scale with
    ``sqrt T``), computed at ``T = 1`` by the tensor Gauss-Hermite rule with ``m + 1`` nodes
    per axis, which is exact for the degree-``2m`` integrand: the entries are exact up to
    rounding (a few ulp times the number of nodes).
    """
    m = check_nonnegative_int(m, "m")
    return _burnett_to_hermite(m).copy()


@lru_cache(maxsize=64)
def _burnett_to_hermite(m: int) -> NDArray:
    n = m + 1
    nodes, _ = gauss_hermite_3d(n, 1.0)
    alphas = _multi_indices(m)
    idx = burnett_indices(m)
    C = np.empty((len(alphas), len(idx)))
    chunk = max(1, int(4e6 // n**3))
    for start in range(0, len(idx), chunk):
        sel = idx[start : start + chunk]
        vals = burnett_functions(sel, nodes, 1.0)  # (k, n^3)
        C[:, start : start + len(sel)] = coefficients_from_values(vals.T, alphas, n, 1.0)
    C.setflags(write=False)
    return C


# ---------------------------------------------------------------------- exact (sympy) version
def _he_moment(a: int, b: int) -> int:
    """``E[He_a(x) x^b]`` for ``x ~ N(0, 1)``: ``b!/(k! 2^k)`` with ``b - a = 2k >= 0``, else 0."""
    if b < a or (b - a) % 2:
        return 0
    k = (b - a) // 2
    return math.factorial(b) // (math.factorial(k) * 2**k)


def burnett_to_hermite_exact(m: int) -> sp.Matrix:
    """The change of basis of :func:`burnett_to_hermite` in exact arithmetic (sympy), small m.

    ``psi_{nlm}`` is expanded as an exact polynomial (``T = 1``; real ``x + i y`` powers,
    ``L_n^(l+1/2)`` from sympy, ``N_l sqrt(n!/Gamma(n+l+3/2)) = 2^(-(l+1)/2) sqrt(n!/r)`` with
    ``Gamma(n+l+3/2) = r sqrt(pi)``), and its Hermite coefficients come from the exact
    Gaussian moments ``E[He_a(x) x^b]``.  Entries are algebraic numbers (square roots of
    rationals).  Cost grows quickly: meant for ``m <= 6``.
    """
    m = check_nonnegative_int(m, "m")
    X, Y, Z = sp.symbols("x y z", real=True)
    sh = solid_harmonics_exact(m, X, Y, Z)
    u = (X**2 + Y**2 + Z**2) / 2
    alphas = _multi_indices(m)
    idx = burnett_indices(m)
    C = sp.zeros(len(alphas), len(idx))
    for j, (n, l, mm) in enumerate(idx):
        n, l, mm = int(n), int(l), int(mm)
        r = sp.gamma(n + l + sp.Rational(3, 2)) / sp.sqrt(sp.pi)
        const = 2 ** sp.Rational(-(l + 1), 2) * sp.sqrt(sp.factorial(n) / r)
        lag = sp.assoc_laguerre(n, l + sp.Rational(1, 2), sp.Symbol("u"))
        radial = sp.expand(lag.subs(sp.Symbol("u"), u))
        poly = sp.Poly(sp.expand(const * radial * sh[(l, mm)]), X, Y, Z)
        for i, a in enumerate(alphas):
            total = sp.Integer(0)
            for (b1, b2, b3), coeff in poly.terms():
                mom = _he_moment(a[0], b1) * _he_moment(a[1], b2) * _he_moment(a[2], b3)
                if mom:
                    total += coeff * mom
            norm = sp.sqrt(sp.factorial(a[0]) * sp.factorial(a[1]) * sp.factorial(a[2]))
            C[i, j] = sp.radsimp(total / norm)
    return C

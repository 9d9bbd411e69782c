"""Isotropic gain operator in a Gaussian-Laguerre basis, by Bobylev's formula.

Conventions page (docs/conventions.md), sections 3 and 8.

Basis
-----
For a reference temperature ``T_ref > 0`` put ``y = T_ref k^2`` and expand the characteristic
function of an isotropic density as

    phi(k) = exp(-y/2) sum_{n=0}^{K} a_n q_n(y),                                        (B1)

``q_n = L_n^(1/2) sqrt(n!/Gamma(n+3/2))`` the orthonormal generalised Laguerre polynomials for
the weight ``y^(1/2) e^(-y)`` (``polynomials.laguerre_orthonormal``).  The coefficients are the
``L^2(y^(1/2) e^(-y))`` projections of ``P(y) = exp(y/2) phi(y)``.

Velocity space.  The radial functions ``exp(-r^2/2) L_n^(1/2)(r^2)`` on R^3 are eigenfunctions of
the Fourier transform ``f^(xi) = int f(v) exp(-i xi.v) dv`` (conventions page, section 1) with
eigenvalue ``(2 pi)^(3/2) (-1)^n`` (Hermite functions of total degree 2n), so (B1) is the
transform of

    f(v) = M_{T_ref}(v) sum_n (-1)^n a_n q_n(|v|^2 / T_ref),                             (B2)

``M_T = (2 pi T)^(-3/2) exp(-|v|^2/(2T))``: the density is evaluated from the same
coefficients, with no Hankel quadrature.

Maxwellians.  By the Laguerre generating function
``sum_n L_n^(a)(y) t^n = (1-t)^(-a-1) exp(-y t/(1-t))``, ``M_T`` (``phi = exp(-T k^2/2)``) has

    a_n(T) = (1-t)^(3/2) t^n sqrt(Gamma(n+3/2)/n!),   t = (T - T_ref)/(T + T_ref),      (B3)

so ``|a_n| ~ |t|^n n^(1/4)``.  A mixture of Maxwellians with temperatures in
``[T_min, T_max]`` and ``T_ref = sqrt(T_min T_max)`` has ``|t| <= rho =
(sqrt T_max - sqrt T_min)/(sqrt T_max + sqrt T_min)``.  Every Picard iterate of the reservoir
problem and its steady state are such mixtures (``Q+(M_T1, M_T2)`` is the mixture of
``M_{T1 (1+s)/2 + T2 (1-s)/2}`` over ``b(s) ds/2``), hence (B1) converges geometrically at
rate ``rho``.

Gain tensor.  Bobylev's isotropic formula
``Q+(f,g)^(k) = (1/2) int b(s) phi_f(k sqrt((1+s)/2)) phi_g(k sqrt((1-s)/2)) ds`` maps
``exp(-y/2)`` times polynomials of degrees ``i`` and ``j`` to ``exp(-y/2)`` times a polynomial of
degree ``i + j`` (the Gaussian factors multiply to ``exp(-y/2)``).  Its Galerkin tensor

    G[m,i,j] = int_0^inf y^(1/2) e^(-y) q_m(y)
               (1/2) int b(s) q_i(y (1+s)/2) q_j(y (1-s)/2) ds dy                      (B4)

has a polynomial integrand in ``y`` (degree ``m+i+j <= 3K``) and in ``s`` (degree ``i+j``), so
generalised Gauss-Laguerre in ``y`` and the kernel's own Gauss-Jacobi rule in ``s`` compute it
exactly (up to rounding).  ``G[m,i,j] = 0`` when ``m > i + j`` (orthogonality of ``q_m`` to lower
degrees).  Note that the *opposite* inequality does not hold: output coefficients ``m <= K``
receive contributions from input pairs with ``i + j > K``, so truncating (B1) at ``K`` is a
Galerkin approximation whose error is of the size of the discarded tail (``~ rho^K``), not an
exact closure.  (The monomial/moment form of the conventions page, section 4 is the exact
closure; see :mod:`kacspectral.boltzmann.isotropic.exact`.)

Moments.  The moments of the basis functions follow from (B3):
``sum_j t^j sqrt(Gamma(j+3/2)/j!) mu_{n,j} = T_ref^n (2n+1)!! (1+t)^n (1-t)^(-n-3/2)``, so

    mu_{n,j} = m_{2n}[basis j] = T_ref^n (2n+1)!! sqrt(j!/Gamma(j+3/2))
               [t^j] (1+t)^n (1-t)^(-n-3/2),                                           (B5)

a sum of positive terms (no cancellation).
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate, special

from kacspectral.physics.kernels import AngularKernel
from kacspectral.spectral.polynomials import (
    double_factorial,
    gauss_laguerre,
    laguerre_function_orthonormal,
)

__all__ = [
    "ALPHA",
    "basis_moments",
    "coefficients_density",
    "coefficients_moments",
    "coefficients_phi",
    "direct_gain_phi",
    "gain",
    "gain_jacobian",
    "laguerre_gain_tensor",
    "maxwellian_coefficients",
    "mixture_coefficients",
]

#: Laguerre parameter of the basis: ``L_n^(1/2)``, weight ``y^(1/2) e^(-y)`` (3D radial).
ALPHA = 0.5

_TENSOR_CACHE: OrderedDict = OrderedDict()
_TENSOR_CACHE_SIZE = 8


def _check_order(K: int) -> int:
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 0:
        raise ValueError(f"truncation K must be a non-negative integer, got {K!r}")
    return int(K)


def _check_tref(t_ref: float) -> float:
    t = float(t_ref)
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"reference temperature T_ref must be positive and finite, got {t_ref!r}")
    return t


def _kernel_key(K: int, kernel: AngularKernel) -> tuple:
    """Cache key: exact kernels by their expression; others by identity (``id``), which is only
    valid while the kernel object is alive -- the cache entry therefore also stores the kernel
    and a hit is accepted only if it is the *same* object (``id`` values are reused after
    garbage collection)."""
    if kernel.is_exact:
        return (K, "exact", str(kernel.expr))
    return (K, "id", id(kernel))


def _modified_weights(y: NDArray, wy: NDArray) -> NDArray:
    """``w_y e^y`` of the Gauss-Laguerre rule (``alpha = 1/2``) without overflow.

    scipy's weights are used where they are representable (they are the most accurate);
    where ``w_y`` underflows, the closed form ``w_y e^y = y / ((n+1)(n+alpha+1) l_{n+1}(y)^2)``
    with the Laguerre function ``l_{n+1} = e^{-y/2} q_{n+1}`` is used instead.
    """
    n = y.size
    out = np.empty_like(y)
    ok = wy > 1e-280
    out[ok] = wy[ok] * np.exp(y[ok])
    if not np.all(ok):
        lf = laguerre_function_orthonormal(n + 1, ALPHA, y[~ok])[n + 1]
        out[~ok] = y[~ok] / ((n + 1) * (n + ALPHA + 1) * lf**2)
    return out


def laguerre_gain_tensor(
    K: int, kernel: AngularKernel, enforce_structure: bool = True
) -> NDArray:
    """Galerkin tensor (B4) of the isotropic gain ``Q+`` in the basis (B1), shape ``(K+1,)*3``.

    ``Q+(f,g)`` has coefficients ``sum_{ij} G[m,i,j] a_i b_j`` (projection onto ``m <= K``).
    Computed with ``ceil((3K+1)/2)`` generalised Gauss-Laguerre nodes (``alpha = 1/2``) in ``y``
    and ``kernel.quadrature(kernel.nodes_for_degree(2K))`` in ``s``: exact for polynomial
    kernels and ``kac`` (Gauss-Jacobi with the endpoint singularity in the weight).  Laguerre
    functions ``exp(-x/2) q_n(x)`` are used throughout so nothing overflows.  Entries with
    ``m > i + j`` are set to exactly 0 (they vanish analytically).  Cached per
    ``(K, kernel)``; the returned array is read-only.

    Reference: Bobylev's formula, seed 003 eq. (1.8); conventions page, section 3 (isotropic
    reduction).
    """
    K = _check_order(K)
    if not isinstance(kernel, AngularKernel):
        raise TypeError(f"kernel must be an AngularKernel, got {type(kernel).__name__}")
    key = _kernel_key(K, kernel) + (bool(enforce_structure),)
    hit = _TENSOR_CACHE.get(key)
    if hit is not None and (kernel.is_exact or hit[0] is kernel):
        _TENSOR_CACHE.move_to_end(key)
        return hit[1]
    ny = (3 * K + 2) // 2 + 1
    y, wy = gauss_laguerre(ny, ALPHA)
    s, ws = kernel.quadrature(kernel.nodes_for_degree(2 * K))
    # e^{-y/2} q_m(y), and the weight w_y e^{y} that restores e^{-y}: W_y Lm Lf_i Lf_j.
    Lm = laguerre_function_orthonormal(K, ALPHA, y)  # (K+1, ny)
    Wy = _modified_weights(y, wy)
    xp = np.multiply.outer(y, (1.0 + s) / 2.0)  # (ny, ns)
    xm = np.multiply.outer(y, (1.0 - s) / 2.0)
    A = laguerre_function_orthonormal(K, ALPHA, xp)  # e^{-xp/2} q_i(xp): (K+1, ny, ns)
    B = laguerre_function_orthonormal(K, ALPHA, xm) * ws  # s-weights folded in
    # H[y, i, j] = sum_s w_s A_i B_j  (= e^{-y/2} (1/2) int b q_i q_j ds at node y)
    H = np.einsum("iys,jys->yij", A, B, optimize=True)
    G = np.einsum("my,yij->mij", Lm * Wy, H, optimize=True)
    if enforce_structure:
        idx = np.arange(K + 1)
        G[idx[:, None, None] > idx[None, :, None] + idx[None, None, :]] = 0.0
    G.setflags(write=False)
    # the kernel is kept alive with its tensor, so its id cannot be reused while cached
    _TENSOR_CACHE[key] = (kernel, G)
    _TENSOR_CACHE.move_to_end(key)
    if len(_TENSOR_CACHE) > _TENSOR_CACHE_SIZE:
        _TENSOR_CACHE.popitem(last=False)
    return G


def maxwellian_coefficients(T: float, t_ref: float, K: int) -> NDArray:
    """Coefficients (B3) of ``M_T`` in the basis (B1) at reference temperature ``t_ref``.

    ``a_n = (1-t)^(3/2) t^n sqrt(Gamma(n+3/2)/n!)``, ``t = (T - T_ref)/(T + T_ref)``: the
    closed form of the Laguerre generating function, exact to rounding for every ``n``.
    """
    K = _check_order(K)
    T = _check_tref(T)
    t_ref = _check_tref(t_ref)
    t = (T - t_ref) / (T + t_ref)
    n = np.arange(K + 1)
    norm = np.exp(0.5 * (special.gammaln(n + 1.5) - special.gammaln(n + 1.0)))
    return (1.0 - t) ** 1.5 * np.power(t, n) * norm


def mixture_coefficients(
    weights: ArrayLike, temperatures: ArrayLike, t_ref: float, K: int
) -> NDArray:
    """Coefficients of ``sum_a w_a M_{T_a}`` (linear combination of (B3))."""
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    T = np.atleast_1d(np.asarray(temperatures, dtype=float))
    if w.shape != T.shape:
        raise ValueError(f"weights {w.shape} and temperatures {T.shape} must have equal shapes")
    out = np.zeros(_check_order(K) + 1)
    for wa, Ta in zip(w, T, strict=True):
        out += wa * maxwellian_coefficients(Ta, t_ref, K)
    return out


def gain(a: ArrayLike, b: ArrayLike, tensor: NDArray) -> NDArray:
    """Coefficients of the projected gain ``Q+(f, g)``: ``c_m = sum_ij G[m,i,j] a_i b_j``."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = tensor.shape[0]
    if a.shape != (n,) or b.shape != (n,):
        raise ValueError(
            f"coefficient vectors must have shape ({n},) to match the tensor, got {a.shape} "
            f"and {b.shape}"
        )
    return np.einsum("mij,i,j->m", tensor, a, b, optimize=True)


def gain_jacobian(a: ArrayLike, tensor: NDArray, wrt: str = "both") -> NDArray:
    """Derivative of ``Q+(f, f)`` (``wrt="both"``), or of ``Q+(f, g)`` in ``f`` (``"first"``) or in
    ``g`` (``"second"``) at coefficients ``a`` of the other argument.

    ``"first"``: ``J[m,i] = sum_j G[m,i,j] a_j``; ``"second"``: ``J[m,j] = sum_i G[m,i,j] a_i``;
    ``"both"``: their sum (the exact Jacobian of the quadratic map ``a -> G(a, a)``).
    """
    a = np.asarray(a, dtype=float)
    if wrt == "first":
        return np.einsum("mij,j->mi", tensor, a)
    if wrt == "second":
        return np.einsum("mij,i->mj", tensor, a)
    if wrt == "both":
        return np.einsum("mij,j->mi", tensor, a) + np.einsum("mij,i->mj", tensor, a)
    raise ValueError(f"wrt must be 'first', 'second' or 'both', got {wrt!r}")


def coefficients_phi(a: ArrayLike, t_ref: float, k: ArrayLike) -> NDArray:
    """``phi(k) = exp(-y/2) sum_n a_n q_n(y)``, ``y = T_ref k^2`` (B1)."""
    a = np.asarray(a, dtype=float)
    t_ref = _check_tref(t_ref)
    k = np.asarray(k, dtype=float)
    L = laguerre_function_orthonormal(a.size - 1, ALPHA, t_ref * k**2)
    return np.tensordot(a, L, axes=1)


def coefficients_density(a: ArrayLike, t_ref: float, speed: ArrayLike) -> NDArray:
    """``f(|v|) = M_{T_ref}(v) sum_n (-1)^n a_n q_n(|v|^2/T_ref)`` (B2).

    Evaluated as ``(2 pi T_ref)^(-3/2) sum_n (-1)^n a_n [e^(-x/2) q_n(x)]``, ``x = |v|^2/T_ref``,
    with the overflow-free Laguerre functions; stable for every ``|v|``.
    """
    a = np.asarray(a, dtype=float)
    t_ref = _check_tref(t_ref)
    x = np.asarray(speed, dtype=float) ** 2 / t_ref
    L = laguerre_function_orthonormal(a.size - 1, ALPHA, x)
    signs = (-1.0) ** np.arange(a.size)
    return (2 * np.pi * t_ref) ** -1.5 * np.tensordot(a * signs, L, axes=1)


def basis_moments(n_max: int, t_ref: float, K: int) -> NDArray:
    """``mu[n, j] = m_{2n}`` of basis function ``j`` of (B1), ``n <= n_max``, ``j <= K`` (B5)."""
    n_max = _check_order(n_max)
    K = _check_order(K)
    t_ref = _check_tref(t_ref)
    _check_moment_range(n_max, t_ref)
    j = np.arange(K + 1)
    norm = np.exp(0.5 * (special.gammaln(j + 1.0) - special.gammaln(j + 1.5)))
    out = np.empty((n_max + 1, K + 1))
    for n in range(n_max + 1):
        beta = n + 1.5
        # coefficients of (1-t)^(-beta): rising(beta, j)/j!, by the ratio recurrence
        neg = np.empty(K + 1)
        neg[0] = 1.0
        for jj in range(1, K + 1):
            neg[jj] = neg[jj - 1] * (beta + jj - 1) / jj
        binom = np.array([math.comb(n, i) for i in range(n + 1)], dtype=float)
        conv = np.convolve(binom, neg)[: K + 1]
        out[n] = t_ref**n * double_factorial(2 * n + 1) * norm * conv
    return out


def _log10_moment_scale(n: int, t_ref: float) -> float:
    """``log10(T_ref^n (2n+1)!!)``, the size of ``m_{2n}`` of a state at temperature ``T_ref``."""
    return (n * math.log(t_ref) + special.gammaln(2 * n + 2) - special.gammaln(n + 1)
            - n * math.log(2.0)) / math.log(10.0)


def _check_moment_range(n_max: int, t_ref: float) -> None:
    """ValueError when ``m_{2 n_max}`` (scale ``T_ref^n (2n+1)!!``) leaves the float range."""
    if abs(_log10_moment_scale(n_max, t_ref)) < 300:
        return
    n = 0
    while abs(_log10_moment_scale(n + 1, t_ref)) < 300:
        n += 1
    raise ValueError(
        f"moments up to m_{{2n}}, n = {n_max}, leave double precision (m_{{2n}} ~ T_ref^n "
        f"(2n+1)!! ~ 1e{_log10_moment_scale(n_max, t_ref):.0f} at T_ref = {t_ref:.6g}); n must "
        f"be <= {n}")


def coefficients_moments(a: ArrayLike, t_ref: float, n_max: int) -> NDArray:
    """Moments ``m_{2n} = int |v|^{2n} f dv``, ``n <= n_max``, of the density with coefficients
    ``a`` (B5)."""
    a = np.asarray(a, dtype=float)
    return basis_moments(n_max, t_ref, a.size - 1) @ a


def direct_gain_phi(
    phi_f,
    phi_g,
    kernel: AngularKernel,
    k: ArrayLike,
    epsabs: float = 1e-14,
    epsrel: float = 1e-13,
) -> NDArray:
    """Slow reference: the isotropic Bobylev integral at each ``k`` by adaptive quadrature.

    ``Q+(f,g)^(k) = (1/2) int_{-1}^{1} b(s) phi_f(k sqrt((1+s)/2)) phi_g(k sqrt((1-s)/2)) ds``
    (conventions page, section 3), with ``scipy.integrate.quad``; the kernel's Jacobi endpoint
    factors are passed as the algebraic weight (``weight="alg"``) so singular kernels are handled.
    Independent of the Laguerre basis: used by the tests to check :func:`laguerre_gain_tensor`.
    The requested accuracy is ``max(epsabs, epsrel |value|)`` per ``k``.
    """
    a_exp, c_exp = kernel.exponents
    out = []
    for kk in np.atleast_1d(np.asarray(k, dtype=float)).ravel():

        def integrand(s: float, kk: float = kk) -> float:
            p = float(kernel.smooth(np.array([s]))[0])
            return 0.5 * p * float(phi_f(kk * math.sqrt((1 + s) / 2))) * float(
                phi_g(kk * math.sqrt((1 - s) / 2))
            )

        val, _ = integrate.quad(
            integrand, -1.0, 1.0, weight="alg", wvar=(c_exp, a_exp), epsabs=epsabs,
            epsrel=epsrel, limit=200,
        )
        out.append(val)
    return np.asarray(out).reshape(np.shape(k))

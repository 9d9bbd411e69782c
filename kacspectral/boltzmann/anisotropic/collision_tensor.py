"""The Bobylev collision tensor in the Burnett basis, reduced by rotation invariance.

``Q+(f,g)_j = sum_{i,k} T[j,i,k] a_i b_k`` on a
:class:`~kacspectral.boltzmann.anisotropic.collision.HermiteSpace`
(conventions page, section 3; seed 003, eqs. (1.2), (1.8)-(1.9)); the derivation and conventions
are in the docstring of :mod:`kacspectral.boltzmann.anisotropic.collision`, the basis in
:mod:`kacspectral.spectral.burnett`.

* :func:`reduced_coefficients` -- the Wigner-Eckart reduced coefficients
  ``t(n l; n1 l1; n2 l2)``, by a product quadrature exact for polynomial kernels;
* :func:`tensor_entries` -- ``T = t x`` real Gaunt coefficients, as COO entries;
* :class:`BobylevTensor` -- CSR storage over unordered input pairs (symmetric and antisymmetric
  parts), evaluation of ``Q+`` and of its matrices with one argument fixed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray
from scipy import special

from kacspectral.physics.kernels import AngularKernel
from kacspectral.spectral.burnett import (
    associated_legendre_normalized,
    fischer_norm,
    legendre_normalized,
    real_gaunt_phi,
)

if TYPE_CHECKING:  # pragma: no cover
    from kacspectral.spectral.hermite_space import HermiteSpace

__all__ = [
    "BobylevTensor",
    "MAX_TENSOR_BYTES",
    "TensorOperator",
    "cached_tensor",
    "estimate_apply_seconds",
    "estimate_tensor_size",
    "kernel_key",
    "reduced_coefficients",
    "tensor_entries",
]

#: Default memory budget of a tensor build (peak bytes, :func:`estimate_tensor_size`).
MAX_TENSOR_BYTES = 2 * 1024**3

#: Peak bytes per COO entry while building: int32 row/i/k + float64 value (20), the CSR copy
#: of ``S`` (value + index, 12 with int32 indices) and the ``(pair, sign)`` temporaries (12),
#: plus 16 for a non-even kernel (``A`` stored too) -- see :class:`BobylevTensor`; checked
#: against tracemalloc peaks at K = 16, 20 (14-49 MB).
_BYTES_PER_ENTRY = 44


def estimate_tensor_size(degree: int, l_max: int | None, even_kernel: bool = True) -> dict:
    """Upper bound on the tensor's COO entries and peak build memory, without building it.

    Counts, for every coupling ``(l1, l2, l)`` of :func:`tensor_entries`, the radial pairs
    ``(n1, n2)`` with ``2 n1 + l1 + 2 n2 + l2 <= K`` times the ``(m, m1, m2)`` with non-zero
    azimuthal Gaunt factor (:func:`kacspectral.spectral.burnett.real_gaunt_phi`); zero reduced or
    polar
    factors are not excluded, so this bounds the stored non-zeros from above (within a factor
    ~1.5 at ``K <= 12``, see tests).  Grows like ``K^6`` for the full 3D space.

    Returns ``{"entries", "pairs", "bytes"}``.
    """
    K = int(degree)
    L = K if l_max is None else min(int(l_max), K)
    lp = max(L, 1)
    phi = real_gaunt_phi(lp)
    nz = np.argwhere(phi != 0.0) - lp
    hist = np.zeros((lp + 1,) * 3, dtype=np.int64)
    np.add.at(hist, (np.abs(nz[:, 0]), np.abs(nz[:, 1]), np.abs(nz[:, 2])), 1)
    cum = hist.cumsum(0).cumsum(1).cumsum(2)  # cum[a, b, c]: |m| <= a, |m1| <= b, |m2| <= c
    entries = 0
    for l1 in range(L + 1):
        for l2 in range(L + 1):
            if l1 + l2 > K:
                continue
            m = (K - l1 - l2) // 2
            radial = (m + 1) * (m + 2) // 2
            for l in range(abs(l1 - l2), min(l1 + l2, L) + 1, 2):
                entries += radial * int(cum[l, l1, l2])
    # unordered input pairs (p, q) with deg p + deg q <= K, as in BobylevTensor
    counts = [sum(2 * l + 1 for l in range(min(d, L) + 1) if (d - l) % 2 == 0)
              for d in range(K + 1)]
    ordered = sum(counts[d1] * sum(counts[: K - d1 + 1]) for d1 in range(K + 1))
    pairs = (ordered + sum(counts[: K // 2 + 1])) // 2  # p <= q
    per = _BYTES_PER_ENTRY + (16 if not even_kernel else 0)
    return {"entries": int(entries), "pairs": int(pairs),
            "bytes": int(entries * per + pairs * 16)}


#: Fixed cost of one application of the tensor (Python and numpy call overhead), seconds;
#: measured 8-65 us for 5-11 coefficients, depending on the machine's load
#: (validation/cli_limits.py).
APPLY_OVERHEAD_SECONDS = 3e-5
#: Multiply-adds per second assumed for the sparse application (measured 0.9-3e9 entries/s
#: per core at degree 8-16, so the estimate is an upper bound within a factor ~3).
APPLY_OPERATIONS_PER_SECOND = 1e9


def estimate_apply_seconds(degree: int, l_max: int | None, even_kernel: bool = True) -> float:
    """Seconds of one bilinear application ``Q(a, b)`` (``CollisionOperator.collision``):
    :data:`APPLY_OVERHEAD_SECONDS` plus ``2 entries + 4 pairs`` operations of
    :func:`estimate_tensor_size` at :data:`APPLY_OPERATIONS_PER_SECOND`."""
    est = estimate_tensor_size(degree, l_max, even_kernel)
    return APPLY_OVERHEAD_SECONDS + (2 * est["entries"] + 4 * est["pairs"]) / (
        APPLY_OPERATIONS_PER_SECOND)


def kernel_key(kernel: AngularKernel) -> tuple:
    """Cache key of a kernel: its exact expression, or its identity."""
    if kernel.is_exact:
        return ("exact", kernel.name if kernel.name in ("constant", "kac") else str(kernel.expr))
    return ("id", id(kernel))


def reduced_coefficients(degree: int, l_max: int, kernel: AngularKernel,
                         axisymmetric: bool = False) -> dict:
    """Reduced Bobylev coefficients ``t(n l; n1 l1; n2 l2)`` (module docstring), or with
    ``axisymmetric=True`` the entries ``T0(n l; n1 l1; n2 l2) = T[(n l 0), (n1 l1 0), (n2 l2 0)]``
    of the tensor between axisymmetric (``m = 0``) functions
    (:mod:`kacspectral.boltzmann.anisotropic.axisymmetric`).

    For axisymmetric inputs ``e_{n1 l1 0}``, ``e_{n2 l2 0}`` and unit ``eta`` at polar angle
    ``theta`` (``mu = cos theta``), with ``c = sqrt((1+s)/2)``, ``c' = sqrt((1-s)/2)`` and the
    azimuth ``psi`` of ``sigma`` about ``eta``:
    ``|eta+| = c``, ``cos angle(eta+) = c mu - c' sin(theta) cos(psi)``, ``|eta-| = c'``,
    ``cos angle(eta-) = c' mu + c sin(theta) cos(psi)``, so

        T0 = (-1)^(n+n1+n2) N_nl/(N_n1l1 N_n2l2) (1/2) int dmu Pbar_l(mu) (1/2) int b(s) ds
             c^(2 n1 + l1) c'^(2 n2 + l2) <Pbar_l1(u+) Pbar_l2(u-)>_psi,

    and ``t = T0 / G(l0; l10; l20)``.  The integrand is a polynomial of degree ``<= K`` in ``s``
    after the ``psi`` average (odd powers of ``sqrt(1-s^2)`` average out), a trigonometric
    polynomial of degree ``<= K`` in ``psi`` and of degree ``<= 2K`` in ``mu``: the rules used
    (kernel's Gauss-Jacobi for degree ``K``, ``K+1`` trapezoid nodes, ``K+1`` Gauss-Legendre
    nodes) are exact when the kernel's smooth part is a polynomial (``constant``, ``kac``,
    polynomial expressions); otherwise the kernel's 200-node rule is spectrally accurate.

    Returns
    -------
    dict ``(l1, l2, l) -> ndarray t[n1, n2]`` (or ``T0[n1, n2]``; ``n = (2n1+l1+2n2+l2-l)/2``),
    and key ``"nu"``.
    """
    K, L = degree, l_max
    s, ws = kernel.quadrature(kernel.nodes_for_degree(max(K, 1)))
    mu, wmu = special.roots_legendre(K + 1)
    wmu = wmu / 2.0
    npsi = K + 1
    cospsi = np.cos(2.0 * np.pi * np.arange(npsi) / npsi)
    sin_t = np.sqrt(1.0 - mu * mu)
    pbar_mu = legendre_normalized(K, mu)  # (K+1, M)
    half = K // 2
    powp = ((1.0 + s) / 2.0)[None, :] ** np.arange(half + 1)[:, None]  # c^(2n)
    powm = ((1.0 - s) / 2.0)[None, :] ** np.arange(half + 1)[:, None]  # c'^(2n)
    lin = min(L, K)
    proj = np.zeros((len(s), lin + 1, lin + 1, lin + 1))
    block = max(1, 4_000_000 // ((lin + 1) * (K + 1) * npsi))
    for s0 in range(0, len(s), block):
        sb = s[s0 : s0 + block]
        c = np.sqrt((1.0 + sb) / 2.0)[:, None, None]
        cp = np.sqrt((1.0 - sb) / 2.0)[:, None, None]
        up = c * mu[None, :, None] - cp * (sin_t[:, None] * cospsi[None, :])[None]
        um = cp * mu[None, :, None] + c * (sin_t[:, None] * cospsi[None, :])[None]
        pa = legendre_normalized(lin, up) * (c[None] ** np.arange(lin + 1)[:, None, None, None])
        pb = legendre_normalized(lin, um) * (cp[None] ** np.arange(lin + 1)[:, None, None, None])
        # F[s, mu, l1, l2] = mean_psi pa[l1] pb[l2]
        f = np.matmul(pa.transpose(1, 2, 0, 3), pb.transpose(1, 2, 3, 0)) / npsi
        proj[s0 : s0 + block] = np.einsum("smab,lm->sabl", f * wmu[None, :, None, None],
                                          pbar_mu[: lin + 1])
    out: dict = {"nu": float(np.sum(ws))}
    g0 = np.einsum("am,bm,cm,m->abc", pbar_mu[: lin + 1], pbar_mu[: lin + 1],
                   pbar_mu[: lin + 1], wmu)
    for l1 in range(lin + 1):
        for l2 in range(lin + 1):
            if l1 + l2 > K:
                continue
            for l in range(abs(l1 - l2), min(l1 + l2, lin) + 1, 2):
                n1max = (K - l1 - l2) // 2
                p = proj[:, l1, l2, l] * ws
                t0 = (powp[: n1max + 1] * p) @ powm[: n1max + 1].T  # [n1, n2]
                n1 = np.arange(n1max + 1)[:, None]
                n2 = np.arange(n1max + 1)[None, :]
                valid = 2 * n1 + l1 + 2 * n2 + l2 <= K
                norm = np.zeros_like(t0)
                for i in range(n1max + 1):
                    for j in range(n1max + 1 - i):
                        n = (2 * i + l1 + 2 * j + l2 - l) // 2
                        # (-1)^(n+n1+n2): the signs of e_nlm = (-1)^n |eta|^2n Ys_lm / N_nl
                        norm[i, j] = (-1) ** (n + i + j) * fischer_norm(n, l) / (
                            fischer_norm(i, l1) * fischer_norm(j, l2)
                        )
                gaunt = 1.0 if axisymmetric else g0[l, l1, l2]
                out[(l1, l2, l)] = np.where(valid, t0 * norm / gaunt, 0.0)
    return out


def tensor_entries(space: HermiteSpace, kernel: AngularKernel) -> tuple:
    """COO entries ``(j, i, k, T[j,i,k])`` of the collision tensor, and ``nu``.

    ``T = t(n l; n1 l1; n2 l2) G(l m; l1 m1; l2 m2)``: the reduced coefficients of
    :func:`reduced_coefficients` times the real Gaunt coefficients, whose azimuthal factor is
    :func:`kacspectral.spectral.burnett.real_gaunt_phi` and polar factor
    ``(1/2) int Theta_l^|m| Theta_l1^|m1| Theta_l2^|m2| dmu`` (Gauss-Legendre, ``K+1`` nodes,
    exact for the degree ``<= 2K`` polynomial).
    """
    K, L = space.degree, space.effective_l_max
    red = reduced_coefficients(K, L, kernel)
    phi = real_gaunt_phi(max(L, 1))
    off = max(L, 1)
    nz = np.argwhere(phi != 0.0) - off  # (m, m1, m2)
    nzval = phi[phi != 0.0]
    mu, wmu = special.roots_legendre(K + 1)
    theta = associated_legendre_normalized(L, mu)
    wth = wmu / 2.0
    base = {(n, l): space.index(n, l, 0) for (n, l, m) in space.labels if m == 0}
    rows, pi, pk, vals = [], [], [], []
    for key, tab in red.items():
        if key == "nu":
            continue
        l1, l2, l = key
        sel = (np.abs(nz[:, 0]) <= l) & (np.abs(nz[:, 1]) <= l1) & (np.abs(nz[:, 2]) <= l2)
        mm, mm1, mm2 = nz[sel, 0], nz[sel, 1], nz[sel, 2]
        g = nzval[sel] * np.sum(
            theta[l * l + l + np.abs(mm)] * theta[l1 * l1 + l1 + np.abs(mm1)]
            * theta[l2 * l2 + l2 + np.abs(mm2)] * wth, axis=1)
        keep = np.abs(g) > 1e-15  # Gaunt selection rules (exact zeros up to rounding)
        mm, mm1, mm2, g = mm[keep], mm1[keep], mm2[keep], g[keep]
        i1, i2 = np.nonzero(tab)
        if len(i1) == 0 or len(g) == 0:
            continue
        n = (2 * i1 + l1 + 2 * i2 + l2 - l) // 2
        b_out = np.array([base[(x, l)] for x in n.tolist()])
        b_1 = np.array([base[(x, l1)] for x in i1.tolist()])
        b_2 = np.array([base[(x, l2)] for x in i2.tolist()])
        rows.append((b_out[:, None] + mm[None, :]).astype(np.int32).ravel())
        pi.append((b_1[:, None] + mm1[None, :]).astype(np.int32).ravel())
        pk.append((b_2[:, None] + mm2[None, :]).astype(np.int32).ravel())
        vals.append((tab[i1, i2][:, None] * g[None, :]).ravel())

    def cat(x: list, dtype: type) -> NDArray:
        out = np.concatenate(x) if x else np.zeros(0, dtype)
        x.clear()  # free the pieces before the next concatenation (peak memory)
        return out

    n_reduced = sum(int(np.count_nonzero(v)) for k, v in red.items() if k != "nu")
    return (cat(rows, np.int32), cat(pi, np.int32), cat(pk, np.int32), cat(vals, float),
            red["nu"], n_reduced)


class BobylevTensor:
    """Sparse storage of ``T[j, i, k]`` over unordered input pairs ``p <= q``.

    ``S[j, (p,q)] = T[j,p,q] + T[j,q,p]`` and ``A[j, (p,q)] = T[j,p,q] - T[j,q,p]`` (``p < q``;
    ``S[j,(p,p)] = T[j,p,p]``, ``A = 0`` there), so that
    ``Q+(a, b)_j = S (a_p b_q + a_q b_p)/2 + A (a_p b_q - a_q b_p)/2`` and the quadratic form
    ``Q+(a, a) = S (a_p a_q)`` needs ``S`` only.  For an even kernel ``Q+`` is symmetric
    (``sigma -> -sigma`` swaps ``eta+`` and ``eta-``) and ``A`` is not stored.  Pairs are
    enumerated structurally (degree grading: ``deg p + deg q <= K``, and the layout is sorted
    by degree, so the partners of ``p`` form a contiguous range).
    """

    def __init__(self, space: HermiteSpace, kernel: AngularKernel):
        t_start = time.perf_counter()
        rows, ci, ck, vals, self.nu, self.n_reduced = tensor_entries(space, kernel)
        self._store(rows, ci, ck, vals, np.asarray(space.degrees), space.degree, kernel.is_even)
        self.setup_seconds = time.perf_counter() - t_start

    def _store(self, rows: NDArray, ci: NDArray, ck: NDArray, vals: NDArray, deg: NDArray,
               degree: int, even: bool) -> None:
        """Pair storage of the COO entries ``T[rows, ci, ck] = vals`` on a layout whose
        functions have the (sorted) degrees ``deg <= degree``."""
        size = len(deg)
        upto = np.searchsorted(deg, np.arange(degree + 1), side="right")  # count deg <= d
        limit = upto[degree - deg]  # partners q of p: q < limit[p]
        count = np.maximum(limit - np.arange(size), 0)  # q in [p, limit[p])
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        npairs = int(count.sum())
        self.p = np.repeat(np.arange(size), count).astype(np.intp)
        self.q = (np.arange(npairs) - np.repeat(start, count) + self.p).astype(np.intp)
        itype = np.int32 if npairs < 2**31 - 1 else np.int64
        pair = start.astype(itype)[np.minimum(ci, ck)] + np.abs(ck - ci).astype(itype)
        self.symmetric = bool(even)
        if self.symmetric:
            self.A = None
        else:
            sign = np.sign(ck - ci).astype(float)  # +1 for i < k, -1 for i > k, 0 on the diagonal
            self.A = sps.csr_matrix((vals * sign, (rows, pair)), shape=(size, npairs))
            self.A.sum_duplicates()
            del sign
        del ci, ck
        self.S = sps.csr_matrix((vals, (rows, pair)), shape=(size, npairs))
        self.S.sum_duplicates()
        self.size = size

    @property
    def nnz(self) -> int:
        return int(self.S.nnz + (0 if self.A is None else self.A.nnz))

    @property
    def memory_bytes(self) -> int:
        total = self.p.nbytes + self.q.nbytes
        for m in (self.S, self.A):
            if m is not None:
                total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        return int(total)

    def gain(self, a: NDArray, b: NDArray) -> NDArray:
        if b is a:
            return self.S @ (a[self.p] * a[self.q])
        u, w = a[self.p] * b[self.q], a[self.q] * b[self.p]
        out = self.S @ (0.5 * (u + w))
        if self.A is not None:
            out += self.A @ (0.5 * (u - w))
        return out

    def quadratic_jacobian(self, a: NDArray) -> sps.csr_matrix:
        """``J`` with ``J x = d/da Q+(a, a) [x] = gain(x, a) + gain(a, x)``: ``S`` only (the
        antisymmetric parts of the two one-sided matrices cancel)."""
        P, Q = self._one_hot(self.p), self._one_hot(self.q)
        return (self.S @ (sps.diags(a[self.q]) @ P + sps.diags(a[self.p]) @ Q)).tocsr()

    def _one_hot(self, idx: NDArray) -> sps.csr_matrix:
        n = len(idx)
        return sps.csr_matrix((np.ones(n), (np.arange(n), idx)), shape=(n, self.size))

    def matrix(self, fixed: NDArray, right: bool) -> sps.csr_matrix:
        """``G`` with ``G x = gain(x, fixed)`` (``right``) or ``gain(fixed, x)``."""
        hp, hq = 0.5 * fixed[self.p], 0.5 * fixed[self.q]
        P, Q = self._one_hot(self.p), self._one_hot(self.q)
        s_part = self.S @ (sps.diags(hq) @ P + sps.diags(hp) @ Q)
        if self.A is None:
            return s_part.tocsr()
        if right:  # T[j,p,q] x_p b_q + T[j,q,p] x_q b_p, T = (S +- A)/2
            a_part = self.A @ (sps.diags(hq) @ P - sps.diags(hp) @ Q)
        else:  # T[j,p,q] a_p x_q + T[j,q,p] a_q x_p
            a_part = self.A @ (sps.diags(hp) @ Q - sps.diags(hq) @ P)
        return (s_part + a_part).tocsr()


def cached_tensor(cache: dict, key: tuple, kernel: AngularKernel, build: Callable[[], Any],
                  check_budget: Callable[[int], None], max_bytes: int | None) -> Any:
    """The tensor stored under ``key`` in ``cache``, built (after ``check_budget``) when missing.

    A kernel without exact constants is rebuilt unless it is the very object cached (its values
    may differ under an equal key).  ``check_budget(bytes)`` raises above the budget; it also
    runs on a cache hit when the caller gives an explicit ``max_bytes``.
    """
    hit = cache.get(key)
    rebuild = hit is None or (not kernel.is_exact and hit[1] is not kernel)
    if rebuild or max_bytes is not None:
        check_budget(MAX_TENSOR_BYTES if max_bytes is None else max_bytes)
    if rebuild:
        cache[key] = (build(), kernel)
    return cache[key][0]


class TensorOperator:
    """The verbs shared by the collision operators built on a :class:`BobylevTensor`
    (``Q+``, ``Q``, their matrices with one argument fixed, and the tensor's size and cost).

    Subclasses set ``self._tensor`` and ``self.size`` (the length of a coefficient vector).
    """

    _tensor: BobylevTensor
    size: int

    @property
    def nu(self) -> float:
        """Loss rate ``(1/2) int b ds`` by the tensor's quadrature (1 to rounding)."""
        return self._tensor.nu

    @property
    def nnz(self) -> int:
        """Stored non-zeros of the tensor (over unordered input pairs)."""
        return self._tensor.nnz

    @property
    def reduced_count(self) -> int:
        """Number of non-zero reduced coefficients the tensor was built from."""
        return self._tensor.n_reduced

    @property
    def memory_bytes(self) -> int:
        """Bytes of the stored tensor."""
        return self._tensor.memory_bytes

    @property
    def setup_seconds(self) -> float:
        """Wall time spent building the tensor (when it was first built)."""
        return self._tensor.setup_seconds

    def _check(self, a: ArrayLike, name: str) -> NDArray:
        x = np.asarray(a, dtype=float)
        if x.shape[:1] != (self.size,) or x.ndim > 2:
            raise ValueError(f"{name} must have shape ({self.size},) or ({self.size}, k), "
                             f"got {x.shape}")
        return x

    def gain(self, a: ArrayLike, b: ArrayLike) -> NDArray:
        """Coefficients of ``Q+(f_a, f_b)`` (conventions page, section 3), exact on degrees
        ``<= K``.

        ``a``, ``b`` of shape ``(size,)`` or ``(size, k)`` (k columns at once).  When ``b is a``
        (the same object) the quadratic form uses the symmetric part of the tensor only
        (about half the work).
        """
        same = b is a
        a = self._check(a, "a")
        b = a if same else self._check(b, "b")
        return self._tensor.gain(a, b)

    def collision(self, a: ArrayLike, b: ArrayLike) -> NDArray:
        """Coefficients of ``Q(f_a, f_b) = Q+(f_a, f_b) - nu mass(f_b) f_a``.

        ``collision(a, a)`` (same object) is the Boltzmann right-hand side ``Q(f, f)``.
        """
        same = b is a
        a = self._check(a, "a")
        b = a if same else self._check(b, "b")
        return self._tensor.gain(a, b) - self.nu * b[0] * a

    def gain_matrix(self, b: ArrayLike) -> sps.csr_matrix:
        """Sparse ``G`` with ``G @ a = gain(a, b)`` (right argument fixed)."""
        return self._tensor.matrix(self._check(b, "b"), right=True)

    def gain_matrix_left(self, a: ArrayLike) -> sps.csr_matrix:
        """Sparse ``H`` with ``H @ b = gain(a, b)`` (left argument fixed)."""
        return self._tensor.matrix(self._check(a, "a"), right=False)

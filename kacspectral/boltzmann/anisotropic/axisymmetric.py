"""The Bobylev collision operator restricted to axisymmetric (``m = 0``) states.

For ``f`` axisymmetric about ``e_z`` only the Burnett functions ``psi_{nl0}`` occur
(:mod:`kacspectral.spectral.burnett`), and ``Q+`` maps them to such functions, so the coefficients
of ``Q+(f, g)`` are

    Q+(f, g)_(n l) = sum T0(n l; n1 l1; n2 l2) a_(n1 l1) b_(n2 l2),    2n + l = 2n1 + l1 + 2n2 + l2,

with ``T0(n l; n1 l1; n2 l2) = T[(n l 0), (n1 l1 0), (n2 l2 0)]`` the ``m = m1 = m2 = 0`` entries
of the tensor of :mod:`kacspectral.boltzmann.anisotropic.collision` (Bobylev's formula: seed 003,
eqs. (1.8)-(1.9); conventions page ``docs/conventions.md``, section 3).  They are integrated
directly (:func:`kacspectral.boltzmann.anisotropic.collision_tensor.reduced_coefficients` with
``axisymmetric=True``: the reduced coefficient times the Gaunt coefficient
``G(l 0; l1 0; l2 0)``, before that division), so no sum over ``m`` is formed and no ``m != 0``
entry is stored: ``O(K^5)`` entries (2.8e5 and 13 MB at ``K = 44``,
:func:`estimate_axisymmetric_size`; ``K^5/590`` there, ``K^5/960`` as ``K -> infinity``) against
the full 3D tensor's ``O(K^6)`` (2.1e8 entries and 9.5 GB at ``K = 44``,
:func:`kacspectral.boltzmann.anisotropic.collision_tensor.estimate_tensor_size`).  The
entries are the full tensor's to rounding (tests), for every kernel the full tensor supports
(constant, Kac, polynomial expressions, non-even kernels: the antisymmetric part is kept then).

Layout: the labels ``(n, l)``, ``2n + l <= K``, ordered by degree ``2n + l`` then ``l`` (the
``m = 0`` subsequence of :func:`kacspectral.spectral.burnett.basis_labels`), so a state's
coefficient vector is its full-space vector restricted to ``m = 0``.  ``a[0]`` is the mass.

Loss term: ``Q(f, g) = Q+(f, g) - nu mass(g) f`` with ``nu = (1/2) int b ds`` by the same
quadrature, as for the full operator; mass, z-momentum and energy are conserved to rounding.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), eqs. (1.2), (1.8)-(1.9) ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.anisotropic.collision_tensor import (
    _BYTES_PER_ENTRY,
    BobylevTensor,
    TensorOperator,
    cached_tensor,
    kernel_key,
    reduced_coefficients,
)
from kacspectral.physics.kernels import AngularKernel, get_kernel

__all__ = [
    "AxisymmetricCollisionOperator",
    "axisymmetric_entries",
    "axisymmetric_index",
    "axisymmetric_labels",
    "estimate_axisymmetric_seconds",
    "estimate_axisymmetric_size",
]

#: Largest degree accepted (the size estimate alone is then ~1 ms; the budget refuses far below).
MAX_DEGREE = 10_000

_CACHE: dict = {}


def _check_degree(degree: object) -> int:
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) \
            or not 0 <= degree <= MAX_DEGREE:
        raise ValueError(f"degree must be an integer in [0, {MAX_DEGREE}], got {degree!r}")
    return int(degree)


def axisymmetric_labels(degree: int) -> list[tuple[int, int]]:
    """Labels ``(n, l)`` with ``2n + l <= degree``, by degree ``2n + l`` then ``l``."""
    K = _check_degree(degree)
    return [((d - l) // 2, l) for d in range(K + 1) for l in range(d % 2, d + 1, 2)]


def axisymmetric_index(n: ArrayLike, l: ArrayLike) -> NDArray:
    """Position of ``(n, l)`` in :func:`axisymmetric_labels` (vectorised):
    ``sum_{d' < d} (floor(d'/2) + 1) + floor(l/2)``, ``d = 2n + l``."""
    n, l = np.asarray(n, dtype=np.int64), np.asarray(l, dtype=np.int64)
    d = 2 * n + l
    h = d // 2  # sum_{d' < d} (d' // 2 + 1) = h^2 + h (d even) or (h + 1)^2 (d odd)
    return np.where(d % 2 == 0, h * h + h, (h + 1) ** 2) + l // 2


def estimate_axisymmetric_size(degree: int, even_kernel: bool = True) -> dict:
    """Entries, input pairs and peak build bytes of the ``m = 0`` tensor, without building it.

    ``entries`` counts, for every coupling ``(l1, l2, l)`` (``|l1 - l2| <= l <= l1 + l2``, same
    parity), the radial pairs ``(n1, n2)`` with ``2 n1 + l1 + 2 n2 + l2 <= K``:
    ``sum_{l1 + l2 <= K} (min(l1, l2) + 1) (m + 1)(m + 2)/2``, ``m = floor((K - l1 - l2)/2)``;
    an upper bound of the non-zero ``T0`` (equal to it at ``K <= 12``, see the tests).  ``pairs``:
    the unordered input pairs ``p <= q`` with ``deg p + deg q <= K``; ``bytes`` as
    :func:`kacspectral.boltzmann.anisotropic.collision_tensor.estimate_tensor_size` (same bytes
    per entry).  Grows like ``K^5`` (``K^5/960`` entries as ``K -> infinity``).
    """
    K = _check_degree(degree)
    entries = 0
    for l1 in range(K + 1):
        l2 = np.arange(K - l1 + 1)
        m = (K - l1 - l2) // 2
        entries += int(np.sum((np.minimum(l1, l2) + 1) * (m + 1) * (m + 2) // 2))
    counts = np.arange(K + 1) // 2 + 1  # functions of degree d
    upto = np.cumsum(counts)  # of degree <= d
    ordered = int(np.sum(counts * upto[K - np.arange(K + 1)]))
    pairs = (ordered + int(upto[K // 2])) // 2
    per = _BYTES_PER_ENTRY + (16 if not even_kernel else 0)
    return {"entries": entries, "pairs": pairs, "bytes": int(entries * per + pairs * 16)}


#: Build-time model of :func:`estimate_axisymmetric_seconds`, ``a + b (K/44)^4`` seconds (one
#: thread): measured 0.04, 0.10-0.11, 0.22-0.28, 0.45-0.49, 0.83-0.89, 1.4-1.5 s at K = 20, 28,
#: ..., 60
#: (validation/efield_axisymmetric_tensor.py; the quadrature of
#: :func:`~kacspectral.boltzmann.anisotropic.collision_tensor.reduced_coefficients` dominates, and
#: grows like ``K^4`` in this range).
_BUILD_SECONDS = (0.03, 0.5)


def estimate_axisymmetric_seconds(degree: int) -> float:
    """Seconds to build the ``m = 0`` tensor at ``degree``: ``0.03 + 0.5 (K/44)^4`` (one thread;
    0.9-1.4 times the measurements at K = 20..60 in three runs of
    validation/efield_axisymmetric_tensor.py, 1.8 s at K = 60)."""
    a, b = _BUILD_SECONDS
    return a + b * (_check_degree(degree) / 44.0) ** 4


def axisymmetric_entries(degree: int, kernel: AngularKernel) -> tuple:
    """COO entries ``(j, i, k, T0[j, i, k])`` of the ``m = 0`` tensor on
    :func:`axisymmetric_labels`, ``nu``, and the number of non-zero ``T0``."""
    K = _check_degree(degree)
    red = reduced_coefficients(K, K, kernel, axisymmetric=True)
    rows, ci, ck, vals = [], [], [], []
    for key, tab in red.items():
        if key == "nu":
            continue
        l1, l2, l = key
        i1, i2 = np.nonzero(tab)
        if len(i1) == 0:
            continue
        n = (2 * i1 + l1 + 2 * i2 + l2 - l) // 2
        rows.append(axisymmetric_index(n, l))
        ci.append(axisymmetric_index(i1, l1))
        ck.append(axisymmetric_index(i2, l2))
        vals.append(tab[i1, i2])
    if not vals:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, np.zeros(0), red["nu"], 0
    vals_all = np.concatenate(vals)
    return (np.concatenate(rows), np.concatenate(ci), np.concatenate(ck), vals_all, red["nu"],
            len(vals_all))


class _AxisymmetricTensor(BobylevTensor):
    """:class:`~kacspectral.boltzmann.anisotropic.collision_tensor.BobylevTensor`'s pair storage
    of the ``m = 0`` entries."""

    def __init__(self, degree: int, kernel: AngularKernel):
        t_start = time.perf_counter()
        rows, ci, ck, vals, self.nu, self.n_reduced = axisymmetric_entries(degree, kernel)
        deg = np.array([2 * n + l for n, l in axisymmetric_labels(degree)])
        self._store(rows, ci, ck, vals, deg, degree, kernel.is_even)
        self.setup_seconds = time.perf_counter() - t_start


def _check_budget(degree: int, even: bool, max_bytes: float) -> None:
    est = estimate_axisymmetric_size(degree, even)
    if est["bytes"] > max_bytes:
        raise ValueError(
            f"the axisymmetric collision tensor for degree={degree} would need about "
            f"{est['bytes'] / 1e9:.3g} GB ({est['entries']:.3g} entries) > the budget "
            f"{max_bytes / 1e9:.3g} GB: lower the degree or raise max_bytes")


def clear_axisymmetric_cache() -> None:
    """Forget every cached ``m = 0`` tensor."""
    _CACHE.clear()


class AxisymmetricCollisionOperator(TensorOperator):
    """Bilinear collision operator of Maxwell molecules on axisymmetric states (module docstring).

    The coefficient vectors have the layout of :func:`axisymmetric_labels` (size
    ``(floor(K/2) + 1)^2`` or ``(floor(K/2) + 1)(floor(K/2) + 2)``); the operator is exact on
    degrees ``<= K`` and independent of ``T_ref``, like
    :class:`kacspectral.boltzmann.anisotropic.collision.CollisionOperator`, whose evaluation API
    it shares (``gain``, ``collision``, ``gain_matrix``, ``gain_matrix_left``).  The tensor is
    built once per ``(degree, kernel)`` and cached.

    Parameters
    ----------
    degree : int
        ``K``: keeps ``2n + l <= K``.
    kernel : str, AngularKernel, sympy expression or callable
        Resolved by :func:`kacspectral.physics.kernels.get_kernel`.
    max_bytes : int or None
        Memory budget of the build (default
        :data:`kacspectral.boltzmann.anisotropic.collision_tensor.MAX_TENSOR_BYTES`, 2 GiB;
        ``K = 60`` needs 52 MB, ``K = 100`` 0.58 GB); the size is estimated first
        (:func:`estimate_axisymmetric_size`) and a ValueError raised above the budget.
    """

    def __init__(self, degree: int, kernel: object = "constant", max_bytes: int | None = None):
        self.degree = _check_degree(degree)
        self.kernel = get_kernel(kernel)
        self.labels = axisymmetric_labels(self.degree)
        self.size = len(self.labels)
        self._tensor = cached_tensor(
            _CACHE, (self.degree, kernel_key(self.kernel)), self.kernel,
            lambda: _AxisymmetricTensor(self.degree, self.kernel),
            lambda budget: _check_budget(self.degree, self.kernel.is_even, budget), max_bytes)

    def index(self, n: int, l: int) -> int:
        """Position of ``psi_{nl0}`` in the coefficient vector."""
        if not (0 <= n and 0 <= l and 2 * n + l <= self.degree):
            raise ValueError(f"(n, l) = {(n, l)} is not in the truncation degree={self.degree}")
        return int(axisymmetric_index(n, l))

    def collision_jacobian(self, a: ArrayLike) -> sps.csr_matrix:
        """Sparse Jacobian of ``a -> Q(f_a, f_a)``: ``gain_matrix(a) + gain_matrix_left(a)
        - nu (a_0 I + a e_0^T)`` (the gain part from the symmetric storage only)."""
        x = self._check(a, "a")
        if x.ndim != 1:
            raise ValueError(f"a must have shape ({self.size},), got {x.shape}")
        loss = sps.diags(np.full(self.size, x[0])) + sps.csr_matrix(
            (x, (np.arange(self.size), np.zeros(self.size, dtype=int))),
            shape=(self.size, self.size))
        return (self._tensor.quadratic_jacobian(x) - self.nu * loss).tocsr()

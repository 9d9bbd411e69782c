"""Hermite-Bobylev discretisation of the Boltzmann collision operator for Maxwell molecules.

Discretisation (conventions page, sections 1 and 3)
-----------------------------------------
A state is ``f(v) = M_{T_ref}(v) sum_j a_j psi_j(v)`` with ``psi_j`` orthonormal in
``L^2(M_{T_ref})``: the Burnett functions ``psi_nlm`` (Laguerre times real solid harmonics,
:mod:`kacspectral.spectral.burnett`), which span exactly the tensor Hermite polynomials
``prod_i He_{alpha_i}(v_i/sqrt(T_ref))`` of each total degree (probabilists' He_n, weight
``M_{T_ref}``), with the sign convention of :mod:`kacspectral.spectral.hermite`.  Their Fourier
transforms are ``exp(-|eta|^2/2) (-i)^d e_j(eta)``, ``eta = sqrt(T_ref) xi``, ``d = 2n + l``,
with ``e_j = (-1)^n |eta|^(2n) Ys_lm(eta) / N_nl`` Fischer-orthonormal homogeneous polynomials
of degree ``d``; so ``f^(xi) = exp(-T_ref |xi|^2/2) P(eta)`` and the degree-``d`` block of ``a``
is the homogeneous part of ``P`` of degree ``d``.

Collision tensor (Bobylev's formula: seed 003, eqs. (1.8)-(1.9); conventions page, section 3)
------------------------------------------------------------------------------------
For ``Q = Q+ - Q-`` of seed 003, eq. (1.2), with ``g^(xi) = exp(-T_ref|xi|^2/2) R(eta)``,
``Q+(f,g)^(xi) = exp(-T_ref|xi|^2/2) int P(eta+) R(eta-) b(sigma.eta/|eta|) dsigma`` maps the
homogeneous parts of degrees ``d1`` and ``d2`` to degree ``d1 + d2`` (the phases
``(-i)^d1 (-i)^d2 = (-i)^(d1+d2)`` cancel), so

    Q+(f,g)_j = sum_{i,k} T[j,i,k] a_i b_k,
    T[j,i,k] = < e_j, int e_i(eta+) e_k(eta-) b dsigma >_F,   deg j = deg i + deg k,

independent of ``T_ref``.  The coefficients of degree ``<= K`` of ``Q+`` need only the inputs'
coefficients of degree ``<= K``: the truncated operator is *exact* on the retained degrees.
Rotation invariance (Wigner-Eckart) gives
``T[(n l m),(n1 l1 m1),(n2 l2 m2)] = t(n l; n1 l1; n2 l2) G(l m; l1 m1; l2 m2)`` with ``G`` the real
Gaunt coefficient ``int Y_lm Y_l1m1 Y_l2m2 dsigma``; the reduced ``t`` are computed from
axisymmetric (m = 0) data by a product quadrature exact for polynomial kernels:
Gauss-Jacobi in ``s`` (the kernel's rule), trapezoid in the azimuth of ``sigma`` about ``eta``,
Gauss-Legendre in ``cos(theta)`` of ``eta``.

Storage: rotation invariance is used to *build* the tensor (only the reduced coefficients
``t`` are integrated; ``CollisionOperator.reduced_count``, e.g. ~1.9e4 at ``K = 24``), but the
tensor is *stored and applied* m-expanded: a degree-graded sparse CSR matrix (only
``deg j = deg i + deg k`` couplings, ``CollisionOperator.nnz``, e.g. ~2.3e6 at ``K = 24``) over
unordered input pairs, split into the parts symmetric and antisymmetric in the two inputs (the
latter vanishes for even kernels); ``Q(f, f)`` uses the symmetric part only.  Evaluating
through ``t`` times Gaunt coefficients on the fly is not implemented.  The non-zeros grow like
``K^6`` (full 3D) or ``K^3 l_max^3``; the build checks a memory budget first
(:func:`kacspectral.boltzmann.anisotropic.collision_tensor.estimate_tensor_size`).

Loss term: ``Q(f,g) = Q+(f,g) - nu mass(g) f`` with ``nu = (1/2) int b ds`` evaluated by the same
quadrature (1 to rounding for exact kernels), so ``Q(M, M) = 0`` and conservation of mass,
momentum and energy hold to rounding by construction.
"""

from __future__ import annotations

import scipy.sparse as sps
from numpy.typing import ArrayLike

from kacspectral.boltzmann.anisotropic.collision_tensor import (
    BobylevTensor,
    TensorOperator,
    cached_tensor,
    estimate_tensor_size,
    kernel_key,
    reduced_coefficients,
)
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.spectral.hermite_space import HermiteSpace

__all__ = ["CollisionOperator", "HermiteSpace", "clear_operator_cache", "reduced_coefficients"]

_CACHE: dict = {}


#: Degree at which the (monotone) size estimate is probed first: counting the couplings of a
#: full space of degree 200 takes a minute, and degree 40 alone exceeds the budget.
_PROBE_DEGREE = 40


def _check_tensor_budget(space: HermiteSpace, even: bool, max_bytes: float) -> None:
    if space.degree > _PROBE_DEGREE:
        lm = None if space.l_max is None else min(space.l_max, _PROBE_DEGREE)
        low = estimate_tensor_size(_PROBE_DEGREE, lm, even)
        if low["bytes"] > max_bytes:
            raise ValueError(
                f"the collision tensor for degree={space.degree}, l_max={space.l_max} would "
                f"need more than {low['bytes'] / 1e9:.3g} GB (its size at degree "
                f"{_PROBE_DEGREE} alone) > the budget {max_bytes / 1e9:.3g} GB: lower the "
                f"degree or use a harmonic truncation l_max / --l-max")
    est = estimate_tensor_size(space.degree, space.l_max, even)
    if est["bytes"] <= max_bytes:
        return
    hint = ""
    if space.effective_l_max > 4:
        small = estimate_tensor_size(space.degree, 4, even)["bytes"]
        hint = f" (l_max = 4 needs about {small / 1e6:.3g} MB)"
    raise ValueError(
        f"the collision tensor for degree={space.degree}, l_max={space.l_max} would need about "
        f"{est['bytes'] / 1e9:.3g} GB ({est['entries']:.3g} entries) > the budget "
        f"{max_bytes / 1e9:.3g} GB: lower the degree or use a harmonic truncation "
        f"l_max / --l-max{hint}, or raise max_bytes"
    )


def clear_operator_cache() -> None:
    """Forget every cached collision tensor."""
    _CACHE.clear()


class CollisionOperator(TensorOperator):
    """Bilinear collision operator on a :class:`HermiteSpace` for an angular kernel ``b``.

    The tensor ``T[j,i,k]`` is built once per ``(degree, l_max, kernel)`` (it does not depend
    on ``T_ref``) and cached; it is stored as a CSR matrix acting on the products
    ``a_i b_k`` of the input pairs that occur.

    Parameters
    ----------
    space : HermiteSpace
    kernel : str, AngularKernel, sympy expression or callable
        Resolved by :func:`kacspectral.physics.kernels.get_kernel`.
    max_bytes : int or None
        Memory budget of the build (default
        :data:`kacspectral.boltzmann.anisotropic.collision_tensor.MAX_TENSOR_BYTES`, 2 GiB).  The
        non-zeros grow like
        ``K^6`` in the full 3D space (``K = 40``: 1.1e8 entries, ~5 GB); the size is estimated
        first (:func:`kacspectral.boltzmann.anisotropic.collision_tensor.estimate_tensor_size`) and
        a ValueError
        raised above the budget.
    """

    def __init__(self, space: HermiteSpace, kernel: object = "constant",
                 max_bytes: int | None = None):
        if not isinstance(space, HermiteSpace):
            raise TypeError(f"space must be a HermiteSpace, got {space!r}")
        self.space = space
        self.size = space.size
        self.kernel = get_kernel(kernel)
        self._tensor = cached_tensor(
            _CACHE, (space.degree, space.effective_l_max, kernel_key(self.kernel)), self.kernel,
            lambda: BobylevTensor(space, self.kernel),
            lambda budget: _check_tensor_budget(space, self.kernel.is_even, budget), max_bytes)

    def reservoir_gain_matrix(self, reservoir: MaxwellianMixture | ArrayLike) -> sps.csr_matrix:
        """Sparse (CSR) ``G`` with ``G @ a`` = coefficients of ``Q+(f_a, R)``, exact.

        ``R`` is isotropic, so ``G`` maps ``psi_{n1 l m}`` to ``psi_{n l m}`` only (same ``l, m``;
        0.17% non-zeros at ``K = 16``): it is kept sparse, never densified.

        The reservoir term of seed 003, eqs. (1.3)-(1.4): ``gamma Q(f, R) = gamma (G a - a)``
        for a probability density ``R``.

        ``R = sum_a w_a M_{T_a}`` (a :class:`~kacspectral.physics.reservoirs.MaxwellianMixture`, or
        a
        coefficient vector).  The degree-``d`` output needs ``R``'s coefficients of degree
        ``<= d`` only, which :meth:`HermiteSpace.mixture` gives in closed form, so the result
        has no projection error although ``T_a != T_ref``.
        """
        if isinstance(reservoir, MaxwellianMixture):
            r = self.space.reservoir(reservoir)
        else:
            r = self._check(reservoir, "reservoir")
        g = self.gain_matrix(r).tocsr()
        g.eliminate_zeros()
        return g

"""The corrected GTW distance d'_GTW and the decay of momentum and energy (seed 003, section 2).

Definition
----------
For states ``f, g`` whose mass, momentum or second moments may differ (seed 003, section 2,
after Carlen, Gabetta and Toscani), with ``h = f - g`` and our transform
``h^(xi) = int h e^{-i xi.v} dv``:

    M^[h](xi) = chi(xi) sum_{|alpha| <= 2} (int v^alpha h dv) (-i xi)^alpha / alpha!
              = chi(xi) [m_0 - i xi.p - xi^T S xi / 2],                                   (C1)

``m_0 = int h``, ``p = int v h``, ``S = int v v^T h``: the Taylor polynomial of degree 2 of
``h^`` at 0 times a cut-off.  **Sign convention**: the seed writes ``xi^alpha/alpha!``, which is
the Taylor polynomial for the transform without the ``(-i)^|alpha|`` factors; with our
``e^{-i xi.v}`` transform the factors ``(-i)^|alpha|`` are needed for ``h^ - M^[h]`` to vanish to
third order at 0.  Then

    d'(f, g) = sup_{xi != 0} |h^(xi) - M^[h](xi)| / |xi|^2 + |M[h]|,                      (C2)

with ``|M[h]| = |m_0| + |p| + |S|_F`` (Euclidean and Frobenius norms; the seed leaves the norm
open, any norm of the finitely many moments is equivalent).

Cut-off ``chi``.  ``chi(xi) = psi(|xi| / k_chi)`` with the C^infinity step
``psi(x) = 1`` (``x <= 1``), ``0`` (``x >= 2``), ``g(2-x)/(g(2-x)+g(x-1))`` between,
``g(t) = exp(-1/t)``.  The radius ``k_chi`` (default ``1/sqrt(T)``, ``T`` a temperature of the
data) changes the constant in ``d'(f(t), f_inf) <= C e^{-r t}`` but not the rate ``r``:
``validation/entropy_budget.py`` and the tests fit ``r`` for two radii.

Decay of momentum and energy under seed 003, eq. (1.4)
------------------------------------------------------
By (H1) of :mod:`kacspectral.boltzmann.entropy` and its momentum analogue, with ``u[R] = 0``
(the self-collision term conserves both):

    d/dt int v f = -gamma (1-beta_1)/2 int v f,
    d/dt (m_2 - m_2[R]) = -gamma (1-beta_1)/2 (m_2 - m_2[R]),                              (C3)

``beta_1 = (1/2) int s b ds``.  The seed's ``lambda_0 = (1/2)(1 - (1/2) int s b ds) =
(1-beta_1)/2`` omits the factor ``gamma`` of its own Lemma 1.1: the actual rate is
``gamma lambda_0``, and since ``beta = B_10 = (1+beta_1)/2``,

    gamma lambda_0 = gamma (1 - beta) = 1 - lambda = lambda_1:

the moments decay exactly at the GTW contraction rate ``lambda_1``, and
``min(gamma lambda_0, lambda_1) = lambda_1`` (``min(lambda_0, lambda_1) = lambda_1`` too, since
``gamma < 1``).  Because the two rates coincide, the Duhamel step of the seed's argument (a
contraction at rate ``lambda_1`` forced by a source ``|W^| <= C'|xi|^2 e^{-lambda_1 t}``) gives
``(C + C' t) e^{-lambda_1 t}``, not ``C e^{-lambda_1 t}``: the proof yields every rate below
``lambda_1``.  Numerically the moment part ``|p(t)| = |p(0)| e^{-lambda_1 t}`` is a lower bound
of ``d'`` and the fitted rate tends to ``lambda_1`` from above (0.1687 against 1/6, kac,
``gamma = 1/2``; ``validation/entropy_budget.py``).

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.gtw import gtw_distance
from kacspectral.results import ResultMixin

__all__ = [
    "CorrectedDistance",
    "corrected_gtw_distance",
    "cutoff",
    "moment_decay_rate",
    "moment_correction",
]


def cutoff(k: ArrayLike, radius: float) -> NDArray:
    """``chi = psi(k / radius)``: the C^infinity step of the module docstring."""
    x = np.asarray(k, dtype=float) / float(radius)
    out = np.where(x <= 1.0, 1.0, 0.0)
    mid = (x > 1.0) & (x < 2.0)
    if np.any(mid):
        a = np.exp(-1.0 / (2.0 - x[mid]))
        b = np.exp(-1.0 / (x[mid] - 1.0))
        out = out.astype(float)
        out[mid] = a / (a + b)
    return out


def _parts(m: Mapping) -> tuple[float, NDArray, NDArray]:
    return (float(m["mass"]), np.asarray(m["momentum"], dtype=float).reshape(3),
            np.asarray(m["second"], dtype=float).reshape(3, 3))


def moment_correction(moments_f: Mapping, moments_g: Mapping, radius: float
                      ) -> Callable[[NDArray], NDArray]:
    """``xi -> M^[f - g](xi)`` of (C1) (complex, ``xi`` of shape ``(..., 3)``)."""
    m0f, pf, sf = _parts(moments_f)
    m0g, pg, sg = _parts(moments_g)
    dm, dp, ds = m0f - m0g, pf - pg, sf - sg

    def corr(xi: NDArray) -> NDArray:
        xi = np.asarray(xi, dtype=float)
        k = np.sqrt(np.sum(xi * xi, axis=-1))
        quad = np.einsum("...i,ij,...j->...", xi, ds, xi)
        return cutoff(k, radius) * (dm - 1j * (xi @ dp) - 0.5 * quad)

    return corr


@dataclass(frozen=True)
class CorrectedDistance(ResultMixin):
    """``d' = sup_part + moment_part`` (C2); ``radius`` is the cut-off radius ``k_chi``."""

    distance: float
    sup_part: float
    moment_part: float
    radius: float


def corrected_gtw_distance(
    fourier_f: Callable[[NDArray], NDArray],
    fourier_g: Callable[[NDArray], NDArray],
    moments_f: Mapping,
    moments_g: Mapping,
    *,
    radius: float | None = None,
    **options,
) -> CorrectedDistance:
    """``d'_GTW(f, g)`` of (C2); the supremum by
    :func:`kacspectral.boltzmann.gtw.gtw_distance` (3D path) applied to ``f^ - M^[f-g]`` and ``g^``
    (whose moments up to order 2 agree).  ``radius`` is ``k_chi`` (default ``1/sqrt(T)``,
    ``T = max(tr S_f, tr S_g)/3``).

    Parameters
    ----------
    fourier_f, fourier_g : callable
        Vectorised Fourier transforms ``xi -> f^(xi) = int f e^{-i xi.v} dv`` (conventions page,
        section 4) of the two states, taking ``xi`` of shape ``(..., 3)`` and returning complex
        values of shape ``(...)``.
    moments_f, moments_g : mapping
        The moments of ``f`` and ``g`` up to order 2: ``'mass'`` (``int f dv``, a float),
        ``'momentum'`` (``int v f dv``, shape ``(3,)``) and ``'second'`` (``int v v^T f dv``,
        shape ``(3, 3)``), e.g. :meth:`kacspectral.spectral.hermite_space.HermiteSpace.moments`.
        They may differ (that is the point of ``d'``); the difference enters through ``M^[h]``
        of (C1) and ``|M[h]|`` of (C2).
    radius : float, optional
        The cut-off radius ``k_chi > 0`` of ``chi`` (units of ``|xi|``, i.e. inverse velocity).
        Default ``1/sqrt(T)`` with ``T = max(tr S_f, tr S_g)/3``.
    **options
        Passed to :func:`kacspectral.boltzmann.gtw.gtw_distance` on its 3D path: ``rtol``,
        ``n_refine``, ``n_directions``, ``n_radial``, ``k_min``, ``k_max``, ``tail_fraction``
        (``require`` is fixed to ``"tensor"``; isotropic-path options raise ValueError).

    Returns
    -------
    CorrectedDistance
        ``distance = sup_part + moment_part`` of (C2), with ``sup_part`` the supremum term,
        ``moment_part = |M[f - g]|`` and the ``radius`` used.

    Raises
    ------
    ValueError
        If ``radius`` is not positive and finite, or an option does not apply to the 3D path.
    """
    m0f, pf, sf = _parts(moments_f)
    m0g, pg, sg = _parts(moments_g)
    if radius is None:
        radius = 1.0 / math.sqrt(max(np.trace(sf), np.trace(sg)) / 3.0)
    radius = float(radius)
    if not (math.isfinite(radius) and radius > 0):
        raise ValueError(f"chi radius must be positive and finite, got {radius!r}")
    corr = moment_correction(moments_f, moments_g, radius)
    res = gtw_distance(lambda xi: np.asarray(fourier_f(xi)) - corr(xi), fourier_g,
                       moments_g, moments_g, require="tensor", **options)
    mom = abs(m0f - m0g) + float(np.linalg.norm(pf - pg)) + float(np.linalg.norm(sf - sg))
    return CorrectedDistance(res.distance + mom, res.distance, mom, radius)


def moment_decay_rate(gamma: float, kernel) -> float:
    """``gamma (1 - beta_1)/2`` (C3): the exact decay rate of momentum and ``m_2 - m_2[R]``."""
    from kacspectral.boltzmann.entropy import beta_1

    return float(gamma) * (1.0 - beta_1(kernel)) / 2.0

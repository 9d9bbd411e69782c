"""Burnett basis of ``L^2(M_T)``: Laguerre polynomials times real solid harmonics.

Conventions (conventions page, sections 1 and 3)
--------------------------------------
* ``x = v / sqrt(T)`` (``T`` the reference temperature), ``M_T`` the centred Maxwellian.
* **Real spherical harmonics** ``Y_lm`` are orthonormal for the *uniform probability measure*
  ``dsigma`` on S^2 (so ``Y_00 = 1``), without Condon-Shortley phase; ``m > 0`` carries
  ``cos(m phi)``, ``m < 0`` carries ``sin(|m| phi)``.  In particular
  ``(Y_{1,1}, Y_{1,-1}, Y_{1,0}) = sqrt(3) (x, y, z)/|x|``.  The *solid* harmonics are
  ``Ys_lm(x) = |x|^l Y_lm(x/|x|)``, homogeneous polynomials of degree ``l``.  They and the
  zonal ``Pbar_l`` are those of :mod:`kacspectral.spectral.harmonics`, the Burnett
  normalisation ``N_l`` that of :mod:`kacspectral.spectral.hermite` (the single
  implementations; re-exported here as ``real_solid_harmonics``, ``harmonic_index``,
  ``legendre_normalized``).
* **Fischer inner product** on polynomials in ``eta``: ``<eta^alpha, eta^beta>_F = alpha!
  delta_{alpha beta}``.  The map ``H_alpha(x) -> eta^alpha / sqrt(alpha!)`` from the orthonormal
  tensor Hermite polynomials ``H_alpha(x) = prod_i He_{alpha_i}(x_i)/sqrt(alpha_i!)`` of
  ``L^2(M_T)`` to polynomials is an isometry, and it is the Fourier transform:
  ``int M_T(v) H_alpha(x) exp(-i xi.v) dv = exp(-|eta|^2/2) (-i eta)^alpha / sqrt(alpha!)``,
  ``eta = sqrt(T) xi``.
* **Fourier basis** ``e_nlm(eta) = (-1)^n |eta|^(2n) Ys_lm(eta) / N_nl`` with
  ``N_nl^2 = ||  |eta|^(2n) Ys_lm ||_F^2 = 2^n n! (2n+2l+1)!!``: Fischer-orthonormal
  homogeneous polynomials of degree ``2n + l``.
* **Burnett functions** (the convention of :mod:`kacspectral.spectral.hermite`)

      psi_nlm(v) = sqrt(sqrt(pi) / 2^(l+1)) q_n^(l+1/2)(|x|^2/2) Ys_lm(x),

  ``q_n^(a)`` the orthonormal Laguerre polynomials of :mod:`kacspectral.spectral.polynomials`
  (``q_n(0) > 0``): orthonormal in ``L^2(M_T)``, of degree ``d = 2n + l``, orthogonal to all lower
  degrees, with top-degree part ``(-1)^n |x|^(2n) Ys_lm(x) / N_nl = e_nlm(x)`` (the leading
  coefficient of ``L_n^(a)(y)`` is ``(-1)^n/n!``).  Hence, by the isometry above,

      int M_T psi_nlm exp(-i xi.v) dv = exp(-|eta|^2/2) (-i)^d e_nlm(eta)
                                      = exp(-|eta|^2/2) (-i)^l |eta|^(2n) Ys_lm(eta) / N_nl.

Coefficient layout
------------------
A truncation ``(K, l_max)`` keeps ``{(n, l, m) : 2n + l <= K, l <= l_max, |m| <= l}``, ordered by
total degree ``2n + l``, then ``l``, then ``m = -l..l`` (:func:`basis_labels`).  The coefficients
of one degree form a contiguous block: the Fischer coefficients of the degree-``d`` homogeneous
part of ``P`` in ``f^(xi) = exp(-T|xi|^2/2) P(sqrt(T) xi)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from kacspectral.errors import short
from kacspectral.spectral.harmonics import harmonic_index, solid_harmonics, zonal_harmonics
from kacspectral.spectral.hermite import (  # noqa: F401  (burnett_functions: kept importable)
    burnett_functions,
    burnett_norm,
)

__all__ = [
    "basis_labels",
    "fischer_norm",
    "harmonic_index",
    "legendre_normalized",
    "project_homogeneous",
    "real_gaunt_phi",
    "real_solid_harmonics",
    "sphere_quadrature",
]


@lru_cache(maxsize=65536)
def fischer_norm(n: int, l: int) -> float:
    """``N_nl = || |eta|^(2n) Ys_lm(eta) ||_F = sqrt(2^n n! (2n+2l+1)!!)``.

    Expressed through the Burnett normalisation ``N_l`` of
    :func:`kacspectral.spectral.hermite.burnett_norm`: the top-degree coefficient of ``psi_nlm`` is
    ``N_l (-1)^n 2^(-n) / sqrt(n! Gamma(n+l+3/2))`` times ``|x|^(2n) Ys_lm`` (the leading
    coefficient of ``L_n^(a)`` is ``(-1)^n/n!``) and equals ``(-1)^n / N_nl`` (module
    docstring), so ``N_nl = 2^n sqrt(n! Gamma(n+l+3/2)) / N_l``
    (``(2k+1)!! = 2^(k+1) Gamma(k+3/2)/sqrt(pi)``).  Logs avoid overflow.
    """
    log_nl = n * math.log(2.0) + 0.5 * (math.lgamma(n + 1) + math.lgamma(n + l + 1.5))
    return math.exp(log_nl - math.log(burnett_norm(l)))


#: ``Ys_lm(x) = |x|^l Y_lm(x/|x|)``: :func:`kacspectral.spectral.harmonics.solid_harmonics` (same
#: conventions: uniform probability measure on S^2, no Condon-Shortley phase, row
#: ``harmonic_index(l, m) = l^2 + l + m``).
real_solid_harmonics = solid_harmonics

#: ``Pbar_l(mu) = sqrt(2l+1) P_l(mu) = Y_l0`` at ``cos(theta) = mu``, ``l <= l_max``
#: (``(1/2) int Pbar_l^2 dmu = 1``): :func:`kacspectral.spectral.harmonics.zonal_harmonics`.
legendre_normalized = zonal_harmonics


def sphere_quadrature(degree: int, azimuth_offset: float = 0.5) -> tuple[NDArray, NDArray]:
    """Product rule on S^2 for the uniform probability measure, exact to degree ``degree``
    (the package's one sphere rule).

    Gauss-Legendre in ``z = cos(theta)`` (``degree//2 + 1`` nodes) times the trapezoid rule in
    the azimuth, ``phi_k = 2 pi (k + azimuth_offset)/(degree + 1)``, ``k = 0..degree``: exact
    for every polynomial in ``Omega`` of degree ``<= degree`` (the trapezoid is exact for
    trigonometric degree ``<= degree`` whatever the offset; the Boltzmann tensor uses 0.5, the
    Kac thermostat 0).  Points ``z``-major; weights sum to 1.

    Returns
    -------
    points : ndarray, shape ``(N, 3)``; weights : ndarray, shape ``(N,)``
    """
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
        raise ValueError(f"degree must be a non-negative integer, got {short(degree)}")
    z, wz, phi = _sphere_rule_factors(int(degree), azimuth_offset)
    pts = _sphere_points(z, phi)
    w = np.repeat(0.5 * wz / len(phi), len(phi))
    return pts, w


def _sphere_rule_factors(
    degree: int, azimuth_offset: float = 0.5
) -> tuple[NDArray, NDArray, NDArray]:
    """Factors of :func:`sphere_quadrature`: Gauss-Legendre ``(z, wz)`` (``degree//2 + 1``
    nodes, weights summing to 2) and the ``degree + 1`` trapezoid angles ``phi``."""
    nz, nphi = degree // 2 + 1, degree + 1
    z, wz = special.roots_legendre(nz)
    phi = 2.0 * np.pi * (np.arange(nphi) + azimuth_offset) / nphi
    return z, wz, phi


def _sphere_points(z: NDArray, phi: NDArray) -> NDArray:
    """Product grid ``(len(z) * len(phi), 3)``, ``z`` major."""
    rho = np.sqrt(1.0 - z * z)
    return np.stack([np.outer(rho, np.cos(phi)), np.outer(rho, np.sin(phi)),
                     np.outer(z, np.ones(len(phi)))], axis=-1).reshape(-1, 3)


def basis_labels(degree: int, l_max: int | None = None) -> list[tuple[int, int, int]]:
    """Labels ``(n, l, m)`` of the truncation ``2n + l <= degree``, ``l <= l_max``.

    Ordered by total degree ``2n + l``, then ``l``, then ``m = -l..l`` (module docstring).
    """
    lm = degree if l_max is None else min(l_max, degree)
    out: list[tuple[int, int, int]] = []
    for d in range(degree + 1):
        for l in range(d % 2, min(d, lm) + 1, 2):
            n = (d - l) // 2
            out.extend((n, l, m) for m in range(-l, l + 1))
    return out


def project_homogeneous(
    func: Callable[[int, NDArray], NDArray],
    labels: list[tuple[int, int, int]],
) -> NDArray:
    """Fischer coefficients ``<e_nlm, h_d>_F`` of homogeneous polynomials ``h_d``.

    ``func(d, u)`` returns ``h_d(u)`` at unit vectors ``u`` (shape ``(N, 3)``) for each degree
    ``d``.  Since ``h_d|_{S^2} = sum beta_lm Y_lm`` and
    ``h_d = sum_lm beta_lm (-1)^n N_nl e_nlm``,
    ``<e_nlm, h_d>_F = (-1)^n N_nl int h_d Y_lm dsigma``, computed with the exact product rule of
    :func:`sphere_quadrature` (degree ``d + l_max``) for each degree ``d``, evaluated
    separably (azimuthal sums, then Gauss-Legendre in ``cos theta``): ``O(d^3)`` per degree.

    Returns
    -------
    ndarray, shape ``(len(labels),)``: the coefficient of each label (of degree ``2n + l``).
    """
    out = np.zeros(len(labels))
    by_degree: dict[int, list[int]] = {}
    for k, (n, l, _) in enumerate(labels):
        by_degree.setdefault(2 * n + l, []).append(k)
    for d, ks in by_degree.items():
        lab = np.array([labels[k] for k in ks], dtype=int).reshape(-1, 3)
        lmax_d = int(lab[:, 1].max())
        deg = d + lmax_d  # h_d Y_l has degree <= d + lmax_d: the rule below is exact
        z, wz, phi = _sphere_rule_factors(deg)  # the rule of sphere_quadrature(deg)
        nz, nphi = len(z), len(phi)
        vals = np.asarray(func(d, _sphere_points(z, phi)), dtype=float).reshape(nz, nphi)
        # separable: Y_lm = Theta_l^|m|(z) t_m(phi); azimuthal sums first, then Gauss-Legendre
        ms = np.arange(-lmax_d, lmax_d + 1)
        arg = np.outer(np.abs(ms), phi)
        trig = np.where((ms > 0)[:, None], math.sqrt(2.0) * np.cos(arg),
                        np.where((ms < 0)[:, None], math.sqrt(2.0) * np.sin(arg), 1.0))
        cm = vals @ trig.T / nphi  # (nz, 2L+1)
        theta = associated_legendre_normalized(lmax_d, z) * (wz / 2.0)  # ((L+1)^2, nz)
        rows = lab[:, 1] ** 2 + lab[:, 1] + lab[:, 2]
        beta = np.einsum("ri,ir->r", theta[rows], cm[:, lab[:, 2] + lmax_d])
        norms = np.array([(-1) ** n * fischer_norm(n, l) for n, l, _ in lab])
        out[ks] = norms * beta
    return out


def trig_basis(m: int, phi: NDArray) -> NDArray:
    """``1`` (m = 0), ``sqrt(2) cos(m phi)`` (m > 0), ``sqrt(2) sin(|m| phi)`` (m < 0)."""
    if m == 0:
        return np.ones_like(phi)
    if m > 0:
        return math.sqrt(2.0) * np.cos(m * phi)
    return math.sqrt(2.0) * np.sin(-m * phi)


def real_gaunt_phi(l_max: int) -> NDArray:
    """``Phi[m, m1, m2] = (1/2pi) int t_m t_m1 t_m2 dphi`` for ``|m|, |m_i| <= l_max``.

    ``t_m`` from :func:`trig_basis`; index ``m + l_max``.  Trapezoid rule with ``3 l_max + 1``
    nodes: exact for the trigonometric polynomial of degree ``<= 3 l_max``.
    """
    nphi = 3 * l_max + 1
    phi = 2.0 * np.pi * np.arange(nphi) / nphi
    t = np.array([trig_basis(m, phi) for m in range(-l_max, l_max + 1)])
    out = np.einsum("ap,bp,cp->abc", t, t, t, optimize=True) / nphi
    out[np.abs(out) < 1e-14] = 0.0
    return out


def associated_legendre_normalized(l_max: int, mu: ArrayLike) -> NDArray:
    """``Theta_l^m(mu)`` for ``0 <= m <= l <= l_max`` with ``Y_lm = Theta_l^|m| t_m(phi)``.

    Returned with harmonic layout (row ``l^2 + l + m`` for ``m >= 0``; rows with ``m < 0`` hold
    ``Theta_l^|m|`` too), from :func:`real_solid_harmonics` on the meridian ``phi = 0``.
    """
    mu = np.asarray(mu, dtype=float)
    pts = np.stack([np.sqrt(1.0 - mu * mu), np.zeros_like(mu), mu], axis=-1)
    ys = solid_harmonics(l_max, pts)
    out = np.empty_like(ys)
    for l in range(l_max + 1):
        out[harmonic_index(l, 0)] = ys[harmonic_index(l, 0)]
        for m in range(1, l + 1):
            val = ys[harmonic_index(l, m)] / math.sqrt(2.0)
            out[harmonic_index(l, m)] = val
            out[harmonic_index(l, -m)] = val
    return out

"""Axisymmetric Hermite-Laguerre basis about a shifted Maxwellian, for the kinetic solver of (5.1).

With the field along ``e_z`` every term of seed 003, eq. (5.1) maps functions axisymmetric about
the z axis to such functions, so the states are ``f(v) = M_ref(v) sum_j a_j phi_j(v)``,
``M_ref = M_{u_ref e_z, T_ref}``, with the orthonormal (in ``L^2(M_ref)``) functions

    phi_{pk}(v) = He_p(x)/sqrt(p!) L_k(s),   x = (v_z - u_ref)/sqrt(T_ref),
                                             s = |v_perp|^2 / (2 T_ref),   p + 2k <= K

(probabilists' Hermite, Laguerre ``L_k = L_k^(0)``): all axisymmetric polynomials of degree
``<= K`` in ``v - u_ref``, the same span as the Burnett functions ``psi_{nl0}``, ``2n + l <= K``,
of :mod:`kacspectral.spectral.burnett` (conventions page ``docs/conventions.md``, section 3).
The coefficients are ``a_j = int phi_j f dv`` and the mass is ``a_00``.

Quadrature: Gauss-Hermite in ``x`` times Gauss-Laguerre in ``s`` (``nodes`` points each) for
``int M_ref g dv``; exact for polynomials of degree ``< 2 nodes`` in ``x`` and in ``s``.

The Maxwell-molecule collision tensor (its axisymmetric part,
:mod:`kacspectral.boltzmann.anisotropic.axisymmetric`) does not depend on ``T_ref`` and, ``Q``
being Galilean invariant, applies unchanged to coefficients about ``M_{u_ref, T_ref}``; it acts
on the Burnett coefficients ``psi_{nl0}``, reached by the
orthogonal change of basis ``U_ij = int M_ref phi_i psi_j`` (computed by the exact quadrature;
its orthogonality is checked to 1e-11).

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from kacspectral.efield.problem import _finite
from kacspectral.errors import short
from kacspectral.results import ResultMixin
from kacspectral.spectral.burnett import basis_labels, burnett_functions
from kacspectral.spectral.polynomials import (
    gauss_hermite_e,
    gauss_laguerre,
    hermite_e_orthonormal,
    laguerre_orthonormal,
)

__all__ = ["AxisymmetricBasis"]


@dataclass(frozen=True)
class AxisymmetricBasis(ResultMixin):
    """The basis ``phi_{pk}`` about ``M_{u_ref e_z, T_ref}`` (module docstring).

    Parameters
    ----------
    degree : int
        ``K``: keeps ``p + 2k <= K``.
    u_ref, t_ref : float
        Drift (along ``e_z``) and temperature of the reference Maxwellian.
    nodes : int or None
        Points per direction of the product quadrature (default
        ``max(2K + 24, 64, 36 sqrt(t_ref))``, so that a ``D`` varying on the scale ``|v| ~ 1``
        is resolved at high ``t_ref``; the operators converge in ``nodes``, see the tests).
    """

    degree: int
    u_ref: float = 0.0
    t_ref: float = 1.0
    nodes: int | None = None

    def __post_init__(self) -> None:
        K = self.degree
        if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 2 <= K <= 60:
            raise ValueError(f"degree must be an integer in [2, 60], got {K!r}")
        object.__setattr__(self, "degree", int(K))
        object.__setattr__(self, "u_ref", _finite(self.u_ref, "u_ref"))
        object.__setattr__(self, "t_ref", _finite(self.t_ref, "t_ref", positive=True))
        n = self.nodes
        if n is None:
            n = max(2 * K + 24, 64, int(math.ceil(36 * math.sqrt(float(self.t_ref)))))
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= K:
            raise ValueError(f"nodes must be an integer > degree = {K}, got {short(self.nodes)}")
        object.__setattr__(self, "nodes", int(n))

    # ------------------------------------------------------------------ layout
    @cached_property
    def labels(self) -> list[tuple[int, int]]:
        """``(p, k)`` of each function, by degree ``p + 2k`` then ``k``; ``labels[0] = (0, 0)``."""
        K = self.degree
        return [(d - 2 * k, k) for d in range(K + 1) for k in range(d // 2 + 1)]

    @property
    def size(self) -> int:
        return len(self.labels)

    def index(self, p: int, k: int) -> int:
        return self.labels.index((p, k))

    @cached_property
    def degrees(self) -> NDArray:
        return np.array([p + 2 * k for p, k in self.labels])

    # ------------------------------------------------------------------ values
    def _factors(self, vz: NDArray, rho2: NDArray) -> tuple[NDArray, NDArray]:
        """Orthonormal ``He_p(x)/sqrt(p!)``, ``p <= K``, and ``L_k(s)``, ``k <= K/2``."""
        T = self.t_ref
        x = (np.asarray(vz, dtype=float) - self.u_ref) / math.sqrt(T)
        s = np.asarray(rho2, dtype=float) / (2.0 * T)
        return hermite_e_orthonormal(self.degree, x), laguerre_orthonormal(self.degree // 2, 0.0, s)

    def values(self, vz: NDArray, rho2: NDArray) -> NDArray:
        """``phi_j`` at points ``(v_z, |v_perp|^2)`` (arrays of one shape), shape
        ``(size,) + vz.shape`` (the first array of :meth:`evaluate`, without the derivatives)."""
        H, L = self._factors(vz, rho2)
        phi = np.empty((self.size,) + H.shape[1:])
        for j, (p, k) in enumerate(self.labels):
            np.multiply(H[p], L[k], out=phi[j])
        return phi

    def evaluate(self, vz: NDArray, rho2: NDArray) -> tuple[NDArray, NDArray, NDArray]:
        """``phi_j``, ``d phi_j/dv_z`` and ``(d phi_j/d rho)/rho`` at points ``(v_z, |v_perp|^2)``
        (arrays of one shape); each of shape ``(size,) + vz.shape``."""
        K, T = self.degree, self.t_ref
        H, L = self._factors(vz, rho2)
        Lp = np.zeros_like(L)  # L_k' = -sum_{j<k} L_j
        if K // 2 >= 1:
            Lp[1:] = -np.cumsum(L[:-1], axis=0)
        phi = np.empty((self.size,) + H.shape[1:])
        dz = np.zeros_like(phi)
        dr = np.empty_like(phi)
        for j, (p, k) in enumerate(self.labels):
            phi[j] = H[p] * L[k]
            if p:
                dz[j] = math.sqrt(p / T) * H[p - 1] * L[k]
            dr[j] = H[p] * Lp[k] / T
        return phi, dz, dr

    @cached_property
    def quadrature(self) -> dict:
        """Nodes ``vz``, ``rho2`` and weights ``w`` (flattened) with
        ``int M_ref g dv = sum w g(vz, rho2)``, and the basis values there."""
        n = self.nodes
        assert n is not None  # set in __post_init__
        x, wx = gauss_hermite_e(n)
        s, ws = gauss_laguerre(n)
        vz = (self.u_ref + math.sqrt(self.t_ref) * x)[:, None] * np.ones_like(s)[None, :]
        rho2 = (2.0 * self.t_ref * s)[None, :] * np.ones_like(x)[:, None]
        w = wx[:, None] * ws[None, :]
        vz, rho2, w = vz.ravel(), rho2.ravel(), w.ravel()
        phi, dz, dr = self.evaluate(vz, rho2)
        return {"vz": vz, "rho2": rho2, "w": w, "phi": phi, "dz": dz, "dr": dr}

    def reference_density(self, vz: NDArray, rho2: NDArray) -> NDArray:
        """``M_ref`` at ``(v_z, |v_perp|^2)``."""
        T = self.t_ref
        return np.exp(-((vz - self.u_ref) ** 2 + rho2) / (2 * T)) / (2 * math.pi * T) ** 1.5

    def density(self, coeffs: NDArray, vz: NDArray, rho2: NDArray) -> NDArray:
        """``f(v) = M_ref sum_j a_j phi_j`` at ``(v_z, |v_perp|^2)``."""
        phi = self.values(vz, rho2)
        return self.reference_density(vz, rho2) * np.tensordot(coeffs, phi, axes=1)

    def maxwellian(self, u: float, T: float) -> NDArray:
        """Coefficients of ``M_{u e_z, T}`` (projection by the quadrature; the series converges
        for ``T < 2 t_ref``)."""
        if not T < 2 * self.t_ref:
            raise ValueError(f"M with T = {T} >= 2 t_ref = {2 * self.t_ref} has a divergent "
                             f"Hermite series about the reference; choose t_ref > T/2")
        q = self.quadrature
        ratio = np.exp(-((q["vz"] - u) ** 2 + q["rho2"]) / (2 * T)
                       + ((q["vz"] - self.u_ref) ** 2 + q["rho2"]) / (2 * self.t_ref))
        ratio *= (self.t_ref / T) ** 1.5
        return q["phi"] @ (q["w"] * ratio)

    def project(self, coeffs: NDArray, other: AxisymmetricBasis) -> NDArray:
        """Coefficients in this basis of the state ``coeffs`` of basis ``other``."""
        q = self.quadrature
        vz, rho2 = q["vz"], q["rho2"]
        log_ratio = (1.5 * math.log(self.t_ref / other.t_ref)
                     - ((vz - other.u_ref) ** 2 + rho2) / (2 * other.t_ref)
                     + ((vz - self.u_ref) ** 2 + rho2) / (2 * self.t_ref))
        p_other = np.tensordot(coeffs, other.values(vz, rho2), axes=1)
        return q["phi"] @ (q["w"] * p_other * np.exp(np.minimum(log_ratio, 700.0)))

    # ------------------------------------------------------------------ moments
    def fluid(self, coeffs: NDArray) -> dict:
        """Exact ``mass``, drift ``u = j/mass`` (``j = int v_z f``), ``m2 = int |v|^2 f`` and
        ``T = (m2/mass - u^2)/3`` from the coefficients of degree <= 2:
        ``|v|^2 = u_ref^2 + 2 u_ref sqrt(T) x + T (sqrt(2) phi_20 + 1) + 2T (1 - phi_01)``."""
        a = np.asarray(coeffs, dtype=float)
        T, ur = self.t_ref, self.u_ref
        mass = a[0]
        a10, a20, a01 = a[self.index(1, 0)], a[self.index(2, 0)], a[self.index(0, 1)]
        j = ur * mass + math.sqrt(T) * a10
        m2 = mass * (ur**2 + 3 * T) + 2 * ur * math.sqrt(T) * a10 + T * math.sqrt(2) * a20 \
            - 2 * T * a01
        u = j / mass
        return {"mass": float(mass), "j": float(j), "u": float(u), "m2": float(m2),
                "T": float((m2 / mass - u * u) / 3.0)}

    def tail(self, coeffs: NDArray) -> float:
        """Norm of the coefficients of the two top degrees over the norm of all."""
        a = np.asarray(coeffs)
        return float(np.linalg.norm(a[self.degrees >= self.degree - 1]) / np.linalg.norm(a))

    # ------------------------------------------------------------------ Burnett link
    @cached_property
    def burnett_labels(self) -> list[tuple[int, int, int]]:
        return [lab for lab in basis_labels(self.degree) if lab[2] == 0]

    @cached_property
    def to_burnett(self) -> NDArray:
        """``U`` with ``a_phi = U a_psi`` (orthogonal; module docstring)."""
        x, wx = gauss_hermite_e(self.degree + 2)
        s, ws = gauss_laguerre(self.degree // 2 + 2)
        X = x[:, None] * np.ones_like(s)[None, :]
        S = s[None, :] * np.ones_like(x)[:, None]
        w = (wx[:, None] * ws[None, :]).ravel()
        T = self.t_ref
        vz = self.u_ref + math.sqrt(T) * X.ravel()
        rho2 = 2 * T * S.ravel()
        phi = self.values(vz, rho2)
        pts = np.stack([np.sqrt(rho2), np.zeros_like(rho2), vz - self.u_ref], axis=-1)
        psi = burnett_functions(self.burnett_labels, pts, T, False)
        U = (phi * w) @ psi.T
        err = float(np.max(np.abs(U @ U.T - np.eye(self.size))))
        if err > 1e-11:
            raise RuntimeError(f"basis change not orthogonal (error {err:.3g})")
        return U

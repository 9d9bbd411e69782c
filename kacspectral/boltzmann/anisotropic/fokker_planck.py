"""Diffusive (Fokker-Planck) reservoirs in the Hermite/Burnett evolution (seed 003, section 3).

Equation
--------
    df/dt = (1-gamma) Q(f,f) + gamma Q(f,R) + sum_a eta_a FP_{T_a} f,                   (A1)

``FP_T f = T div[M_T grad(f/M_T)]`` (:mod:`kacspectral.physics.fokker_planck`), reduced to one
pair ``(eta, T)``.  ``gamma = 0`` is seed 003, eq. (3.2).

The operator in the Burnett basis (derivation)
----------------------------------------------
A state of :class:`~kacspectral.spectral.hermite_space.HermiteSpace` has
``f^(xi) = exp(-|eta|^2/2) P(eta)``, ``eta = sqrt(T_ref) xi``,
``P = sum_j a_j (-i)^{d_j} e_j``, ``e_nlm = (-1)^n |eta|^{2n} Ys_lm(eta) / N_nl`` (Fischer
orthonormal, ``N_nl = sqrt(2^n n! (2n+2l+1)!!)``,
:mod:`kacspectral.boltzmann.anisotropic.collision`).
The Fourier form ``-(T|xi|^2 f^ + xi.grad_xi f^)`` becomes, with ``xi.grad_xi = eta.grad_eta``
(the Euler operator: ``d`` on degree ``d``) and ``theta = T/T_ref``,

    exp(-|eta|^2/2) [ (1 - theta) |eta|^2 P - eta.grad_eta P ].

``|eta|^2 e_{n-1,l,m} = -(N_nl/N_{n-1,l}) e_nlm`` and ``(-i)^{d-2} = -(-i)^d``, so

    (FP_T a)_nlm = -(2n + l) a_nlm + (1 - theta) sqrt(2n(2n+2l+1)) a_{n-1,l,m}.          (A2)

Lower bidiagonal in ``n`` for each ``(l, m)``: degree ``d`` output needs degree ``<= d`` input,
so, like the collision tensor, the truncated operator is **exact** on the retained coefficients
(no closure error); its eigenvalues ``-(2n+l)`` are the Ornstein-Uhlenbeck spectrum.  The flow of
``eta FP_T`` alone is ``expm(t eta D)`` (:func:`fokker_planck_flow`); exact checks: Gaussians stay
Gaussian with ``u(t) = u e^{-eta t}``, ``T_i(t) = T + (T_i - T) e^{-2 eta t}``.

Time stepping of (A1): :class:`DiffusiveEvolutionProblem` keeps the split of
:mod:`kacspectral.boltzmann.anisotropic.evolution` (scalar loss ``L = -nu`` exact) and adds
``eta D a`` to the non-linear part, so every scheme of ``evolve`` applies unchanged (explicit in
the diffusion: stable for ``eta K dt`` up to about 2.7 with the RK4-type schemes).

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.linalg import expm_multiply

from kacspectral.boltzmann.anisotropic.evolution import EvolutionProblem
from kacspectral.physics.fokker_planck import DiffusiveReservoirs, as_diffusive
from kacspectral.spectral.hermite_space import HermiteSpace
from kacspectral.spectral.timesteppers import SplitODE

__all__ = [
    "DiffusiveEvolutionProblem",
    "fokker_planck_flow",
    "fokker_planck_matrix",
    "relative_entropy",
]


def fokker_planck_matrix(space: HermiteSpace, temperature: float) -> sps.csr_matrix:
    """Sparse matrix (A2) of ``FP_T`` on the coefficients of ``space`` (exact, lower
    bidiagonal in ``n``)."""
    if not isinstance(space, HermiteSpace):
        raise TypeError(f"space must be a HermiteSpace, got {type(space).__name__}")
    T = float(temperature)
    if not (math.isfinite(T) and T > 0):
        raise ValueError(f"temperature must be positive and finite, got {temperature!r}")
    theta = T / space.temperature
    rows, cols, vals = [], [], []
    for j, (n, l, m) in enumerate(space.labels):
        rows.append(j)
        cols.append(j)
        vals.append(-(2.0 * n + l))
        if n >= 1 and theta != 1.0:
            rows.append(j)
            cols.append(space.index(n - 1, l, m))
            vals.append((1.0 - theta) * math.sqrt(2.0 * n * (2 * n + 2 * l + 1)))
    return sps.csr_matrix((vals, (rows, cols)), shape=(space.size, space.size))


def fokker_planck_flow(
    space: HermiteSpace,
    diffusive: DiffusiveReservoirs | Sequence[object],
    initial: ArrayLike,
    times: ArrayLike,
) -> NDArray:
    """Coefficients of ``exp(t eta FP_T) f_0`` at ``times`` (rows), exact up to rounding
    (:func:`scipy.sparse.linalg.expm_multiply`)."""
    d = as_diffusive(diffusive)
    if d is None:
        raise TypeError("diffusive must be a DiffusiveReservoirs or a pair (etas, temperatures), "
                        "got None")
    a0 = np.asarray(initial, dtype=float)
    t = np.asarray(times, dtype=float)
    A = (d.eta * fokker_planck_matrix(space, d.temperature)).tocsc()
    return np.array([expm_multiply(ti * A, a0) for ti in t])


def relative_entropy(space: HermiteSpace, coeffs: ArrayLike, temperature: float,
                     n_nodes: int | None = None) -> float:
    """``H(f | M_T) = int f log(f / M_T) dv = int f log f + m_2/(2T) + (3/2) log(2 pi T)``
    (mass 1), with ``int f log f`` by the Gauss rule of
    :func:`kacspectral.boltzmann.anisotropic.diagnostics.entropy`."""
    from kacspectral.boltzmann.anisotropic.diagnostics import entropy

    h = entropy(space, coeffs, n_nodes)["entropy"]
    m2 = space.moments(coeffs)["m2"]
    T = float(temperature)
    return float(h + m2 / (2 * T) + 1.5 * math.log(2 * math.pi * T))


@dataclass(frozen=True)
class DiffusiveEvolutionProblem(EvolutionProblem):
    """:class:`~kacspectral.boltzmann.anisotropic.evolution.EvolutionProblem` plus diffusive
    reservoirs (A1); ``diffusive=None`` is the jump-only problem.

    Parameters
    ----------
    gamma, reservoir, kernel, space
        As for :class:`~kacspectral.boltzmann.anisotropic.evolution.EvolutionProblem` (``gamma``
        in ``[0, 1)``, ``reservoir`` required when ``gamma > 0``).
    diffusive : DiffusiveReservoirs, pair (etas, temperatures) or None
        The diffusive reservoirs ``sum_a eta_a FP_{T_a}`` of (A1) (seed 003, eq. (3.1)),
        strengths ``eta_a >= 0`` and temperatures ``T_a > 0`` (exact numbers); a pair is turned
        into a :class:`~kacspectral.physics.fokker_planck.DiffusiveReservoirs`.

    Raises
    ------
    TypeError
        If ``diffusive`` is not None, a DiffusiveReservoirs or a pair.
    """

    diffusive: DiffusiveReservoirs | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "diffusive", as_diffusive(self.diffusive))

    @cached_property
    def fp_matrix(self) -> sps.csr_matrix | None:
        """``eta D`` (A2), or None."""
        d = self.diffusive
        if d is None:
            return None
        return (d.eta * fokker_planck_matrix(self.space, d.temperature)).tocsr()

    def rhs(self, t: float, a: ArrayLike) -> NDArray:
        out = super().rhs(t, a)
        D = self.fp_matrix
        return out if D is None else out + D @ np.asarray(a, dtype=float)

    def split_ode(self) -> SplitODE:
        ode = super().split_ode()
        D = self.fp_matrix
        if D is None:
            return ode
        base = ode.nonlinear
        return SplitODE(ode.linear, lambda t, a: base(t, a) + D @ a)

    def describe(self) -> dict:
        out = super().describe()
        if self.diffusive is not None:
            out.update(self.diffusive.describe())
        return out

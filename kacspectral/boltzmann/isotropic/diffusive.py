"""Isotropic NESS with jump *and* diffusive (Fokker-Planck) reservoirs (seed 003, sections 1, 3).

Equation
--------
    df/dt = (1-gamma) Q(f,f) + gamma Q(f,R) + sum_a eta_a FP_{T_a} f,                   (D1)

``FP_T f = T div[M_T grad(f/M_T)]`` (:mod:`kacspectral.physics.fokker_planck`); the diffusive
reservoirs reduce to one pair ``(eta, T)`` (seed 003, section 3).  ``gamma = 0`` is seed 003,
eq. (3.2) (NESS ``M_T``); ``gamma in (0,1)`` with no diffusive part is
:mod:`kacspectral.boltzmann.isotropic.ness`.

The Fokker-Planck term in the Laguerre basis (derivation)
---------------------------------------------------------
In the basis (B1) of :mod:`kacspectral.boltzmann.isotropic.bobylev`,
``phi = exp(-y/2) P(y)``, ``y = T_ref k^2``, ``P = sum_n a_n q_n`` (``q_n`` orthonormal
Laguerre, ``alpha = 1/2``).  With ``k d/dk = 2 y d/dy`` and ``theta = T/T_ref``,
``-(T k^2 phi + k phi') = exp(-y/2) [(1 - theta) y P - 2 y P']``.  The Laguerre identities

    y q_n  = -sqrt(n(n+alpha)) q_{n-1} + (2n+alpha+1) q_n - sqrt((n+1)(n+alpha+1)) q_{n+1},
    y q_n' = n q_n - sqrt(n(n+alpha)) q_{n-1}

(the second from ``x L_n^(a)' = n L_n^(a) - (n+a) L_{n-1}^(a)``) make the operator tridiagonal:

    D[n-1, n] = (1+theta) sqrt(n(n+alpha)),
    D[n, n]   = (1-theta)(2n+alpha+1) - 2n,                                               (D2)
    D[n+1, n] = -(1-theta) sqrt((n+1)(n+alpha+1)).

Truncated at ``K`` it is a Galerkin approximation (row ``K`` misses ``a_{K+1}``), with an error of
the size of the discarded tail, like the gain tensor (B4).  At ``theta = 1`` it is upper
bidiagonal with eigenvalues ``-2n`` (the Ornstein-Uhlenbeck spectrum on radial functions).

Fixed point
-----------
A steady state of (D1) solves ``(I - eta D) a = Phi(a)`` (``Phi`` the gain map of seed 003,
eq. (1.6)), i.e. ``a = (I - eta D)^{-1} Phi(a)``: the resolvent of the diffusion composed with
``Phi``.  As in :mod:`kacspectral.boltzmann.isotropic.ness` the map is normalised to mass 1 and the
known energy is imposed along ``dM_T/dT``: from ``d m_2/dt`` of the two mechanisms
(``gamma (1-beta_1)/2 (m_2[R] - m_2)`` and ``-2 eta (m_2 - 3T)``,
:mod:`kacspectral.boltzmann.entropy`)

    m_2[f_inf] = (c m_2[R] + 6 eta T) / (c + 2 eta),   c = gamma (1 - beta_1)/2.          (D3)

Newton's method with the exact Jacobian solves it.  The NESS is a mixture of Maxwellians with
temperatures between the extreme jump temperatures and ``T`` (the diffusion maps ``M_T'`` to
``M_{T + (T'-T) e^{-2 eta t}}``), so the truncation rule of ``ness`` applies with that range.

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.isotropic.bobylev import (
    ALPHA,
    basis_moments,
    coefficients_density,
    gain_jacobian,
    laguerre_gain_tensor,
    mixture_coefficients,
)
from kacspectral.boltzmann.isotropic.ness import (
    NessProblem,
    NessResult,
    choose_truncation,
    energy_direction,
    laguerre_reference_temperature,
    reservoir_map,
    tail_bound,
)
from kacspectral.boltzmann.isotropic.truncation import check_truncation_order
from kacspectral.errors import ConvergenceError, NegativeDensityWarning, TruncationWarning
from kacspectral.physics.fokker_planck import DiffusiveReservoirs, as_diffusive
from kacspectral.physics.kernels import KernelSpec, get_kernel
from kacspectral.physics.reservoirs import ExactNumber, MaxwellianMixture, as_fraction
from kacspectral.spectral.polynomials import laguerre_function_orthonormal

__all__ = [
    "DiffusiveNessProblem",
    "coefficients_density_derivative",
    "fokker_planck_laguerre",
    "ness_energy",
    "ness_energy_exact",
    "solve_diffusive_ness",
]


@dataclass(frozen=True)
class DiffusiveNessProblem(NessProblem):
    """:class:`~kacspectral.boltzmann.isotropic.ness.NessProblem` plus diffusive reservoirs (D1).

    ``diffusive=None`` is the jump-only problem (same checks as ``NessProblem``).  With diffusive
    reservoirs ``gamma`` may be 0 (seed 003, eq. (3.2)); the reservoir ``R`` is then ignored
    and may be None (it is replaced by ``M_T``, ``T`` the diffusive temperature).

    Parameters
    ----------
    gamma : number
        Jump-reservoir coupling, kept as an exact Fraction (``"1/2"`` accepted): ``0 < gamma <
        1`` without diffusive reservoirs, ``0 <= gamma < 1`` with them.
    reservoir : MaxwellianMixture or None
        The jump reservoir ``R = sum_a w_a M_{T_a}``; None only when ``gamma = 0`` with
        diffusive reservoirs.
    kernel : AngularKernel or str
        Angular kernel ``b`` (``"constant"``, ``"kac"``, an expression in ``s``, ...).
    diffusive : DiffusiveReservoirs, pair (etas, temperatures) or None
        The diffusive reservoirs ``sum_a eta_a FP_{T_a}`` of (D1) (seed 003, eq. (3.1)).

    Raises
    ------
    ValueError
        If ``gamma`` is out of range, or ``gamma > 0`` without a reservoir.
    TypeError
        If ``reservoir`` is not a MaxwellianMixture or ``diffusive`` has the wrong type.
    """

    diffusive: DiffusiveReservoirs | None = None

    if TYPE_CHECKING:
        # What the constructor accepts (``__post_init__`` normalises it to the fields' types;
        # ``reservoir=None`` becomes ``M_T`` when gamma = 0); mypy reads this signature, the
        # dataclass generates the one that runs.
        def __init__(
            self,
            gamma: ExactNumber,
            reservoir: MaxwellianMixture | None,
            kernel: KernelSpec,
            diffusive: DiffusiveReservoirs | Sequence[object] | None = None,
        ) -> None: ...

    def __post_init__(self) -> None:
        d = as_diffusive(self.diffusive)
        object.__setattr__(self, "diffusive", d)
        if d is None:
            super().__post_init__()
            return
        g = as_fraction(self.gamma, "gamma")
        if not 0 <= g < 1:
            raise ValueError(f"gamma must be in [0, 1) with diffusive reservoirs, got {g}")
        object.__setattr__(self, "gamma", g)
        if self.reservoir is None:
            if g > 0:
                raise ValueError(f"gamma = {g} > 0 needs a jump reservoir R, got None")
            object.__setattr__(self, "reservoir", MaxwellianMixture([1], [d.temperature_exact]))
        if not isinstance(self.reservoir, MaxwellianMixture):
            raise TypeError(
                f"reservoir must be a MaxwellianMixture, got {type(self.reservoir).__name__}"
            )
        object.__setattr__(self, "kernel", get_kernel(self.kernel))

    def _range(self) -> tuple[float, float]:
        ts = [self.diffusive.temperature] if self.diffusive is not None else []
        if self.gamma > 0 or self.diffusive is None:
            ts += [self.reservoir.t_min, self.reservoir.t_max]
        return min(ts), max(ts)

    @property
    def t_ref(self) -> float:
        """``sqrt(T_min T_max)`` over the jump temperatures (if ``gamma > 0``) and ``T``."""
        return laguerre_reference_temperature(*self._range())

    @property
    def rho(self) -> float:
        lo, hi = self._range()
        t = self.t_ref
        return max(abs(lo - t) / (lo + t), abs(hi - t) / (hi + t))

    @property
    def temperature_ratio(self) -> float:
        return self.t_ref / self._range()[0]

    def describe(self) -> dict:
        out = super().describe()
        if self.diffusive is not None:
            out.update(self.diffusive.describe())
        return out


def _eta_T(problem: NessProblem) -> tuple[float, float]:
    d = getattr(problem, "diffusive", None)
    return (0.0, 1.0) if d is None else (d.eta, d.temperature)


def ness_energy_exact(problem: NessProblem) -> Fraction:
    """``m_2[f_inf]`` of (D3) exactly (rational kernels: ``beta_1 = B_10 - B_01``)."""
    from kacspectral.boltzmann.isotropic.exact import exact_B_table

    B = exact_B_table(problem.kernel, 1)
    beta1 = Fraction(B[1][0]) - Fraction(B[0][1])
    c = Fraction(problem.gamma) * (1 - beta1) / 2
    m2r = problem.reservoir.moment_exact(1)
    d = getattr(problem, "diffusive", None)
    if d is None:
        return m2r
    eta, T = d.eta_exact, d.temperature_exact
    return (c * m2r + 6 * eta * T) / (c + 2 * eta)


def ness_energy(problem: NessProblem) -> float:
    """``m_2[f_inf]`` of (D3) in floating point (any kernel)."""
    beta1 = problem.kernel.B(1, 0) - problem.kernel.B(0, 1)
    c = float(problem.gamma) * (1.0 - beta1) / 2.0
    eta, T = _eta_T(problem)
    m2r = problem.reservoir.moment(1)
    return (c * m2r + 6.0 * eta * T) / (c + 2.0 * eta)


def fokker_planck_laguerre(K: int, theta: float) -> NDArray:
    """Tridiagonal matrix (D2) of ``phi -> -(theta' k^2 phi + k phi')`` in the basis (B1),
    ``theta = T/T_ref`` (so ``eta * D`` is ``eta FP_T``), shape ``(K+1, K+1)``."""
    K = int(K)
    n = np.arange(K + 1, dtype=float)
    th = float(theta)
    D = np.diag((1.0 - th) * (2 * n + ALPHA + 1) - 2 * n)
    up = (1.0 + th) * np.sqrt(n[1:] * (n[1:] + ALPHA))
    lo = -(1.0 - th) * np.sqrt((n[:-1] + 1) * (n[:-1] + ALPHA + 1))
    D += np.diag(up, 1) + np.diag(lo, -1)
    return D


def coefficients_density_derivative(a: ArrayLike, t_ref: float, speed: ArrayLike) -> NDArray:
    """``df/d|v|`` of the density (B2) of :mod:`bobylev`.

    With ``x = |v|^2/T_ref``, ``d/dx [e^{-x/2} q_n(x)] = -sqrt(n) l^{(3/2)}_{n-1}(x) -
    l_n(x)/2`` (``q_n^(a)' = -sqrt(n) q_{n-1}^(a+1)``, ``l`` the Laguerre functions), times
    ``dx/d|v| = 2|v|/T_ref``.
    """
    a = np.asarray(a, dtype=float)
    r = np.asarray(speed, dtype=float)
    x = r**2 / float(t_ref)
    K = a.size - 1
    signs = (-1.0) ** np.arange(K + 1)
    L = laguerre_function_orthonormal(K, ALPHA, x)
    d = -0.5 * L
    if K >= 1:
        L1 = laguerre_function_orthonormal(K - 1, ALPHA + 1.0, x)
        d[1:] -= np.sqrt(np.arange(1, K + 1, dtype=float)).reshape((-1,) + (1,) * x.ndim) * L1
    g = np.tensordot(a * signs, d, axes=1)
    return (2 * np.pi * t_ref) ** -1.5 * g * 2.0 * r / float(t_ref)


def solve_diffusive_ness(
    problem: NessProblem,
    tol: float = 1e-14,
    truncation: int | None = None,
    max_iter: int = 60,
) -> NessResult:
    """NESS of (D1) by Newton's method on the normalised resolvent map (module docstring).

    Accepts a plain ``NessProblem`` (then it equals
    :func:`~kacspectral.boltzmann.isotropic.ness.solve_ness`, ``method="newton"``, up to
    rounding) or a :class:`DiffusiveNessProblem`.  Returns a ``NessResult`` (``method =
    "newton-diffusive"``); its residual is ``max |G(a) - a|``.

    Parameters
    ----------
    problem : NessProblem or DiffusiveNessProblem
        The steady-state problem (D1): coupling ``gamma``, jump reservoir ``R``, kernel and,
        for a ``DiffusiveNessProblem``, the diffusive reservoirs ``eta_a FP_{T_a}``.
    tol : float
        Positive and finite: Newton stops when ``max |G(a) - a| <= tol``; it also sets the
        automatic truncation (default ``1e-14``).
    truncation : int, optional
        The Laguerre truncation ``K``, an integer in ``[1, MAX_TRUNCATION]``; default from the
        truncation rule of :mod:`kacspectral.boltzmann.isotropic.truncation` for ``tol``.
    max_iter : int
        Cap on Newton iterations (default 60).

    Returns
    -------
    NessResult
        Coefficients ``a_n`` of the basis (B1) of :mod:`bobylev` (``phi(k) = exp(-y/2) sum a_n
        q_n(y)``, ``y = T_ref k^2``), normalised to mass 1 and to the exact energy (D3), with the
        residual history, the a-priori tail bound, the minimum of the truncated density and the
        relative energy error.

    Raises
    ------
    TypeError
        If ``problem`` is not a NessProblem.
    ValueError
        If ``tol`` is not positive and finite, or ``truncation`` is out of range.
    ConvergenceError
        If Newton's linear system is singular, or the residual is above ``tol`` after
        ``max_iter`` iterations.

    Warns
    -----
    TruncationWarning
        If the tail bound at ``K`` exceeds ``tol`` (a ``truncation`` given too low, or the
        automatic choice capped at ``MAX_AUTO_TRUNCATION``).
    NegativeDensityWarning
        If the truncated density is negative beyond rounding on ``|v| <= 10 sqrt(T_max)``.
    """
    if not isinstance(problem, NessProblem):
        raise TypeError(f"problem must be a NessProblem, got {type(problem).__name__}")
    tol = float(tol)
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    rho, theta_r = problem.rho, problem.temperature_ratio
    if truncation is None:
        K = choose_truncation(rho, tol, theta_r)
    else:
        K = check_truncation_order(truncation)
    tail = tail_bound(K, rho, theta_r)
    if tail > tol:
        warnings.warn(f"truncation K = {K}: tail bound {tail:.3g} > tol = {tol:.3g}",
                      TruncationWarning, stacklevel=2)
    t_ref = problem.t_ref
    eta, T = _eta_T(problem)
    gamma = float(problem.gamma)
    tensor = laguerre_gain_tensor(K, problem.kernel)
    r = mixture_coefficients(problem.reservoir.w, problem.reservoir.T, t_ref, K)
    mu = basis_moments(1, t_ref, K)
    mass, row = mu[0], mu[1]
    target = ness_energy(problem)
    A = np.eye(K + 1) - eta * fokker_planck_laguerre(K, T / t_ref)
    Ainv = np.linalg.inv(A)
    d = energy_direction(mass)
    proj_e = np.eye(K + 1) - np.outer(d, row) / float(row @ d)

    def g(a: NDArray) -> NDArray:
        p = Ainv @ reservoir_map(a, tensor, r, gamma)
        p = p / float(mass @ p)
        return p + (target - float(row @ p)) / float(row @ d) * d

    def jac(a: NDArray) -> NDArray:
        p = Ainv @ reservoir_map(a, tensor, r, gamma)
        jp = Ainv @ ((1.0 - gamma) * gain_jacobian(a, tensor, "both")
                     + gamma * gain_jacobian(r, tensor, "first"))
        m0 = float(mass @ p)
        return proj_e @ ((np.eye(K + 1) - np.outer(p, mass) / m0) @ jp / m0)

    a = mixture_coefficients([1.0], [target / 3.0], t_ref, K)
    a = a / float(mass @ a)
    history: list[float] = []
    eye = np.eye(K + 1)
    for _ in range(max_iter):
        ga = g(a)
        res = float(np.max(np.abs(ga - a)))
        history.append(res)
        if res <= tol:
            a = ga
            break
        try:
            a = a - np.linalg.solve(jac(a) - eye, ga - a)
        except np.linalg.LinAlgError as exc:
            raise ConvergenceError(
                f"diffusive NESS: Newton's system is singular (K = {K}): {exc}") from exc
    final = float(np.max(np.abs(g(a) - a)))
    if not final <= tol:
        raise ConvergenceError(
            f"diffusive NESS: Newton did not reach tol = {tol:.3g} in {max_iter} iterations "
            f"(residual {final:.3g}, K = {K})"
        )
    energy_error = abs(float(row @ a) - target) / target
    t_hi = problem._range()[1] if isinstance(problem, DiffusiveNessProblem) else (
        problem.reservoir.t_max)
    speeds = np.linspace(0.0, 10.0 * math.sqrt(t_hi), 801)
    dens = coefficients_density(a, t_ref, speeds)
    min_density = float(np.min(dens))
    if min_density < -64 * np.finfo(float).eps * float(np.max(dens)):
        warnings.warn(f"the truncated NESS density is negative: min {min_density:.3g} (K = {K})",
                      NegativeDensityWarning, stacklevel=2)
    return NessResult(
        problem=problem,
        coefficients=a,
        t_ref=t_ref,
        truncation=K,
        method="newton-diffusive",
        iterations=len(history),
        residual=final,
        history=tuple(history),
        tail_estimate=tail,
        min_density=min_density,
        energy_error=energy_error,
    )

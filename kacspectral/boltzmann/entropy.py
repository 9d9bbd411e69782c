"""Heat fluxes and entropy production for thermal reservoirs (seed 003, section 4).

Energy exchange of Maxwell molecules (derivation)
-------------------------------------------------
For probability densities ``f, g`` and a test function ``psi``,
``int Q(f,g) psi = int int int b(k.sigma) f(v) g(v*) [psi(v') - psi(v)] dsigma dv dv*``
(seed 003, proof of Lemma 1.1), ``k = (v-v*)/|v-v*|``.  For ``psi = |v|^2``,
``|v'|^2 - |v|^2 = (|v*|^2 - |v|^2)/2 + (|v-v*|/2) sigma.(v+v*)``, and the ``b dsigma`` average of
``sigma`` is ``beta_1 k`` with ``beta_1 = (1/2) int_{-1}^{1} s b(s) ds`` (the axial part of
``sigma``; ``b dsigma`` has ``s``-density ``b(s)/2``).  Since ``|v-v*| k.(v+v*) = |v|^2 - |v*|^2``,

    int Q(f,g) |v|^2 dv = ((1 - beta_1)/2) (m_2[g] - m_2[f]).                              (H1)

(For ``psi = v`` the same steps give ``int Q(f,g) v = ((1-beta_1)/2)(u[g] - u[f])``.)
``beta_1 = B_10 - B_01 = 2 beta - 1``: 0 for even kernels, 1/3 for ``kac``.

Heat fluxes (seed 003, eq. (4.6))
---------------------------------
Jump reservoir ``a`` acts by ``L_a f = gamma w_a Q(f, M_{T_a})``; the energy it receives is

    J_a = -(1/2) int L_a f |v|^2 dv = gamma w_a (1 - beta_1)/4 (m_2 - 3 T_a),              (H2)

by (H1) with ``m_2[M_T] = 3T``.  A diffusive reservoir ``eta_a FP_{T_a}`` receives
``J_a = eta_a (m_2 - 3 T_a)`` (:mod:`kacspectral.physics.fokker_planck`).  At the NESS
``sum_a J_a = 0`` (energy balance) and the total entropy production is
``sigma = sum_a J_a / T_a`` (seed 003, eq. (4.8)): exact rationals for rational data, from the
exact ``m_2`` (:func:`kacspectral.boltzmann.isotropic.diffusive.ness_energy_exact`).
Example: ``gamma = 1/2``, ``R = (M_{1/6} + M_{1/2})/2``: ``J = (1/32, -1/32)``, ``sigma = 1/8``
for ``b = 1``; ``J = (1/48, -1/48)``, ``sigma = 1/12`` for ``kac``.

Entropy budget (seed 003, eqs. (4.3)-(4.8))
-------------------------------------------
With ``S = -int f log f`` and ``df/dt = (1-gamma) Q(f,f) + sum_a L_a f + sum_a eta_a FP_{T_a} f``,
``dS/dt = sigma_B + sum_a sigma_a - sum_a J_a/T_a`` where

    sigma_B = -(1-gamma) int Q(f,f) log f dv >= 0,
    sigma_a = -int L_a f log(f / M_{T_a}) dv >= 0                         (jump),
    sigma'_a = eta_a T_a int f |grad log(f / M_{T_a})|^2 dv >= 0          (diffusive)

(``-int L_a f log M_{T_a} = -J_a/T_a`` since ``L_a`` conserves mass; for the diffusive term
integrate by parts).  At a steady state ``sigma_B + sum sigma_a = sigma``: an independent check
of the density, the collision operator and the quadrature together.

Quadrature.  The NESS is isotropic: ``Q+(f, g)`` of two densities of the Laguerre basis (B1)
is in that basis with degree ``<= 2K`` (bobylev (B4)), so its density is evaluated exactly
(no projection) from the gain tensor of order ``2K`` (capped at 200 for ``K > 100``);
``M_{T_a}`` enters by its closed-form coefficients (B3) to order ``2K`` (error
``rho^{2K}``).  The radial integrals ``4 pi int r^2 h(r) dr`` use Gauss-Legendre on
``[0, r_max]``, ``r_max = sqrt(2 T_hi L)`` (``T_hi`` the highest temperature present,
``L = 34``: ``M_{T_hi}`` has fallen by ``e^{-34}`` ~ 2e-15 there), where every factor is
analytic; the neglected tail of ``Q log f`` is below 1e-13 relative.  Every integral is done
with ``n`` and ``2n`` nodes; the finer value is returned and the largest change is reported
as the quadrature error (measured <= 7e-14 in the tests and validation cases).

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kacspectral.boltzmann.isotropic.bobylev import (
    basis_moments,
    coefficients_density,
    gain,
    laguerre_gain_tensor,
    maxwellian_coefficients,
)
from kacspectral.boltzmann.isotropic.diffusive import (
    coefficients_density_derivative,
    ness_energy_exact,
)
from kacspectral.boltzmann.isotropic.exact import exact_B_table
from kacspectral.boltzmann.isotropic.ness import NessResult
from kacspectral.errors import ConvergenceError, short
from kacspectral.physics.kernels import AngularKernel
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.results import ResultMixin
from kacspectral.spectral.polynomials import gauss_jacobi

__all__ = [
    "EntropyBudget",
    "beta_1",
    "beta_1_exact",
    "exact_heat_fluxes",
    "heat_flux_quadrature",
    "jump_heat_fluxes",
    "ness_entropy_budget",
    "entropy_terms",
    "radial_integral",
    "trajectory_entropy_budget",
]

#: Width of the radial interval in units of the highest temperature: ``r_max^2 = 2 T_hi L``.
RADIAL_EXTENT = 34.0
#: Largest ``n_radial`` accepted (the budget also runs ``2 n_radial`` nodes; the densities are
#: evaluated on ``(K+1) x 2 n_radial`` arrays and the rule is computed once per ``n``).
MAX_RADIAL_NODES = 5000


def beta_1(kernel: AngularKernel) -> float:
    """``beta_1 = (1/2) int s b(s) ds = B_10 - B_01`` (module docstring, (H1))."""
    return kernel.B(1, 0) - kernel.B(0, 1)


def beta_1_exact(kernel: AngularKernel) -> Fraction:
    """``beta_1`` exactly (rational kernels: polynomial ``b`` and ``kac``)."""
    B = exact_B_table(kernel, 1)
    return Fraction(B[1][0]) - Fraction(B[0][1])


def jump_heat_fluxes(
    gamma: float, reservoir: MaxwellianMixture, kernel: AngularKernel, m2: float
) -> NDArray:
    """``J_a = gamma w_a (1 - beta_1)/4 (m_2 - 3 T_a)`` (H2), one per jump reservoir."""
    return float(gamma) * reservoir.w * (1.0 - beta_1(kernel)) / 4.0 * (float(m2) - 3 * reservoir.T)


def exact_heat_fluxes(problem: Any) -> tuple[list[Fraction], Fraction, Fraction]:
    """Exact NESS heat fluxes (jump reservoirs first, then diffusive ones), the exact
    ``m_2`` and ``sigma = sum_a J_a / T_a`` (module docstring), for rational data.

    Parameters
    ----------
    problem : NessProblem or DiffusiveNessProblem
        The steady-state problem (:class:`kacspectral.boltzmann.isotropic.ness.NessProblem`, or
        :class:`kacspectral.boltzmann.isotropic.diffusive.DiffusiveNessProblem` with its
        ``diffusive`` reservoirs).  Its ``gamma`` is read as an exact Fraction and its kernel
        must have an exact form (``kernel.is_exact``) with rational constants ``B_10, B_01``.

    Returns
    -------
    fluxes : list of Fraction
        ``J_a`` of (H2) for the jump reservoirs (none when ``gamma = 0``), then
        ``eta_a (m_2 - 3 T_a)`` for the diffusive ones; energy received by the reservoir per unit
        time (``sum_a J_a = 0`` at the NESS).
    m2 : Fraction
        The exact NESS energy moment ``m_2 = int |v|^2 f_inf dv``.
    sigma : Fraction
        The entropy production ``sum_a J_a / T_a >= 0`` (seed 003, eq. (4.8)).

    Raises
    ------
    ValueError
        If the kernel has no exact form.
    TypeError
        If the kernel's constants are not rational (no Fraction).
    """
    m2 = ness_energy_exact(problem)
    g = Fraction(problem.gamma)
    c = g * (1 - beta_1_exact(problem.kernel)) / 4
    res = problem.reservoir
    fluxes: list[Fraction] = []
    temps: list[Fraction] = []
    if g > 0:
        fluxes += [c * w * (m2 - 3 * t) for w, t in zip(res.weights, res.temperatures,
                                                       strict=True)]
        temps += list(res.temperatures)
    d = getattr(problem, "diffusive", None)
    if d is not None:
        fluxes += d.heat_fluxes_exact(m2)
        temps += list(d.temperatures)
    sigma = sum((j / t for j, t in zip(fluxes, temps, strict=True)), Fraction(0))
    return fluxes, m2, sigma


@lru_cache(maxsize=8)
def _legendre_rule(n: int) -> tuple[NDArray, NDArray]:
    return gauss_jacobi(n)


def radial_integral(h, r_max: float, n: int) -> float:
    """``4 pi int_0^{r_max} r^2 h(r) dr`` by ``n``-point Gauss-Legendre."""
    x, w = _legendre_rule(int(n))
    r = 0.5 * r_max * (x + 1.0)
    return float(4 * np.pi * 0.5 * r_max * np.sum(w * r**2 * h(r)))


@dataclass(frozen=True)
class EntropyBudget(ResultMixin):
    """Heat fluxes and entropy production of a steady state (module docstring).

    Attributes
    ----------
    heat_flux : tuple of float
        ``J_a`` (jump reservoirs, then diffusive), from the numerical ``m_2``.
    heat_flux_exact : tuple of str or None
        Exact ``J_a`` (rational data), e.g. ``"-1/32"``.
    entropy_production : float
        ``sigma = sum_a J_a / T_a``.
    entropy_production_exact : str or None
    sigma_collision : float
        ``sigma_B`` by quadrature of the density.
    sigma_reservoirs : tuple of float
        ``sigma_a`` (jump) and ``sigma'_a`` (diffusive) by quadrature.
    balance_error : float
        ``|sigma_B + sum sigma_a - sigma| / sigma`` (absolute when ``sigma = 0``).
    quadrature_error : float
        Largest change of a quadrature value between the two finest radial rules.
    m2 : float
    description : dict
        The problem (:meth:`describe`).

    ``to_dict`` / ``save`` / ``kacspectral.load`` as for every result (:mod:`kacspectral.results`).
    """

    heat_flux: tuple[float, ...]
    heat_flux_exact: tuple[str, ...] | None
    entropy_production: float
    entropy_production_exact: str | None
    sigma_collision: float
    sigma_reservoirs: tuple[float, ...]
    balance_error: float
    quadrature_error: float
    m2: float
    description: dict = field(default_factory=dict)


def _gain_order(K: int) -> int:
    """Order ``M = min(2K, max(K, 200))`` of the gain tensor for the densities of ``Q+``: ``2K``
    holds ``Q+`` of two order-``K`` states exactly; the cap (the Gauss-Laguerre rule of the
    tensor stays accurate to order ~200) drops only components of degree ``> M >= K``, of the
    size of the truncation tail."""
    return min(2 * K, max(K, 200))


def _pad(a: NDArray, n: int) -> NDArray:
    out = np.zeros(n)
    out[: a.size] = a
    return out


def _densities(problem: Any, a: NDArray, t_ref: float):
    """Callables ``r -> f, f', Q+(f,f), [Q+(f, M_a)]`` for coefficients ``a`` in basis (B1)."""
    a = np.asarray(a, dtype=float)
    K = a.size - 1
    M = _gain_order(K)
    G = laguerre_gain_tensor(M, problem.kernel)
    a2 = _pad(a, M + 1)
    qff = gain(a2, a2, G)
    qfm = [gain(a2, maxwellian_coefficients(float(t), t_ref, M), G)
           for t in problem.reservoir.temperatures]
    return (
        lambda r: coefficients_density(a, t_ref, r),
        lambda r: coefficients_density_derivative(a, t_ref, r),
        lambda r: coefficients_density(qff, t_ref, r),
        [lambda r, c=c: coefficients_density(c, t_ref, r) for c in qfm],
    )


def entropy_terms(problem: Any, coefficients: NDArray, t_ref: float, n_radial: int = 200,
                  m2: float | None = None, t_max: float | None = None) -> dict:
    """Every term of the budget at one state (coefficients in basis (B1) at ``t_ref``).

    ``t_max``: the highest temperature of the Maxwellian components of the state (it sets the
    radial range, module docstring); default the highest reservoir temperature.

    Returns ``entropy`` ``S = -int f log f``, ``sigma_collision``, ``sigma_reservoirs`` (jump
    then diffusive), ``heat_flux``, ``temperatures``, ``entropy_production`` (``sum J_a/T_a``),
    ``dS_dt`` (``sigma_B + sum sigma_a - sum J_a/T_a``) and ``quadrature_error`` (largest change
    between ``n_radial`` and ``2 n_radial`` nodes; the finer values are returned).
    """
    a = np.asarray(coefficients, dtype=float)
    gamma = float(problem.gamma)
    res = problem.reservoir
    d = getattr(problem, "diffusive", None)
    if m2 is None:
        m2 = float(basis_moments(1, t_ref, a.size - 1)[1] @ a)
    fluxes: list[float] = []
    temps: list[float] = []
    if gamma > 0:
        fluxes += jump_heat_fluxes(gamma, res, problem.kernel, m2).tolist()
        temps += res.T.tolist()
    if d is not None:
        fluxes += d.heat_fluxes(m2).tolist()
        temps += d.T.tolist()
    f, df, qff, qfm = _densities(problem, a, t_ref)
    t_hi = max(temps + [res.t_max, t_ref] + ([float(t_max)] if t_max is not None else []))
    r_max = math.sqrt(2.0 * t_hi * RADIAL_EXTENT)
    mass = basis_moments(0, t_ref, a.size - 1)[0] @ a

    def parts(n: int) -> list[float]:
        out = [-radial_integral(lambda r: f(r) * np.log(f(r)), r_max, n),
               -(1.0 - gamma) * radial_integral(
                   lambda r: (qff(r) - mass * f(r)) * np.log(f(r)), r_max, n)]
        if gamma > 0:
            for wa, ta, q in zip(res.w, res.T, qfm, strict=True):
                out.append(-gamma * wa * radial_integral(
                    lambda r, ta=ta, q=q: (q(r) - f(r)) * (np.log(f(r)) + r**2 / (2 * ta)),
                    r_max, n))
        if d is not None:
            for ea, ta in zip(d.eta_array, d.T, strict=True):
                out.append(ea * ta * radial_integral(
                    lambda r, ta=ta: (df(r) / f(r) + r / ta) ** 2 * f(r), r_max, n))
        return out

    coarse, fine = parts(n_radial), parts(2 * n_radial)
    sigma = float(sum(j / t for j, t in zip(fluxes, temps, strict=True)))
    return {
        "entropy": float(fine[0]),
        "sigma_collision": float(fine[1]),
        "sigma_reservoirs": [float(x) for x in fine[2:]],
        "heat_flux": fluxes,
        "temperatures": temps,
        "entropy_production": sigma,
        "dS_dt": float(sum(fine[1:]) - sigma),
        "quadrature_error": float(max(abs(x - y) for x, y in zip(coarse, fine, strict=True))),
        "m2": float(m2),
    }


def ness_entropy_budget(result: NessResult, n_radial: int = 200) -> EntropyBudget:
    """Entropy budget of a NESS (``solve_ness`` or ``solve_diffusive_ness`` result).

    ``sigma_B``, ``sigma_a``, ``sigma'_a`` by radial Gauss-Legendre quadrature of the densities
    (module docstring) with ``n_radial`` and ``2 n_radial`` nodes (the finer value is returned,
    the difference is :attr:`EntropyBudget.quadrature_error`); ``sigma`` and ``J_a`` from the
    numerical ``m_2`` (and exactly when the data are rational).

    Parameters
    ----------
    result : NessResult
        A converged steady state from :func:`kacspectral.boltzmann.isotropic.ness.solve_ness`
        or :func:`kacspectral.boltzmann.isotropic.diffusive.solve_diffusive_ness`.
    n_radial : int
        Gauss-Legendre nodes of the coarser radial rule on ``[0, r_max]``, an integer in
        ``[8, MAX_RADIAL_NODES]`` (default 200); the returned values use ``2 n_radial``.

    Returns
    -------
    EntropyBudget
        Heat fluxes, entropy production (numerical, and exact strings for exact kernels with
        rational data), the quadrature values ``sigma_B``, ``sigma_a``, ``sigma'_a``, the
        relative balance error and the quadrature error.

    Raises
    ------
    TypeError
        If ``result`` is not a NessResult.
    ValueError
        If ``n_radial`` is not an integer in the range above.
    ConvergenceError
        If a quadrature term is not finite (the truncated density is ``<= 0`` somewhere on the
        radial range, so ``log f`` is undefined).
    """
    if not isinstance(result, NessResult):
        raise TypeError(f"result must be a NessResult, got {type(result).__name__}")
    if isinstance(n_radial, bool) or not isinstance(n_radial, (int, np.integer)) or not (
            8 <= n_radial <= MAX_RADIAL_NODES):
        raise ValueError(
            f"n_radial must be an integer in [8, {MAX_RADIAL_NODES}], got {short(n_radial)}")
    problem = result.problem
    m2 = float(result.moments(1)[1])
    with np.errstate(all="ignore"):  # a non-finite term is reported below, not warned about
        terms = entropy_terms(problem, result.coefficients, result.t_ref, n_radial, m2)
    values = [terms["sigma_collision"], *terms["sigma_reservoirs"], terms["entropy_production"],
              *terms["heat_flux"], terms["quadrature_error"]]
    if not all(math.isfinite(x) for x in values):
        raise ConvergenceError(
            "entropy budget: a quadrature term is not finite (log of a truncated NESS density "
            f"that is <= 0 somewhere on [0, r_max]; min density {result.min_density:.3g}, "
            f"K = {result.truncation}); raise the truncation or narrow the temperature range"
        )
    sigma = terms["entropy_production"]
    total = terms["sigma_collision"] + sum(terms["sigma_reservoirs"])
    bal = abs(total - sigma) / abs(sigma) if sigma != 0 else abs(total - sigma)
    exact_j = exact_s = None
    if problem.kernel.is_exact:
        try:
            fj, _, fs = exact_heat_fluxes(problem)
            exact_j, exact_s = tuple(str(x) for x in fj), str(fs)
        except (ValueError, TypeError):  # irrational kernel constants: no exact strings
            pass
    return EntropyBudget(
        heat_flux=tuple(terms["heat_flux"]),
        heat_flux_exact=exact_j,
        entropy_production=sigma,
        entropy_production_exact=exact_s,
        sigma_collision=terms["sigma_collision"],
        sigma_reservoirs=tuple(terms["sigma_reservoirs"]),
        balance_error=float(bal),
        quadrature_error=terms["quadrature_error"],
        m2=m2,
        description=problem.describe(),
    )


def trajectory_entropy_budget(trajectory: Any, n_radial: int = 150) -> dict[str, NDArray]:
    """:func:`entropy_terms` at every state of an
    :class:`~kacspectral.boltzmann.isotropic.relaxation.IsotropicTrajectory`, as arrays
    (``entropy``, ``dS_dt``, ``sigma_collision``, ``entropy_production``, ...)."""
    rows = [entropy_terms(trajectory.problem, a, trajectory.t_ref, n_radial,
                          t_max=trajectory.t_max) for a in trajectory.coefficients]
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def heat_flux_quadrature(result: NessResult, temperature: float, n: int = 400) -> float:
    """``-(1/2) int Q(f, M_T) |v|^2 dv`` by radial quadrature of the density of ``Q(f, M_T)``
    (a check of (H2) per unit ``gamma w_a``)."""
    a = np.asarray(result.coefficients, dtype=float)
    K = a.size - 1
    M = _gain_order(K)
    G = laguerre_gain_tensor(M, result.problem.kernel)
    q = gain(_pad(a, M + 1), maxwellian_coefficients(float(temperature), result.t_ref, M), G)
    r_max = math.sqrt(2.0 * max(float(temperature), result.problem.reservoir.t_max)
                      * RADIAL_EXTENT)
    val = radial_integral(
        lambda r: (coefficients_density(q, result.t_ref, r)
                   - coefficients_density(a, result.t_ref, r)) * r**2, r_max, n)
    return -0.5 * val

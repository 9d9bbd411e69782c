"""The isotropic non-equilibrium steady state (NESS) of Maxwell molecules with thermal reservoirs.

Model (seed 003, eqs. (1.4)-(1.7); conventions page, section 4)
-----------------------------------------------------
``df/dt = (1-gamma) Q(f,f) + gamma Q(f,R) = Phi(f) - f``,
``Phi(f) = (1-gamma) Q+(f,f) + gamma Q+(f,R)``, ``R = sum_a w_a M_{T_a}``.  The NESS is the unique
fixed point ``f = Phi(f)`` among probability densities with the energy of ``R`` (seed 003,
Lemma 1.2 / Theorem 1.3: ``Phi`` contracts the GTW distance by ``lambda = (1-gamma) + gamma beta``).

Discretisation
--------------
``phi = f^`` in the Gaussian-Laguerre basis of :mod:`kacspectral.boltzmann.isotropic.bobylev` (eq.
(B1)) at
``T_ref = sqrt(T_min T_max)`` (the geometric mean of the extreme reservoir temperatures, which
minimises the convergence ratio ``rho`` below), ``K + 1`` coefficients; ``Q+`` by the exact Galerkin
tensor (B4); ``R`` by its closed-form coefficients (B3).  The steady state is a mixture of
Maxwellians with temperatures in ``[T_min, T_max]``, so its coefficients are bounded by those of
such mixtures, ``|a_n| <= (1+rho)^(3/2) rho^n sqrt(Gamma(n+3/2)/n!)``,
``rho = (sqrt T_max - sqrt T_min)/(sqrt T_max + sqrt T_min)``; with
Szego's ``|exp(-y/2) q_n(y)| <= q_n(0)`` the sup-norm error of ``phi`` from dropping ``n > K``
is at most ``(1+rho)^(3/2) sum_{n>K} rho^n Gamma(n+3/2)/(n! Gamma(3/2))``; :func:`tail_bound`
also bounds the relative error of the moments ``m_0 .. m_{2P}`` in the same way (``P = 6`` by
default; ``solve_ness(..., moment_order=N)`` raises it to ``max(6, N)`` -- higher moments are
*not* controlled otherwise: for the default problem ``m_40`` is off by 2e-11 at ``P = 6``, 4e-14
at ``P = 20``).

**Truncation rule**: ``K`` is the smallest integer with ``tail(K) <= 1e-2 * tol`` (at most
:data:`MAX_AUTO_TRUNCATION`); a user-given ``K`` with ``tail(K) > tol`` triggers
:class:`~kacspectral.errors.TruncationWarning`.  (These bound the error of truncating the exact
steady state; the Galerkin fixed point differs from it by the same order, which the tests and
``validation/ness_exactness.py`` measure against exact rationals.)

Mass.  The fixed point ``c_0 = (1-gamma) c_0^2 + gamma c_0`` of the mass is *unstable* for ``Phi``
outside probability densities (slope ``2 - gamma``), so rounding and truncation errors in the
mass would grow along a Picard sequence.  All solvers therefore use the normalised map

    N(a) = Phi(a) / m_0[Phi(a)],

which equals ``Phi`` on probability densities (``m_0[Phi f] = 1`` when ``m_0[f] = 1``), has the
same fixed point, and keeps the mass at 1 to rounding.

Energy.  ``m_2[Phi f] = lambda m_2[f] + (1-lambda) m_2[R]``: the energy mode contracts only at
rate ``lambda``, so without care its rounding and truncation errors are amplified by
``1/(1-lambda) = 1/(gamma (1-beta))`` (measured before this was imposed: ``|m_2 - m_2[R]|`` =
5e-15 at ``gamma = 1/2``, 1.6e-12 at ``gamma = 1e-3``, 1.6e-9 at ``gamma = 1e-6``, with a
residual of 1e-16 -- Newton's ``N' - I`` is near-singular along that mode).  The known
invariant ``m_2[f_inf] = m_2[R]`` (seed 003, Theorem 1.3: the NESS has the energy of ``R``) is
therefore imposed like the mass: the map used is ``N`` followed by a shift along
:func:`energy_direction` (``dM_T/dT`` at ``T_ref``, massless) that sets ``m_2 = m_2[R]``
exactly.  On the exact NESS and the exact Picard iterates the shift is zero; on the truncated
(Galerkin) problem it moves the solution by the order of the truncation tail only, and
``N' - I`` becomes well conditioned.  :class:`NessResult` reports the a-posteriori
``energy_error`` (measured <= 4.4e-16 for ``gamma`` from 1e-6 to 1/2, all cases of
``validation/ness_exactness.py``); above
:data:`ENERGY_ERROR_LIMIT` :func:`solve_ness` raises :class:`ConvergenceError`.

Solvers (registry :data:`SOLVERS`)
----------------------------------
``picard``   ``a_{n+1} = N(a_n)`` from ``a_0 = R`` (seed 003, Theorem 1.3); linear rate at most
             ``lambda`` (in practice the ``k^4``-mode rate, see
             :mod:`kacspectral.boltzmann.isotropic.contraction`).
``newton``   Newton's method for ``N(a) - a = 0`` with the exact Jacobian of the quadratic map.
``anderson`` Anderson acceleration (type II, depth 6) of the Picard map, followed by 4 plain
             Picard steps that damp the extrapolation noise in high-index coefficients.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.isotropic import limits
from kacspectral.boltzmann.isotropic.bobylev import (
    basis_moments,
    coefficients_density,
    coefficients_moments,
    coefficients_phi,
    laguerre_gain_tensor,
    mixture_coefficients,
)
from kacspectral.boltzmann.isotropic.maps import (
    energy_direction,
    normalised_map,
    normalised_map_jacobian,
    reservoir_map,
)
from kacspectral.boltzmann.isotropic.truncation import (
    MAX_AUTO_TRUNCATION,
    MAX_MOMENT_ORDER,
    MAX_TRUNCATION,
    TAIL_MOMENT_ORDER,
    check_moment_order,
    check_truncation_order,
    choose_truncation,
    laguerre_ratio,
    laguerre_reference_temperature,
    tail_bound,
)
from kacspectral.errors import ConvergenceError, NegativeDensityWarning, TruncationWarning, short
from kacspectral.physics import kernel_io  # noqa: F401  (registers the kernel's save format)
from kacspectral.physics.kernels import AngularKernel, KernelSpec, get_kernel
from kacspectral.physics.reservoirs import ExactNumber, MaxwellianMixture, as_fraction
from kacspectral.results import ResultMixin

__all__ = [
    "ENERGY_ERROR_LIMIT",
    "MAX_AUTO_TRUNCATION",
    "MAX_MOMENT_ORDER",
    "NessProblem",
    "NessResult",
    "SOLVERS",
    "choose_truncation",
    "default_problem",
    "energy_direction",
    "normalised_map",
    "normalised_map_jacobian",
    "picard_iterates",
    "reservoir_map",
    "laguerre_reference_temperature",
    "solve_ness",
    "tail_bound",
]

@dataclass(frozen=True)
class NessProblem(ResultMixin):
    """Parameters of the reservoir steady-state problem (seed 003, eq. (1.4)).

    Parameters
    ----------
    gamma : number
        Reservoir coupling, ``0 < gamma < 1``; kept as an exact Fraction (accepts ``"1/2"``).
    reservoir : MaxwellianMixture
        ``R = sum_a w_a M_{T_a}``.
    kernel : AngularKernel or str
        Angular kernel (``"constant"``, ``"kac"``, an expression in ``s``, ...).
    """

    gamma: Fraction
    reservoir: MaxwellianMixture
    kernel: AngularKernel

    if TYPE_CHECKING:  # what the constructor accepts (__post_init__ normalises it)
        def __init__(self, gamma: ExactNumber, reservoir: MaxwellianMixture,
                     kernel: KernelSpec) -> None: ...

    def __post_init__(self) -> None:
        g = as_fraction(self.gamma, "gamma")
        if not 0 < g < 1:
            raise ValueError(
                f"gamma must lie strictly between 0 and 1 (the reservoir coupling), got {short(g)}"
            )
        object.__setattr__(self, "gamma", g)
        if not isinstance(self.reservoir, MaxwellianMixture):
            raise TypeError(
                f"reservoir must be a MaxwellianMixture, got {type(self.reservoir).__name__}"
            )
        object.__setattr__(self, "kernel", get_kernel(self.kernel))

    @property
    def lam(self) -> float:
        """Contraction constant ``lambda = (1-gamma) + gamma beta`` (seed 003, Lemma 1.2)."""
        return self.kernel.contraction_constant(self.gamma)

    @property
    def t_ref(self) -> float:
        """Reference temperature of the basis, :func:`laguerre_reference_temperature`."""
        return laguerre_reference_temperature(self.reservoir.t_min, self.reservoir.t_max)

    @property
    def rho(self) -> float:
        """Geometric convergence ratio of the coefficients at :attr:`t_ref`."""
        return laguerre_ratio(self.reservoir.t_min, self.reservoir.t_max, self.t_ref)

    @property
    def temperature_ratio(self) -> float:
        """``T_ref / T_min`` (enters the moment part of the truncation bound)."""
        return self.t_ref / self.reservoir.t_min

    def describe(self) -> dict:
        """JSON-ready summary."""
        out = {"gamma": str(self.gamma), "kernel": self.kernel.name}
        out.update(self.reservoir.describe())
        return out


def default_problem() -> NessProblem:
    """The issue's default: ``gamma = 1/2``, ``R = (M_{1/6} + M_{1/2})/2``, ``b = 1``."""
    reservoir = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    return NessProblem(Fraction(1, 2), reservoir, "constant")


#: Relative energy error ``|m_2 - m_2[R]|/m_2[R]`` above which :func:`solve_ness` raises.
ENERGY_ERROR_LIMIT = 1e-10


# --------------------------------------------------------------------------- solvers
Step = Callable[[NDArray], NDArray]


@dataclass
class _Context:
    g: Step  # the fixed-point map N
    jac: Callable[[NDArray], NDArray]  # its Jacobian
    moment_rows: NDArray  # rows: m_{2p} of the basis functions / m_{2p}[R], p <= P

    def residual(self, a: NDArray, ga: NDArray) -> float:
        """``max(|N(a) - a|_inf, max_{p <= P} |m_{2p}[N(a) - a]| / m_{2p}[R])``."""
        d = ga - a
        return float(max(np.max(np.abs(d)), np.max(np.abs(self.moment_rows @ d))))


def _picard(ctx: _Context, a0: NDArray, tol: float, max_iter: int):
    a, history = a0, []
    for it in range(1, max_iter + 1):
        ga = ctx.g(a)
        res = ctx.residual(a, ga)
        history.append(res)
        if res <= tol:
            return ga, it, history
        a = ga
    return a, max_iter, history


def _newton(ctx: _Context, a0: NDArray, tol: float, max_iter: int):
    a, history = a0, []
    eye = np.eye(a0.size)
    for it in range(1, max_iter + 1):
        ga = ctx.g(a)
        res = ctx.residual(a, ga)
        history.append(res)
        if res <= tol:
            return ga, it, history
        try:
            a = a - np.linalg.solve(ctx.jac(a) - eye, ga - a)
        except np.linalg.LinAlgError as exc:
            raise ConvergenceError(
                f"newton: the Jacobian system N'(a) - I is singular at iteration {it} "
                f"(residual {res:.3g}, K = {a.size - 1}): {exc}; try method='anderson' or "
                "'picard'"
            ) from exc
    return a, max_iter, history


_ANDERSON_POLISH = 4


def _anderson(ctx: _Context, a0: NDArray, tol: float, max_iter: int, depth: int = 6):
    a, history = a0, []
    xs: list[NDArray] = []
    gs: list[NDArray] = []
    for it in range(1, max_iter + 1):
        ga = ctx.g(a)
        res = ctx.residual(a, ga)
        history.append(res)
        if res <= tol:
            # Polish: the extrapolation leaves absolute noise of the size of the residual in
            # the high-index coefficients (which carry large weight in high moments); plain
            # Picard steps damp those modes fast (Taylor-mode rates d_n -> 0).
            for _ in range(_ANDERSON_POLISH):
                ga = ctx.g(ga)
            return ga, it, history
        xs.append(a)
        gs.append(ga)
        xs, gs = xs[-(depth + 1):], gs[-(depth + 1):]
        if len(xs) == 1:
            a = ga
            continue
        F = np.array([g - x for g, x in zip(gs, xs, strict=True)]).T  # residual columns
        dF = np.diff(F, axis=1)
        dG = np.diff(np.array(gs).T, axis=1)
        coef, *_ = np.linalg.lstsq(dF, F[:, -1], rcond=None)
        a = ga - dG @ coef
    return a, max_iter, history


#: Fixed-point solvers: name -> callable(ctx, a0, tol, max_iter) -> (a, iterations, history).
SOLVERS: dict[str, Callable[..., tuple[NDArray, int, list[float]]]] = {
    "picard": _picard,
    "newton": _newton,
    "anderson": _anderson,
}

_DEFAULT_MAX_ITER = {"picard": 20000, "newton": 60, "anderson": 2000}


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class NessResult(ResultMixin):
    """The computed steady state and how it was obtained.

    Attributes
    ----------
    problem : NessProblem
    coefficients : ndarray, shape (K+1,)
        ``a_n`` of ``phi(k) = exp(-y/2) sum a_n q_n(y)``, ``y = T_ref k^2`` (bobylev (B1)).
    t_ref : float
    truncation : int
        ``K``.
    method : str
    iterations : int
    residual : float
        ``max(max_n |N(a)_n - a_n|, max_{p<=P} |m_{2p}[N(a) - a]| / m_{2p}[R])`` at the returned
        coefficients (the coefficient change and the relative change of ``m_0 .. m_{2P}``,
        ``P`` = :attr:`moment_order`).
    history : tuple of float
        Residual at every iteration.
    tail_estimate : float
        ``tail(K)`` (:func:`tail_bound`), the a-priori truncation bound.
    min_density : float
        Minimum of the truncated density on ``|v| <= 10 sqrt(T_max)`` (negative values reported
        with :class:`NegativeDensityWarning`).
    energy_error : float
        A-posteriori ``|m_2[f] - m_2[R]| / m_2[R]`` (a theorem: the NESS has the energy of
        ``R``); the map imposes it, so this is rounding (~1e-16) unless something failed.
    moment_order : int
        ``P``: the truncation rule and the residual control ``m_0 .. m_{2P}``.
    """

    problem: NessProblem
    coefficients: NDArray
    t_ref: float
    truncation: int
    method: str
    iterations: int
    residual: float
    history: tuple[float, ...] = field(repr=False)
    tail_estimate: float = 0.0
    min_density: float = 0.0
    energy_error: float = 0.0
    moment_order: int = TAIL_MOMENT_ORDER

    def phi(self, k: ArrayLike) -> NDArray:
        """Characteristic function ``phi(|xi|) = f^(xi)`` at ``k = |xi|`` (any shape)."""
        return coefficients_phi(self.coefficients, self.t_ref, k)

    def density(self, speed: ArrayLike) -> NDArray:
        """Density ``f(v)`` at ``|v| = speed`` (bobylev (B2); stable, no Hankel quadrature)."""
        return coefficients_density(self.coefficients, self.t_ref, speed)

    def moments(self, n_max: int) -> NDArray:
        """``[m_0, m_2, ..., m_{2 n_max}]``, ``m_{2n} = int |v|^(2n) f dv`` (bobylev (B5))."""
        return coefficients_moments(self.coefficients, self.t_ref, n_max)


# --------------------------------------------------------------------------- driver
@dataclass(frozen=True)
class _Discretisation:
    K: int
    tail: float
    t_ref: float
    tensor: NDArray
    r: NDArray
    mass: NDArray
    energy: tuple[NDArray, float]  # (m_2 row of the basis, m_2[R])
    gamma: float

    def g(self, a: NDArray) -> NDArray:
        return normalised_map(a, self.tensor, self.r, self.gamma, self.mass, self.energy)

    def jac(self, a: NDArray) -> NDArray:
        return normalised_map_jacobian(a, self.tensor, self.r, self.gamma, self.mass, self.energy)

    def start(self) -> NDArray:
        """``f_0 = R``: its coefficients with mass 1 and the exact energy ``m_2[R]``."""
        a = self.r / float(self.mass @ self.r)
        row, target = self.energy
        d = energy_direction(self.mass)
        return a + (target - float(row @ a)) / float(row @ d) * d


def _setup(
    problem: NessProblem,
    tol: float,
    truncation: int | None,
    moment_order: int | None = None,
    check_truncation: bool = True,
) -> _Discretisation:
    res = problem.reservoir
    limits.check_representable(res.t_min, res.t_max, tol, MAX_TRUNCATION)  # hopeless ratios
    rho, theta = problem.rho, problem.temperature_ratio
    P = check_moment_order(moment_order)
    moments = f"m_0 .. m_{2 * P}"
    if truncation is None:
        K = choose_truncation(rho, tol, theta, P)
        tail = tail_bound(K, rho, theta, P)
        if tail > tol and check_truncation:
            warnings.warn(
                f"automatic truncation capped at K = {K}: the tail bound {tail:.3g} "
                f"(phi and {moments}) exceeds tol = {tol:.3g} (rho = {rho:.3f}, reservoir "
                f"temperature ratio {problem.reservoir.t_max / problem.reservoir.t_min:.4g} "
                "too large)",
                TruncationWarning,
                stacklevel=3,
            )
    else:
        K = check_truncation_order(truncation)
        tail = tail_bound(K, rho, theta, P)
        if tail > tol and check_truncation:
            warnings.warn(
                f"truncation K = {K} is too low: tail bound {tail:.3g} (phi and {moments}) > "
                f"tol = {tol:.3g} (rho = {rho:.3f}; automatic choice: "
                f"K = {choose_truncation(rho, tol, theta, P)})",
                TruncationWarning,
                stacklevel=3,
            )
    t_ref = problem.t_ref
    mu = basis_moments(1, t_ref, K)
    return _Discretisation(
        K=K,
        tail=tail,
        t_ref=t_ref,
        tensor=laguerre_gain_tensor(K, problem.kernel),
        r=mixture_coefficients(res.w, res.T, t_ref, K),
        mass=mu[0],
        energy=(mu[1], float(res.moment(1))),
        gamma=float(problem.gamma),
    )


def solve_ness(
    problem: NessProblem,
    method: str = "newton",
    tol: float = 1e-14,
    truncation: int | None = None,
    max_iter: int | None = None,
    moment_order: int | None = None,
) -> NessResult:
    """Compute the NESS ``f = Phi(f)`` of ``problem``.

    Parameters
    ----------
    problem : NessProblem
        The steady-state problem (seed 003, eq. (1.4)): ``gamma``, reservoir ``R``, kernel.
    method : {"picard", "newton", "anderson"}
        Solver from :data:`SOLVERS`.  Every solver starts from ``f_0 = R``.
    tol : float
        Stop when the residual (:class:`NessResult`) is ``<= tol``; also sets the automatic
        truncation.
    truncation : int, optional
        ``K``; default from the truncation rule of the module docstring.
    max_iter : int, optional
        Iteration cap (default 20000 Picard, 60 Newton, 2000 Anderson).
    moment_order : int, optional
        Highest moment ``m_{2P}`` the truncation rule and the residual control, ``P =
        max(6, moment_order)`` (default 6, i.e. ``m_0 .. m_12``; at most
        :data:`MAX_MOMENT_ORDER`).  Pass the highest moment order you will read.

    Returns
    -------
    NessResult
        The coefficients ``a_n`` of the steady state in the basis (B1) of :mod:`bobylev`
        (normalised to mass 1), with the residual, its history, the a-priori tail bound, the
        minimum of the truncated density and the relative energy error.

    Raises
    ------
    ValueError
        If ``method`` is unknown, ``tol``, ``truncation``, ``max_iter`` or ``moment_order`` is out
        of range, the reservoir temperatures are too far apart to represent, or ``problem`` has
        diffusive reservoirs (use
        :func:`~kacspectral.boltzmann.isotropic.diffusive.solve_diffusive_ness`).
    TypeError
        If ``problem`` is not a NessProblem.
    BudgetError
        If the worst-case work of ``method`` with ``max_iter`` at ``K`` exceeds the time budget.
    ConvergenceError
        If the residual of the returned coefficients is above ``tol`` (after ``max_iter``
        iterations, or after Anderson's polishing steps), if Newton's linear system is
        singular, or if the energy error (:class:`NessResult`) exceeds
        :data:`ENERGY_ERROR_LIMIT`.
    """
    if method not in SOLVERS:
        raise ValueError(f"method must be one of {sorted(SOLVERS)}, got {method!r}")
    tol = limits.check_tolerance(tol)  # in [2.2e-16, 1e-2]
    if not isinstance(problem, NessProblem):
        raise TypeError(f"problem must be a NessProblem, got {type(problem).__name__}")
    if getattr(problem, "diffusive", None) is not None:  # DiffusiveNessProblem
        raise ValueError("problem has diffusive reservoirs: use isotropic.diffusive.solve_"
                         "diffusive_ness (solve_ness would ignore them)")
    max_iter = _DEFAULT_MAX_ITER[method] if max_iter is None else max_iter
    P = check_moment_order(moment_order)
    disc = _setup(problem, tol, truncation, P)
    limits.check_solver(method, max_iter, disc.K)  # worst-case work within the time budget
    K, tail, t_ref = disc.K, disc.tail, disc.t_ref
    mom_r = np.array([problem.reservoir.moment(p) for p in range(P + 1)])
    ctx = _Context(
        g=disc.g, jac=disc.jac, moment_rows=basis_moments(P, t_ref, K) / mom_r[:, None]
    )
    a, its, history = SOLVERS[method](ctx, disc.start(), tol, int(max_iter))
    final = ctx.residual(a, ctx.g(a))
    if not (final <= tol):
        others = " or ".join(repr(m) for m in sorted(SOLVERS) if m != method)
        raise ConvergenceError(
            f"{method} did not reach tol = {tol:.3g} in {its} iterations: residual "
            f"{final:.3g} at the returned coefficients (gamma = {problem.gamma}, K = {K}; try "
            f"method={others}, a larger max_iter or a larger tol)"
        )
    m2 = disc.energy[1]
    energy_error = abs(float(disc.energy[0] @ a) - m2) / m2
    if not (energy_error <= ENERGY_ERROR_LIMIT):
        raise ConvergenceError(
            f"the NESS energy is off: |m_2 - m_2[R]|/m_2[R] = {energy_error:.3g} > "
            f"{ENERGY_ERROR_LIMIT:g} (gamma = {problem.gamma}, K = {K}, method = {method})"
        )
    if energy_error > max(tol, 64 * np.finfo(float).eps):
        warnings.warn(
            f"the NESS energy error |m_2 - m_2[R]|/m_2[R] = {energy_error:.3g} exceeds "
            f"tol = {tol:.3g} (gamma = {problem.gamma}, K = {K})",
            TruncationWarning,
            stacklevel=2,
        )
    speeds = np.linspace(0.0, 10.0 * math.sqrt(problem.reservoir.t_max), 801)
    dens = coefficients_density(a, t_ref, speeds)
    min_density = float(np.min(dens))
    if min_density < -64 * np.finfo(float).eps * float(np.max(dens)):
        v = speeds[int(np.argmin(dens))]
        warnings.warn(
            f"the truncated NESS density is negative: f(|v| = {v:.4g}) = {min_density:.3g} "
            f"(K = {K}); raise the truncation",
            NegativeDensityWarning,
            stacklevel=2,
        )
    return NessResult(
        problem=problem,
        coefficients=a,
        t_ref=t_ref,
        truncation=K,
        method=method,
        iterations=its,
        residual=final,
        history=tuple(history),
        tail_estimate=tail,
        min_density=min_density,
        energy_error=energy_error,
        moment_order=P,
    )


def picard_iterates(
    problem: NessProblem,
    n_steps: int,
    truncation: int | None = None,
    tol: float = 1e-14,
    check_truncation: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[NDArray], float, int]:
    """Coefficients of the Picard sequence ``f_0 = R, f_n = Phi(f_{n-1})``, ``n <= n_steps``.

    Returns ``(iterates, t_ref, K)`` (same basis, truncation rule and normalised,
    energy-preserving map as :func:`solve_ness`).  ``check_truncation=False`` skips the
    :class:`TruncationWarning` for a ``truncation`` that was already checked (e.g. taken from a
    :class:`NessResult`).  ``progress(done, n_steps)`` is called after each step.
    """
    disc = _setup(problem, tol, truncation, check_truncation=check_truncation)
    seq = [disc.start()]
    for i in range(int(n_steps)):
        seq.append(disc.g(seq[-1]))
        if progress is not None:
            progress(i + 1, int(n_steps))
    return seq, disc.t_ref, disc.K

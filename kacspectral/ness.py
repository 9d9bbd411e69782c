"""The isotropic non-equilibrium steady state (NESS) of Maxwell molecules with thermal reservoirs.

Model (seed 003, eqs. (1.4)-(1.7); MATH.md section 4)
-----------------------------------------------------
``df/dt = (1-gamma) Q(f,f) + gamma Q(f,R) = Phi(f) - f``,
``Phi(f) = (1-gamma) Q+(f,f) + gamma Q+(f,R)``, ``R = sum_a w_a M_{T_a}``.  The NESS is the unique
fixed point ``f = Phi(f)`` among probability densities with the energy of ``R`` (seed 003,
Lemma 1.2 / Theorem 1.3: ``Phi`` contracts the GTW distance by ``lambda = (1-gamma) + gamma beta``).

Discretisation
--------------
``phi = f^`` in the Gaussian-Laguerre basis of :mod:`kacspectral.bobylev` (eq. (B1)) at
``T_ref = sqrt(T_min T_max)`` (the geometric mean of the extreme reservoir temperatures, which
minimises the convergence ratio ``rho`` below), ``K + 1`` coefficients; ``Q+`` by the exact Galerkin
tensor (B4); ``R`` by its closed-form coefficients (B3).  The steady state is a mixture of
Maxwellians with temperatures in ``[T_min, T_max]``, so its coefficients are bounded by those of
such mixtures, ``|a_n| <= (1+rho)^(3/2) rho^n sqrt(Gamma(n+3/2)/n!)``,
``rho = (sqrt T_max - sqrt T_min)/(sqrt T_max + sqrt T_min)``; with
Szego's ``|exp(-y/2) q_n(y)| <= q_n(0)`` the sup-norm error of ``phi`` from dropping ``n > K``
is at most ``(1+rho)^(3/2) sum_{n>K} rho^n Gamma(n+3/2)/(n! Gamma(3/2))``; :func:`tail_bound`
also bounds the relative error of the moments ``m_0 .. m_12`` in the same way.

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

Accuracy floor.  The gain tensor is exact up to rounding (~1e-15 per entry); the energy mode
contracts only at rate ``lambda``, so its error is that rounding amplified by about
``1/(1-lambda)``: measured ``|m_2 - m_2[R]|`` is 5e-15 for the default problem and up to 1e-13
for ``lambda ~ 0.92`` (see ``validation/ness_exactness.py``).

Solvers (registry :data:`SOLVERS`)
----------------------------------
``picard``   ``a_{n+1} = N(a_n)`` from ``a_0 = R`` (seed 003, Theorem 1.3); linear rate at most
             ``lambda`` (in practice the ``k^4``-mode rate, see :mod:`kacspectral.contraction`).
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

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from .bobylev import (
    basis_moments,
    coefficients_density,
    coefficients_moments,
    coefficients_phi,
    gain,
    gain_jacobian,
    laguerre_gain_tensor,
    mixture_coefficients,
)
from .errors import ConvergenceError, NegativeDensityWarning, TruncationWarning
from .kernels import AngularKernel, get_kernel
from .reservoirs import MaxwellianMixture, as_fraction

__all__ = [
    "MAX_AUTO_TRUNCATION",
    "NessProblem",
    "NessResult",
    "SOLVERS",
    "choose_truncation",
    "default_problem",
    "normalised_map",
    "normalised_map_jacobian",
    "picard_iterates",
    "reservoir_map",
    "reference_temperature",
    "solve_ness",
    "tail_bound",
]

#: Largest truncation chosen automatically (the tensor has ``(K+1)^3`` entries).
MAX_AUTO_TRUNCATION = 160
#: Largest truncation accepted (Gauss-Laguerre nodes beyond ~1400 underflow ``exp(-y/2)``).
MAX_TRUNCATION = 200


@dataclass(frozen=True)
class NessProblem:
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

    def __post_init__(self) -> None:
        g = as_fraction(self.gamma, "gamma")
        if not 0 < g < 1:
            raise ValueError(
                f"gamma must lie strictly between 0 and 1 (the reservoir coupling), got {g} "
                f"= {float(g)!r}"
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
        g = float(self.gamma)
        return (1.0 - g) + g * self.kernel.beta

    @property
    def t_ref(self) -> float:
        """Reference temperature of the basis, :func:`reference_temperature`."""
        return reference_temperature(self.reservoir.t_min, self.reservoir.t_max)

    @property
    def rho(self) -> float:
        """Geometric convergence ratio of the coefficients at :attr:`t_ref`."""
        return _rho(self.reservoir.t_min, self.reservoir.t_max, self.t_ref)

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


def reference_temperature(t_min: float, t_max: float) -> float:
    """``T_ref = sqrt(T_min T_max)``: makes the basis ratios of ``M_{T_min}`` and ``M_{T_max}``
    equal and opposite, ``t = -rho`` and ``t = +rho``, minimising ``rho``."""
    return math.sqrt(float(t_min) * float(t_max))


def _rho(t_min: float, t_max: float, t_ref: float) -> float:
    return max(
        abs(t_min - t_ref) / (t_min + t_ref), abs(t_max - t_ref) / (t_max + t_ref)
    )


#: Moments ``m_0 .. m_{2P}`` whose relative truncation error the truncation rule controls.
TAIL_MOMENT_ORDER = 6
_TAIL_TERMS = 4000


def tail_bound(K: int, rho: float, temperature_ratio: float = 1.0) -> float:
    """A-priori truncation bound ``tail(K)`` (module docstring), shape of the NESS coefficients.

    ``tail(K) = (1+rho)^(3/2) sum_{j>K} rho^j sqrt(Gamma(j+3/2)/j!) w_j`` with
    ``w_j = max_{p <= P} theta^p mu_{p,j} / (T_ref^p (2p+1)!!)``, ``mu`` the basis moments
    (bobylev (B5)), ``theta = temperature_ratio = T_ref/T_min`` and ``P = TAIL_MOMENT_ORDER``.
    ``p = 0`` gives ``w_j = q_j(0) >= sup |exp(-y/2) q_j(y)|``, so ``tail(K)`` bounds the sup-norm
    error of ``phi``; ``p >= 1`` bounds the relative error of ``m_{2p}``
    (``m_{2p}[f_inf] >= T_min^p (2p+1)!!``).
    """
    return float(_tail_table(round(float(rho), 15), round(float(temperature_ratio), 15))[K])


_TAIL_CACHE: dict = {}


def _tail_table(rho: float, theta: float) -> NDArray:
    key = (rho, theta)
    if key not in _TAIL_CACHE:
        j = np.arange(_TAIL_TERMS)
        mu = basis_moments(TAIL_MOMENT_ORDER, 1.0, _TAIL_TERMS - 1)
        p = np.arange(TAIL_MOMENT_ORDER + 1)
        dfact = np.array([math.prod(range(1, 2 * q + 2, 2)) for q in p], dtype=float)
        w = np.max(mu * (theta**p / dfact)[:, None], axis=0)
        with np.errstate(under="ignore", divide="ignore"):
            log_a = j * math.log(rho) if rho > 0 else np.where(j == 0, 0.0, -np.inf)
            terms = np.exp(log_a + 0.5 * (special.gammaln(j + 1.5) - special.gammaln(j + 1.0)))
        terms = (1 + rho) ** 1.5 * terms * w
        # tail[K] = sum_{j > K} terms[j]
        tail = np.concatenate([np.cumsum(terms[::-1])[::-1][1:], [0.0]])
        _TAIL_CACHE[key] = tail
    return _TAIL_CACHE[key]


def choose_truncation(rho: float, tol: float, temperature_ratio: float = 1.0) -> int:
    """Smallest ``K >= 4`` with ``tail(K) <= 1e-2 tol`` (at most :data:`MAX_AUTO_TRUNCATION`)."""
    tail = _tail_table(round(float(rho), 15), round(float(temperature_ratio), 15))
    ok = np.nonzero(tail[: MAX_AUTO_TRUNCATION + 1] <= 1e-2 * tol)[0]
    ok = ok[ok >= 4]
    return int(ok[0]) if ok.size else MAX_AUTO_TRUNCATION


# --------------------------------------------------------------------------- the maps
def reservoir_map(a: NDArray, tensor: NDArray, r: NDArray, gamma: float) -> NDArray:
    """``Phi(a) = (1-gamma) G(a,a) + gamma G(a,r)`` (seed 003, eq. (1.7)) in coefficients."""
    return (1.0 - gamma) * gain(a, a, tensor) + gamma * gain(a, r, tensor)


def normalised_map(
    a: NDArray, tensor: NDArray, r: NDArray, gamma: float, mass: NDArray
) -> NDArray:
    """``N(a) = Phi(a) / m_0[Phi(a)]``, ``m_0[a] = mass . a`` (module docstring)."""
    p = reservoir_map(a, tensor, r, gamma)
    return p / float(mass @ p)


def normalised_map_jacobian(
    a: NDArray, tensor: NDArray, r: NDArray, gamma: float, mass: NDArray
) -> NDArray:
    """Exact Jacobian of :func:`normalised_map`:
    ``N' = (I - Phi mass^T / m_0) Phi' / m_0`` with
    ``Phi' = (1-gamma) dG(a,a) + gamma dG(., r)``."""
    p = reservoir_map(a, tensor, r, gamma)
    jp = (1.0 - gamma) * gain_jacobian(a, tensor, "both") + gamma * gain_jacobian(
        r, tensor, "first"
    )
    m0 = float(mass @ p)
    proj = np.eye(a.size) - np.outer(p, mass) / m0
    return proj @ jp / m0


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
        a = a - np.linalg.solve(ctx.jac(a) - eye, ga - a)
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
class NessResult:
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
        ``max(max_n |N(a)_n - a_n|, max_{p<=6} |m_{2p}[N(a) - a]| / m_{2p}[R])`` at the returned
        coefficients (the coefficient change and the relative change of ``m_0 .. m_12``).
    history : tuple of float
        Residual at every iteration.
    tail_estimate : float
        ``tail(K)`` (:func:`tail_bound`), the a-priori truncation bound.
    min_density : float
        Minimum of the truncated density on ``|v| <= 10 sqrt(T_max)`` (negative values reported
        with :class:`NegativeDensityWarning`).
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
def _setup(problem: NessProblem, tol: float, truncation: int | None):
    rho, theta = problem.rho, problem.temperature_ratio
    if truncation is None:
        K = choose_truncation(rho, tol, theta)
        tail = tail_bound(K, rho, theta)
        if tail > tol:
            warnings.warn(
                f"automatic truncation capped at K = {K}: the tail bound {tail:.3g} exceeds "
                f"tol = {tol:.3g} (reservoir temperature ratio too large, rho = {rho:.3f})",
                TruncationWarning,
                stacklevel=3,
            )
    else:
        if isinstance(truncation, bool) or not isinstance(truncation, (int, np.integer)) or not (
            1 <= truncation <= MAX_TRUNCATION
        ):
            raise ValueError(
                f"truncation must be an integer in [1, {MAX_TRUNCATION}] or None, got "
                f"{truncation!r}"
            )
        K = int(truncation)
        tail = tail_bound(K, rho, theta)
        if tail > tol:
            warnings.warn(
                f"truncation K = {K} is too low: tail bound {tail:.3g} > tol = {tol:.3g} "
                f"(rho = {rho:.3f}; automatic choice: K = {choose_truncation(rho, tol, theta)})",
                TruncationWarning,
                stacklevel=3,
            )
    t_ref = problem.t_ref
    tensor = laguerre_gain_tensor(K, problem.kernel)
    res = problem.reservoir
    r = mixture_coefficients(res.w, res.T, t_ref, K)
    mass = basis_moments(0, t_ref, K)[0]
    return K, tail, t_ref, tensor, r, mass


def solve_ness(
    problem: NessProblem,
    method: str = "newton",
    tol: float = 1e-14,
    truncation: int | None = None,
    max_iter: int | None = None,
) -> NessResult:
    """Compute the NESS ``f = Phi(f)`` of ``problem``.

    Parameters
    ----------
    problem : NessProblem
    method : {"picard", "newton", "anderson"}
        Solver from :data:`SOLVERS`.  Every solver starts from ``f_0 = R``.
    tol : float
        Stop when the residual (:class:`NessResult`) is ``<= tol``; also sets the automatic
        truncation.
    truncation : int, optional
        ``K``; default from the truncation rule of the module docstring.
    max_iter : int, optional
        Iteration cap (default 20000 Picard, 60 Newton, 2000 Anderson).

    Raises
    ------
    ConvergenceError
        If the residual is still above ``tol`` after ``max_iter`` iterations.
    """
    if method not in SOLVERS:
        raise ValueError(f"method must be one of {sorted(SOLVERS)}, got {method!r}")
    tol = float(tol)
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if not isinstance(problem, NessProblem):
        raise TypeError(f"problem must be a NessProblem, got {type(problem).__name__}")
    if max_iter is None:
        max_iter = _DEFAULT_MAX_ITER[method]
    K, tail, t_ref, tensor, r, mass = _setup(problem, tol, truncation)
    gamma = float(problem.gamma)
    mom_r = np.array([problem.reservoir.moment(p) for p in range(TAIL_MOMENT_ORDER + 1)])
    ctx = _Context(
        g=lambda a: normalised_map(a, tensor, r, gamma, mass),
        jac=lambda a: normalised_map_jacobian(a, tensor, r, gamma, mass),
        moment_rows=basis_moments(TAIL_MOMENT_ORDER, t_ref, K) / mom_r[:, None],
    )
    a, its, history = SOLVERS[method](ctx, r / float(mass @ r), tol, int(max_iter))
    final = ctx.residual(a, ctx.g(a))
    if not (final <= tol) and not (history and history[-1] <= tol):
        raise ConvergenceError(
            f"{method} did not reach tol = {tol:.3g} in {its} iterations: residual "
            f"{final:.3g} (try method='newton', a larger max_iter or a larger tol)"
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
    )


def picard_iterates(
    problem: NessProblem, n_steps: int, truncation: int | None = None, tol: float = 1e-14
) -> tuple[list[NDArray], float, int]:
    """Coefficients of the Picard sequence ``f_0 = R, f_n = Phi(f_{n-1})``, ``n <= n_steps``.

    Returns ``(iterates, t_ref, K)`` (same basis and truncation rule as :func:`solve_ness`).
    """
    K, _, t_ref, tensor, r, mass = _setup(problem, tol, truncation)
    gamma = float(problem.gamma)
    seq = [r / float(mass @ r)]
    for _ in range(int(n_steps)):
        seq.append(normalised_map(seq[-1], tensor, r, gamma, mass))
    return seq, t_ref, K

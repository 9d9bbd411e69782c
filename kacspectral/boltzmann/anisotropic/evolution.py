"""Time evolution of the homogeneous Boltzmann equation with thermal reservoirs (Hermite form).

Equation (seed 003, eq. (1.4); conventions page, section 4), for a state ``f`` of mass 1:

    df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R) = Phi(f) - f,
    Phi(f) = (1 - gamma) Q+(f, f) + gamma Q+(f, R),

``gamma in [0, 1)`` (``gamma = 0`` is the pure Boltzmann equation for Maxwell molecules),
``R = sum_a w_a M_{T_a}``.  The state is the coefficient vector ``a`` of
``f = M_{T_ref} sum_j a_j psi_j`` in a
:class:`~kacspectral.boltzmann.anisotropic.collision.HermiteSpace` (Burnett
functions spanning the tensor **He_n** of total degree ``<= K``, weight ``M_{T_ref}``); ``Q+`` and
``Q+(., R)`` are the exact Galerkin operators of
:class:`~kacspectral.boltzmann.anisotropic.collision.CollisionOperator`.
Since they map degrees ``<= K`` to degrees ``<= K`` without error (conventions page, section 3), the
truncated dynamics is exact on the retained coefficients: every moment of order ``<= K`` evolves
exactly, and only the time integrator errs.

Right-hand sides
----------------
``rhs(t, a) = (1-gamma) Q(a, a) + gamma [Q+(a, R) - nu a]``, ``Q(a, a) = Q+(a, a) - nu a_0 a``
(``nu = (1/2) int b = 1``): conserves the mass ``a_0`` for any value of it; usable with
:func:`scipy.integrate.solve_ivp`.

For the exponential / integrating-factor schemes (:mod:`kacspectral.spectral.timesteppers`) the
loss is
split off exactly as ``L a = -nu a`` and the rest is

    N(a) = Phi(a) + (1-gamma) nu (1 - a_0) a,

which equals ``Phi(a)`` at mass 1 (so ``L a + N(a)`` is ``rhs``); the correction keeps the mass
*neutral*: under ``Phi(f) - f`` alone the mass would obey ``m' = (1-gamma)(m^2 - m)``, whose fixed
point ``m = 1`` is unstable, and rounding errors would grow like ``exp((1-gamma) t)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.boltzmann.anisotropic.collision_tensor import estimate_apply_seconds
from kacspectral.boltzmann.isotropic.ness import NessProblem, NessResult, solve_ness
from kacspectral.errors import ConvergenceError, check_budget
from kacspectral.physics.kernels import AngularKernel, KernelSpec, get_kernel
from kacspectral.physics.reservoirs import ExactNumber, MaxwellianMixture, as_fraction
from kacspectral.results import ResultMixin
from kacspectral.spectral.timesteppers import (
    SCHEME_STAGES,
    SCHEMES,
    SplitODE,
    integrate,
    step_plan,
)

__all__ = [
    "EvolutionProblem",
    "EvolutionResult",
    "SCIPY_METHODS",
    "EquilibriumReference",
    "equilibrium_reference",
    "estimate_evolution",
    "evolve",
    "reference_temperature",
]

#: solve_ivp methods accepted as ``scheme="scipy:<method>"``.
SCIPY_METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")


@dataclass(frozen=True)
class EvolutionProblem(ResultMixin):
    """Parameters of ``df/dt = (1-gamma) Q(f,f) + gamma Q(f,R)`` on a Hermite space.

    Parameters
    ----------
    gamma : number in [0, 1)
        Reservoir coupling, kept as an exact Fraction (``"1/2"`` accepted); 0 is the pure
        Boltzmann equation.
    reservoir : MaxwellianMixture or None
        ``R`` (required when ``gamma > 0``; ignored, and may be None, when ``gamma = 0``).
    kernel : AngularKernel or str
        Angular kernel ``b`` (``"constant"``, ``"kac"``, an expression in ``s``).
    space : HermiteSpace
        The truncation (degree ``K``, ``T_ref``, optional ``l_max``).
    """

    gamma: Fraction
    reservoir: MaxwellianMixture | None
    kernel: AngularKernel
    space: HermiteSpace

    if TYPE_CHECKING:
        # What the constructor accepts (``__post_init__`` normalises it to the fields' types);
        # mypy reads this signature, the dataclass generates the one that runs.
        def __init__(
            self,
            gamma: ExactNumber,
            reservoir: MaxwellianMixture | None,
            kernel: KernelSpec,
            space: HermiteSpace,
        ) -> None: ...

    def __post_init__(self) -> None:
        g = as_fraction(self.gamma, "gamma")
        if not 0 <= g < 1:
            raise ValueError(f"gamma must be in [0, 1), got {g} = {float(g)!r}")
        object.__setattr__(self, "gamma", g)
        if self.reservoir is not None and not isinstance(self.reservoir, MaxwellianMixture):
            raise TypeError(
                "reservoir must be a MaxwellianMixture or None, got "
                f"{type(self.reservoir).__name__}"
            )
        if g > 0 and self.reservoir is None:
            raise ValueError(f"gamma = {g} > 0 needs a reservoir, got None")
        if not isinstance(self.space, HermiteSpace):
            raise TypeError(f"space must be a HermiteSpace, got {type(self.space).__name__}")
        object.__setattr__(self, "kernel", get_kernel(self.kernel))

    def __getstate__(self) -> dict:
        """Pickle the parameters only: the cached operator is rebuilt on first use."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    # ------------------------------------------------------------------ constants
    @property
    def lam(self) -> float:
        """``lambda = (1-gamma) + gamma beta`` (seed 003, Lemma 1.2)."""
        return self.kernel.contraction_constant(self.gamma)

    @property
    def decay_rate(self) -> float:
        """``1 - lambda``, the seed's rate: ``d(f(t), f_inf) <= exp(-(1-lambda)t) d(f_0, f_inf)``
        (seed 003, section 2)."""
        return 1.0 - self.lam

    # ------------------------------------------------------------------ operators
    @cached_property
    def operator(self) -> CollisionOperator:
        """The collision operator (built once per truncation and kernel, then cached)."""
        return CollisionOperator(self.space, self.kernel)

    @cached_property
    def reservoir_matrix(self) -> sps.csr_matrix | None:
        """Sparse (CSR) ``G`` with ``G a`` = coefficients of ``Q+(f_a, R)`` (None without
        reservoir; :meth:`CollisionOperator.reservoir_gain_matrix`)."""
        if self.reservoir is None or self.gamma == 0:
            return None
        return self.operator.reservoir_gain_matrix(self.reservoir)

    def gain_map(self, a: ArrayLike) -> NDArray:
        """``Phi(a) = (1-gamma) Q+(a, a) + gamma Q+(a, R)`` (seed 003, eq. (1.6))."""
        a = np.asarray(a, dtype=float)
        g = float(self.gamma)
        out = (1.0 - g) * self.operator.gain(a, a)
        if self.reservoir_matrix is not None:
            out = out + g * (self.reservoir_matrix @ a)
        return out

    def rhs(self, t: float, a: ArrayLike) -> NDArray:
        """``da/dt = (1-gamma) Q(a, a) + gamma (Q+(a, R) - nu a)``; for ``solve_ivp``."""
        a = np.asarray(a, dtype=float)
        nu = self.operator.nu
        return self.gain_map(a) - nu * ((1.0 - float(self.gamma)) * a[0] + float(self.gamma)) * a

    def split_ode(self) -> SplitODE:
        """``L = -nu``, ``N(a) = Phi(a) + (1-gamma) nu (1 - a_0) a`` (module docstring)."""
        return SplitODE(-self.operator.nu, self.split_nonlinear)

    def split_nonlinear(self, t: float, a: NDArray) -> NDArray:
        """``N(a) = Phi(a) + (1-gamma) nu (1 - a_0) a`` (module docstring)."""
        c = (1.0 - float(self.gamma)) * self.operator.nu
        return self.gain_map(a) + c * (1.0 - a[0]) * a

    def describe(self) -> dict:
        """JSON-ready summary."""
        out = {
            "gamma": str(self.gamma),
            "kernel": self.kernel.name,
            "lambda": self.lam,
            "space": self.space.describe(),
        }
        if self.reservoir is not None:
            out["reservoir"] = self.reservoir.describe()
        return out


@dataclass(frozen=True, eq=False)
class EvolutionResult(ResultMixin):
    """Coefficients along an evolution.

    Attributes
    ----------
    problem : EvolutionProblem
    times : ndarray (n,)
    coefficients : ndarray (n, size)
    scheme : str
    dt : float or None
        Fixed step (None for adaptive scipy methods).
    rhs_evaluations : int
    """

    problem: EvolutionProblem
    times: NDArray
    coefficients: NDArray
    scheme: str
    dt: float | None
    rhs_evaluations: int

    @property
    def final(self) -> NDArray:
        """Coefficients at the last time."""
        return self.coefficients[-1]

    def moments(self, n_max: int) -> NDArray:
        """Radial moments ``[m_0, m_2, ..., m_{2 n_max}]``, ``m_{2n} = int |v|^(2n) f dv``, at
        each time: shape ``(len(times), n_max + 1)``.

        The same quantity as :meth:`NessResult.moments
        <kacspectral.boltzmann.isotropic.ness.NessResult.moments>` (one row per time); exact
        from the ``l = 0`` coefficients
        (:meth:`~kacspectral.spectral.hermite_space.HermiteSpace.radial_moments`), NaN for
        ``2n`` above the truncation degree.  Tensor moments: :meth:`moment_tensors`.
        """
        return self.problem.space.radial_moments(self.coefficients, n_max)

    def moment_tensors(self) -> dict[str, NDArray]:
        """``mass``, ``momentum`` (n,3), ``second`` (n,3,3), ``m2``, ``fourth`` at each time
        (:meth:`~kacspectral.spectral.hermite_space.HermiteSpace.moments` per time)."""
        rows = [self.problem.space.moments(a) for a in self.coefficients]
        return {key: np.array([r[key] for r in rows]) for key in
                ("mass", "momentum", "second", "m2", "fourth")}


def evolve(
    problem: EvolutionProblem,
    initial: ArrayLike,
    times: ArrayLike,
    *,
    dt: float = 0.05,
    scheme: str = "etdrk4",
    rtol: float = 1e-12,
    atol: float = 1e-14,
    callback: Callable[[int, float, NDArray], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
) -> EvolutionResult:
    """Evolve the coefficients ``initial`` through the output ``times`` (the first is ``t_0``).

    Parameters
    ----------
    problem : EvolutionProblem
    initial : array (size,)
        Coefficients at ``times[0]`` (mass 1 expected; the schemes conserve it).
    times : increasing sequence
    dt : float
        Step of the fixed-step schemes (:data:`kacspectral.spectral.timesteppers.SCHEMES`).
    scheme : str
        ``"etdrk4"`` (default; loss term exact), ``"rk4"``, ``"lawson-rk4"``, ``"etdrk2"``,
        ``"heun"``, or ``"scipy:<method>"`` with a :func:`scipy.integrate.solve_ivp` method
        (``"scipy:DOP853"``) using ``rtol``/``atol``.
    callback : callable, optional
        ``callback(i, t_i, a_i)`` at each output time (fixed-step schemes).
    progress : callable, optional
        ``progress(done, total)`` after every step (fixed-step schemes).
    force : bool
        Run even when :func:`estimate_evolution` predicts more than an hour (memory is always
        checked).

    Returns
    -------
    EvolutionResult
        The output ``times`` and the coefficients at each of them (shape ``(len(times),
        size)``, in the Hermite basis of ``problem.space``), with the scheme, the step (None
        for ``scipy:`` methods) and the number of right-hand-side evaluations.

    Raises
    ------
    ValueError
        Bad ``initial``/``times``/``dt``/``scheme``, or work beyond the budget
        (:class:`~kacspectral.errors.BudgetError`, with the estimate).
    ConvergenceError
        If a ``scipy:`` method fails.
    """
    a0 = np.asarray(initial, dtype=float)
    if a0.shape != (problem.space.size,):
        raise ValueError(
            f"initial coefficients must have shape ({problem.space.size},), got {a0.shape}"
        )
    if not np.all(np.isfinite(a0)):
        raise ValueError("initial coefficients must be finite")
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size < 1 or np.any(np.diff(t) <= 0) or not np.all(np.isfinite(t)):
        raise ValueError(
            f"times must be finite and strictly increasing, got {np.ravel(t).tolist()}"
        )
    count = [0]
    if isinstance(scheme, str) and scheme.startswith("scipy:"):
        method = scheme.split(":", 1)[1]
        if method not in SCIPY_METHODS:
            raise ValueError(
                f"unknown solve_ivp method {method!r}; expected one of {SCIPY_METHODS}"
            )

        def fun(tt: float, y: NDArray) -> NDArray:
            count[0] += 1
            return problem.rhs(tt, y)

        if t.size == 1:
            out = a0[None, :].copy()
        else:
            sol = solve_ivp(fun, (t[0], t[-1]), a0, method=method, t_eval=t, rtol=rtol,
                            atol=atol)
            if not sol.success:
                raise ConvergenceError(f"solve_ivp ({method}) failed: {sol.message}")
            out = sol.y.T.copy()
            if callback is not None:
                for i, (ti, ai) in enumerate(zip(t, out, strict=True)):
                    callback(i, float(ti), ai)
        return EvolutionResult(problem, t, out, scheme, None, count[0])
    if scheme not in SCHEMES:
        raise ValueError(
            f"unknown time-stepping scheme {scheme!r}; expected one of {sorted(SCHEMES)} or "
            f"'scipy:<method>' with a method in {SCIPY_METHODS}"
        )
    ode = problem.split_ode()  # builds the collision tensor (its memory budget checked)
    est = estimate_evolution(problem.space, t, dt, scheme, even_kernel=problem.kernel.is_even)
    check_budget(f"the evolution with dt = {float(dt):.3g} ({est['steps']:.3g} steps of "
                 f"{scheme})", nbytes=est["bytes"], seconds=est["seconds"], force=force,
                 hint="raise dt (or pass force=True / --force to run anyway)")
    counted = SplitODE(ode.linear, lambda tt, y: (count.__setitem__(0, count[0] + 1),
                                                  ode.nonlinear(tt, y))[1])
    out = integrate(counted, a0, t, float(dt), scheme, callback=callback, progress=progress)
    return EvolutionResult(problem, t, out, scheme, float(dt), count[0])


def estimate_evolution(
    space: HermiteSpace, times: Sequence[float] | NDArray, dt: float, scheme: str = "etdrk4",
    even_kernel: bool = True,
) -> dict:
    """Cost of :func:`evolve` with a fixed-step ``scheme``, without running it.

    ``steps`` and the step actually used from
    :func:`kacspectral.spectral.timesteppers.step_plan`; ``rhs_evaluations = steps *``
    :data:`~kacspectral.spectral.timesteppers.SCHEME_STAGES` (equal to the counted
    evaluations); each evaluation applies the collision tensor once
    (``estimate_apply_seconds`` of :mod:`kacspectral.boltzmann.anisotropic.collision_tensor`,
    an upper bound: it exceeds measured times by 1.5-3x); ``bytes`` for the output
    coefficients (the tensor has its own budget check).  Returns
    ``{"steps", "step_used", "rhs_evaluations", "seconds", "bytes"}``.
    """
    counts, used = step_plan(times, float(dt))
    steps = sum(counts)
    rhs = steps * SCHEME_STAGES[scheme]
    per_rhs = estimate_apply_seconds(space.degree, space.l_max, even_kernel)
    return {
        "steps": steps,
        "step_used": used,
        "rhs_evaluations": rhs,
        "seconds": rhs * per_rhs,
        "bytes": (len(counts) + 1) * space.size * 8,
    }


def reference_temperature(
    initial_temperatures: Sequence[float], reservoir: MaxwellianMixture | None = None
) -> float:
    """``T_ref`` for an evolution: :meth:`HermiteSpace.choose_temperature` (the midpoint rule)
    over the initial data's Gaussian temperatures and the reservoir's temperatures."""
    temps = [float(x) for x in initial_temperatures]
    if reservoir is not None:
        temps += [float(x) for x in reservoir.T]
    return HermiteSpace.choose_temperature(temps)


class _MaxwellianPhi:
    """``k -> exp(-T k^2/2)``, the characteristic function of ``M_T`` (pickles)."""

    def __init__(self, temperature: float):
        self.temperature = float(temperature)

    def __call__(self, k: ArrayLike) -> NDArray:
        return np.exp(-0.5 * self.temperature * np.asarray(k, dtype=float) ** 2)


@dataclass(frozen=True, eq=False)
class EquilibriumReference(ResultMixin):
    """The state an evolution tends to, for GTW distances (isotropic: ``f^(xi) = phi(|xi|)``).

    Attributes
    ----------
    kind : str
        ``"ness"`` (gamma > 0: the isotropic NESS of :mod:`kacspectral.boltzmann.isotropic.ness`) or
        ``"maxwellian"`` (gamma = 0: the centred Maxwellian with the initial energy, the
        equilibrium of the pure Boltzmann equation for centred data).
    description : str
    moment_tensors : dict
        ``mass``, ``momentum``, ``second`` (``m2/3 I``), ``m2`` of the reference (the mapping
        the 3D path of :func:`kacspectral.boltzmann.gtw.gtw_distance` takes).
    ness : NessResult or None
        The steady state (kind ``"ness"``).
    temperature : float or None
        ``T`` of the Maxwellian (kind ``"maxwellian"``).
    """

    kind: str
    description: str
    moment_tensors: dict
    ness: NessResult | None = None
    temperature: float | None = None

    def phi(self, k: ArrayLike) -> NDArray:
        """``f^`` at ``|xi| = k`` (any shape)."""
        if self.ness is not None:
            return self.ness.phi(k)
        if self.temperature is None:
            raise ValueError("an EquilibriumReference needs a ness or a temperature")
        return _MaxwellianPhi(self.temperature)(k)

    def fourier(self, xi: ArrayLike) -> NDArray:
        """``f^(xi) = phi(|xi|)`` for ``xi`` of shape ``(..., 3)``."""
        xi = np.asarray(xi, dtype=float)
        return self.phi(np.sqrt(np.sum(xi * xi, axis=-1))).astype(complex)


def equilibrium_reference(
    problem: EvolutionProblem, initial_m2: float, tol: float = 1e-14
) -> EquilibriumReference:
    """The long-time limit of a centred evolution (see :class:`EquilibriumReference`).

    For ``gamma > 0`` the NESS (Newton, ``tol``) of the same ``gamma``, ``R`` and kernel; its
    energy is ``m2[R]`` whatever the initial energy.  For ``gamma = 0`` the Maxwellian
    ``M_T`` with ``T = initial_m2/3`` (energy is conserved).
    """
    if problem.gamma > 0:
        if problem.reservoir is None:  # excluded by EvolutionProblem.__post_init__
            raise ValueError(f"gamma = {problem.gamma} > 0 needs a reservoir, got None")
        res = solve_ness(NessProblem(problem.gamma, problem.reservoir, problem.kernel),
                         method="newton", tol=tol)
        m2 = float(res.moments(1)[1])
        return EquilibriumReference(
            "ness",
            f"isotropic NESS of kacspectral.boltzmann.isotropic.ness (gamma = {problem.gamma}, "
            f"Laguerre truncation {res.truncation}, residual {res.residual:.2g})",
            {"mass": 1.0, "momentum": np.zeros(3), "second": m2 / 3 * np.eye(3), "m2": m2},
            ness=res,
        )
    m2 = float(initial_m2)
    if not m2 > 0:
        raise ValueError(f"initial energy m2 must be > 0, got {initial_m2!r}")
    T = m2 / 3.0
    return EquilibriumReference(
        "maxwellian",
        f"centred Maxwellian with the initial energy (T = m2/3 = {T:.12g}): the equilibrium of "
        "the pure Boltzmann equation (gamma = 0)",
        {"mass": 1.0, "momentum": np.zeros(3), "second": T * np.eye(3), "m2": m2},
        temperature=T,
    )

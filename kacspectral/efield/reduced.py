"""The reduced (epsilon -> 0) model of the electric-field equation (seed 003, section 5).

As epsilon -> 0 the collisions force ``f`` to a local Maxwellian ``M_{u,T}`` (``u`` along the
field ``E = E e_z``).  Taking the moments ``v`` and ``|v|^2`` of (5.1) for ``f = M_{u,T}`` -- the
collision term conserves both, ``int v (f~ - f) = -u``, ``int |v|^2 (f~ - f) = 0`` and
``int phi div[D M grad(f/M)] = -int D f grad(phi) . grad log(f/M)`` with
``grad log(M_{u,T}/M_{T0}) = v/T0 - (v - u)/T`` -- gives the closed ODE

    du/dt  = E - nu u - P(u, T),     P = int D M_{u,T} (v_z/T0 - (v_z - u)/T) dv,
    dm2/dt = 2 E u - 2 W(u, T),      W = int D M_{u,T} (|v|^2/T0 - v.(v - u)/T) dv,
    dT/dt  = (dm2/dt - 2 u du/dt)/3 = (2/3) (nu u^2 + u P - W)

(``m2 = |u|^2 + 3T``; the field drops out of the temperature equation and ``nu`` out of the
energy equation).  For constant ``D`` this is ``du/dt = E - nu u - D u/T0``,
``dm2/dt = 2 E u + 6 D - 2 D m2/T0``, exact for every epsilon (:func:`exact_constant_d`).

The integrals ``A_k = int D M_{u,T} v^k`` are closed form for ``D = a + b exp(-r^2/(2c))``:
``exp(-|v|^2/(2c)) M_{u,T} = Z M_{mu,S}`` with ``S = cT/(c+T)``, ``mu = c u/(c+T)``,
``Z = (S/T)^(3/2) exp(-u^2/(2(c+T)))``; otherwise spherical coordinates about the origin, with
the angular integrals in closed form and a composite Gauss-Legendre rule in ``r``.  Derivatives are
complex-step (exact to rounding), so the Jacobian, its eigenvalues and the fold points are
limited by rounding only.  Perturbations of the drift across the field have the eigenvalue
``-nu - P/u = -E/u`` at a stationary state (``< 0``): the stability is decided in the
(u, T) plane.

Continuation in E is pseudo-arclength (predictor along the tangent of ``F(u, T, E) = 0``,
Newton corrector on ``[F; t.(y - y_pred)] = 0``); folds, where the tangent's E component
changes sign, are solved on the extended system ``F = 0, det J = 0``.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.errors import ConvergenceError
from kacspectral.results import ResultMixin

__all__ = [
    "EFieldBranch",
    "OutOfRangeError",
    "ReducedState",
    "continue_branch",
    "diffusion_integrals",
    "exact_constant_d",
    "locate_fold",
    "reduced_jacobian",
    "reduced_rhs",
    "reduced_state",
    "stationary_states",
]

_H = 1e-30  # complex step
# The (u, T) range on which the reduced right-hand side is evaluated.  Outside it a solver is
# exploring (e.g. MINPACK's hybrid Newton in log T underflows T to 0): the evaluation raises
# OutOfRangeError instead of returning nan, and the solvers treat that start or step as failed.
_T_MIN, _T_MAX, _U_MAX = 1e-8, 1e8, 1e4


class OutOfRangeError(ValueError):
    """(u, T) outside the range on which the reduced model is evaluated (module constants)."""


def diffusion_integrals(diffusion: Diffusion, u: complex, T: complex, method: str = "auto",
                        nodes: int = 96) -> tuple:
    """``(A0, A1, A2) = int D(|v|) M_{u e_z, T}(v) (1, v_z, |v|^2) dv`` (module docstring).

    ``method``: ``"closed"`` (needs ``D = a + b exp(-r^2/(2c))``), ``"quadrature"`` or
    ``"auto"`` (closed form when available).  ``u`` and ``T`` may be complex (complex step).
    """
    t_re, u_re = float(np.real(T)), float(np.real(u))
    if not (math.isfinite(u_re) and abs(u_re) <= _U_MAX and _T_MIN <= t_re <= _T_MAX):
        raise OutOfRangeError(
            f"(u, T) = ({u_re:.6g}, {t_re:.6g}) is outside the reduced model's range "
            f"|u| <= {_U_MAX:g}, {_T_MIN:g} <= T <= {_T_MAX:g}")
    params = diffusion.gaussian_parameters if method != "quadrature" else None
    if method == "closed" and params is None:
        raise ValueError(f"no closed form for D(r) = {diffusion.name}: not a + b exp(-r^2/(2c))")
    if params is not None:
        a, b, c = params
        S = c * T / (c + T)
        mu = c * u / (c + T)
        Z = (c / (c + T)) ** 1.5 * np.exp(-u * u / (2.0 * (c + T)))  # (S/T)^(3/2): no 0/0
        return (a + b * Z, a * u + b * Z * mu,
                a * (u * u + 3.0 * T) + b * Z * (mu * mu + 3.0 * S))
    return _radial_integrals(diffusion, u, T, nodes)


def _radial_integrals(diffusion: Diffusion, u: complex, T: complex, nodes: int) -> tuple:
    """``A_k`` in spherical coordinates about the origin: the angular integrals of
    ``M_{u,T}`` are closed form, ``(1/2) int exp(a mu) dmu = sinh(a)/a`` and
    ``(1/2) int mu exp(a mu) dmu = (cosh a - sinh(a)/a)/a`` with ``a = r u/T``, written with
    ``e_-+ = exp(-(r -+ u)^2/(2T))`` so that nothing overflows; the radial integral is
    composite Gauss-Legendre (panels of width <= 1/2, ``nodes`` // 4 points each) on
    ``[0, |u| + 14 sqrt(T) + 8]`` -- it resolves a D varying on the scale 1 for every T."""
    t_abs = abs(T)  # in range: checked by diffusion_integrals
    r_max = abs(u) + 14.0 * math.sqrt(t_abs) + 8.0
    panels = int(math.ceil(r_max / 0.5))
    g, wg = np.polynomial.legendre.leggauss(max(nodes // 4, 8))
    edges = np.linspace(0.0, r_max, panels + 1)
    half = 0.5 * (edges[1:] - edges[:-1])
    r = ((edges[:-1] + half)[:, None] + half[:, None] * g[None, :]).ravel()
    w = (half[:, None] * wg[None, :]).ravel()
    em = np.exp(-(r - u) ** 2 / (2 * T))
    ep = np.exp(-(r + u) ** 2 / (2 * T))
    a = r * u / T
    small = np.abs(a) < 1e-3
    a_s = np.where(small, 1.0, a)
    base = np.exp(-(r * r + u * u) / (2 * T))
    k0 = np.where(small, base * (1 + a * a / 6 + a**4 / 120), (em - ep) / (2 * a_s))
    k1 = np.where(small, base * (a / 3 + a**3 / 30),
                  ((em + ep) / 2 - (em - ep) / (2 * a_s)) / a_s)
    d = diffusion(r) * w * r * r * 4 * math.pi * (2 * math.pi * T) ** -1.5
    return (np.sum(d * k0), np.sum(d * r * k1), np.sum(d * r * r * k0))


def reduced_rhs(x: NDArray, E: float, nu: float, diffusion: Diffusion, t0: float,
                method: str = "auto") -> NDArray:
    """``(du/dt, dT/dt)`` of the reduced model at ``x = (u, T)`` (module docstring)."""
    u, T = x[0], x[1]
    a0, a1, a2 = diffusion_integrals(diffusion, u, T, method)
    P = a1 / t0 - (a1 - u * a0) / T
    W = a2 / t0 - (a2 - u * a1) / T
    return np.array([E - nu * u - P, 2.0 * (nu * u * u + u * P - W) / 3.0])


def reduced_jacobian(x: NDArray, E: float, nu: float, diffusion: Diffusion, t0: float,
                     method: str = "auto") -> NDArray:
    """``d(du/dt, dT/dt)/d(u, T)`` by complex step (exact to rounding)."""
    J = np.empty((2, 2))
    for k in range(2):
        xc = np.array(x, dtype=complex)
        xc[k] += 1j * _H
        J[:, k] = reduced_rhs(xc, E, nu, diffusion, t0, method).imag / _H
    return J


@dataclass(frozen=True)
class ReducedState(ResultMixin):
    """A stationary point ``(u, T)`` of the reduced model at field ``E``; a ``ResultMixin``
    result (``to_dict``, ``save``, ``kacspectral.load``; :meth:`summary` is the flat record of
    the CLI's ``states``).

    ``eigenvalues``: of the (u, T) Jacobian (the transverse drift eigenvalue ``-E/u`` is < 0);
    ``stable``: all real parts < 0; ``kind``: "stable", "saddle", "unstable" or "marginal"
    (a real part within 1e-9 of zero relative to the largest: a fold, where the sign is
    rounding -- neither stable nor unstable is claimed).

    Attributes
    ----------
    E : float
        The field (along ``e_z``).
    u, T : float
        Drift along ``e_z`` and temperature of the stationary point ``M_{u e_z, T}``.
    eigenvalues : tuple of complex
        Eigenvalues of the Jacobian of the reduced ``(u, T)`` system at the point.
    residual : float
        Max-norm of the reduced right-hand side at the point.
    """

    E: float
    u: float
    T: float
    eigenvalues: tuple
    residual: float

    @property
    def m2(self) -> float:
        return self.u**2 + 3.0 * self.T

    @property
    def stable(self) -> bool:
        return self.kind == "stable"

    @property
    def kind(self) -> str:
        re = np.real(self.eigenvalues)
        if np.any(np.abs(re) <= 1e-9 * max(1.0, float(np.max(np.abs(re))))):
            return "marginal"  # a fold: a zero eigenvalue, its sign is rounding
        npos = int(np.sum(re > 0))
        return "stable" if npos == 0 else "saddle" if npos == 1 else "unstable"

    def summary(self) -> dict:
        """Flat JSON-ready record: E, u, T, m2, stable, kind, model, residual, eigenvalues."""
        ev = [complex(e) for e in self.eigenvalues]
        return {"E": self.E, "u": self.u, "T": self.T, "m2": self.m2, "stable": self.stable,
                "kind": self.kind, "model": "reduced", "residual": self.residual,
                "eigenvalues": [[e.real, e.imag] for e in ev]}


def _params(problem: EFieldProblem) -> tuple:
    assert isinstance(problem.diffusion, Diffusion)
    return problem.nu, problem.diffusion, problem.t0


def reduced_state(problem: EFieldProblem, guess: tuple, method: str = "auto",
                  tol: float = 1e-13) -> ReducedState:
    """Newton (scipy ``root``, hybrid method, complex-step Jacobian) from ``guess = (u, T)``,
    in the variables ``(u, log T)``; raises ConvergenceError when no root is reached."""
    nu, diff, t0 = _params(problem)
    E = problem.field

    def fun(y: NDArray) -> NDArray:
        return reduced_rhs(np.array([y[0], math.exp(y[1])]), E, nu, diff, t0, method)

    def jac(y: NDArray) -> NDArray:
        T = math.exp(y[1])
        J = reduced_jacobian(np.array([y[0], T]), E, nu, diff, t0, method)
        return J * np.array([1.0, T])

    if not guess[1] > 0:
        raise ValueError(f"the temperature guess must be > 0, got {guess[1]!r}")
    try:
        sol = optimize.root(fun, [guess[0], math.log(guess[1])], jac=jac, method="hybr",
                            options={"xtol": 1e-15})
        u, T = float(sol.x[0]), float(math.exp(sol.x[1]))
    except (OutOfRangeError, OverflowError) as exc:
        raise ConvergenceError(f"reduced Newton from (u, T) = ({float(guess[0]):.6g}, "
                               f"{float(guess[1]):.6g}) left the model's range: {exc}") from None
    res = float(np.max(np.abs(reduced_rhs(np.array([u, T]), E, nu, diff, t0, method))))
    if not (np.isfinite(res) and res <= tol * max(1.0, abs(E), T)):
        raise ConvergenceError(f"reduced Newton from (u, T) = ({float(guess[0]):.6g}, "
                               f"{float(guess[1]):.6g}) stopped at residual {res:.3g}")
    ev = np.linalg.eigvals(reduced_jacobian(np.array([u, T]), E, nu, diff, t0, method))
    return ReducedState(E, u, T, tuple(complex(e) for e in ev), res)


def stationary_states(problem: EFieldProblem, u_max: float = 4.0, t_range: tuple = (0.1, 50.0),
                      grid: int = 9, method: str = "auto") -> list[ReducedState]:
    """All stationary points found by Newton from a ``grid x grid`` lattice of starts
    (``u`` in ``[0, u_max] * sign(E)``, ``T`` log-spaced in ``t_range``), deduplicated to 1e-7
    and sorted by ``T``.  A lattice search cannot prove that nothing was missed; the
    continuation (:func:`continue_branch`) cross-checks the count."""
    sign = 1.0 if problem.field >= 0 else -1.0
    found: list[ReducedState] = []
    for u0 in np.linspace(0.0, u_max, grid) * sign:
        for t in np.geomspace(t_range[0], t_range[1], grid):
            try:
                st = reduced_state(problem, (float(u0), float(t)), method)
            except ConvergenceError:
                continue
            if not (t_range[0] / 10 < st.T < t_range[1] * 10):
                continue
            if all(abs(st.u - f.u) + abs(st.T - f.T) > 1e-7 * (1 + st.T) for f in found):
                found.append(st)
    return sorted(found, key=lambda s: s.T)


@dataclass(frozen=True)
class EFieldBranch(ResultMixin):
    """A continuation path ``(E, u, T)`` with the stability of each point and the folds; a
    ``ResultMixin`` result (``to_dict``, ``save``, ``kacspectral.load``).

    Attributes
    ----------
    E, u, T : ndarray
        The path: field, drift along ``e_z`` and temperature of the reduced model's stationary
        points, in the order of the pseudo-arclength continuation (``E`` is not monotone
        through a fold).
    stable : ndarray of bool
        Stability of each point (all eigenvalues of the ``(u, T)`` Jacobian with negative real
        part).
    folds : tuple of ReducedState
        The fold points on the path (where the tangent's ``E`` component changes sign), each
        solved on the extended system ``F = 0, det J = 0`` (:func:`locate_fold`, residual
        below 1e-11).
    problem : EFieldProblem
        The problem continued (its ``field`` is the starting field).
    """

    E: NDArray
    u: NDArray
    T: NDArray
    stable: NDArray
    folds: tuple  # of ReducedState (at the fold E, u, T)
    problem: EFieldProblem

    @property
    def m2(self) -> NDArray:
        """``|u|^2 + 3T`` along the path."""
        return self.u**2 + 3 * self.T

    def states_at(self, E: float, method: str = "auto") -> list[ReducedState]:
        """Every stationary point on the branch at field ``E`` (crossings of the path,
        polished by Newton), sorted by ``T``."""
        out: list[ReducedState] = []
        d = self.E - E
        for k in np.nonzero(d[:-1] * d[1:] <= 0)[0]:
            w = 0.0 if d[k] == d[k + 1] else d[k] / (d[k] - d[k + 1])
            g = (self.u[k] + w * (self.u[k + 1] - self.u[k]),
                 self.T[k] + w * (self.T[k + 1] - self.T[k]))
            st = reduced_state(self.problem.with_field(E), g, method)
            if all(abs(st.u - f.u) + abs(st.T - f.T) > 1e-7 * (1 + st.T) for f in out):
                out.append(st)
        return sorted(out, key=lambda s: s.T)


def _full_jac(y: NDArray, nu: float, diff: Diffusion, t0: float, method: str) -> NDArray:
    """``dF/d(u, T, E)`` (2 x 3); ``dF/dE = (1, 0)``."""
    J = reduced_jacobian(y[:2], y[2], nu, diff, t0, method)
    return np.hstack([J, np.array([[1.0], [0.0]])])


def _tangent(J: NDArray, prev: NDArray | None) -> NDArray:
    t = np.linalg.svd(J)[2][-1]
    if prev is None:
        return t if t[2] > 0 else -t
    return t if t @ prev > 0 else -t


def locate_fold(problem: EFieldProblem, guess: tuple, method: str = "auto") -> ReducedState:
    """Solve ``F(u, T, E) = 0, det dF/d(u,T) = 0`` from ``guess = (u, T, E)`` (hybrid Newton).

    The returned state's ``residual`` is the max of ``|F|`` and ``|det J|`` (scaled by the
    norms of the columns of J)."""
    nu, diff, t0 = _params(problem)

    def fun(y: NDArray) -> NDArray:
        x = np.array([y[0], y[1]])
        J = reduced_jacobian(x, y[2], nu, diff, t0, method)
        det = np.linalg.det(J) / (np.linalg.norm(J[:, 0]) * np.linalg.norm(J[:, 1]))
        return np.append(reduced_rhs(x, y[2], nu, diff, t0, method), det)

    try:
        sol = optimize.root(fun, np.asarray(guess, dtype=float), method="hybr",
                            options={"xtol": 1e-15})
        res = float(np.max(np.abs(fun(sol.x))))
    except OutOfRangeError as exc:
        raise ConvergenceError(f"fold Newton from {guess} left the model's range: {exc}") \
            from None
    if not res < 1e-11:
        raise ConvergenceError(f"fold Newton from {guess} stopped at residual {res:.3g}")
    u, T, E = map(float, sol.x)
    ev = np.linalg.eigvals(reduced_jacobian(np.array([u, T]), E, nu, diff, t0, method))
    return ReducedState(E, u, T, tuple(complex(e) for e in ev), res)


def continue_branch(problem: EFieldProblem, e_max: float, start: tuple | None = None,
                    step: float = 0.05, max_step: float = 0.25, t_max: float = 200.0,
                    max_points: int = 5000, method: str = "auto", progress=None) -> EFieldBranch:
    """Pseudo-arclength continuation of the stationary points in ``E`` (module docstring).

    Starts from ``start = (u, T, E)`` (default: the equilibrium ``(0, T0, 0)``) with E
    increasing, and stops when ``E > e_max``, ``E < 0`` after a fold, or ``T > t_max``.
    ``progress``, when given, is called with the current E.
    """
    nu, diff, t0 = _params(problem)
    if start is None:
        start = (0.0, t0, 0.0)
    y = np.asarray(start, dtype=float)
    st = reduced_state(problem.with_field(y[2]), (y[0], y[1]), method)
    y = np.array([st.u, st.T, y[2]])
    t = _tangent(_full_jac(y, nu, diff, t0, method), None)
    pts = [y.copy()]
    tangents = [t.copy()]
    h = step
    while len(pts) < max_points:
        ok = False
        for _ in range(30):
            yp = y + h * t
            z = yp.copy()
            iters = 0
            for _ in range(12):
                try:
                    F = reduced_rhs(z[:2], z[2], nu, diff, t0, method)
                except OutOfRangeError:
                    break  # the corrector left the range: shorter step
                G = np.append(F, t @ (z - yp))
                if not np.all(np.isfinite(G)):
                    break
                if np.max(np.abs(G)) < 1e-12 * max(1.0, z[1]):
                    ok = True
                    break
                A = np.vstack([_full_jac(z, nu, diff, t0, method), t])
                z = z - np.linalg.solve(A, G)
                iters += 1
            if ok and np.linalg.norm(z - y) < 3 * h:
                break
            ok = False
            h /= 2
        if not ok:
            raise ConvergenceError(f"continuation stalled at (u, T, E) = {tuple(y)}")
        t = _tangent(_full_jac(z, nu, diff, t0, method), t)
        y = z
        pts.append(y.copy())
        tangents.append(t.copy())
        if progress is not None:
            progress(y[2])
        h = min(h * (1.3 if iters <= 3 else 0.8), max_step * max(1.0, 0.2 * y[1]))
        if y[2] > e_max or y[2] < 0 or y[1] > t_max:
            break
    P = np.array(pts)
    tE = np.array([tt[2] for tt in tangents])
    folds = []
    for k in np.nonzero(tE[:-1] * tE[1:] < 0)[0]:
        g = P[k] if abs(tE[k]) < abs(tE[k + 1]) else P[k + 1]
        folds.append(locate_fold(problem, tuple(g), method))
    stable = np.array([max(np.real(np.linalg.eigvals(
        reduced_jacobian(p[:2], p[2], nu, diff, t0, method)))) < 0 for p in P])
    return EFieldBranch(P[:, 2], P[:, 0], P[:, 1], stable, tuple(folds), problem)


def exact_constant_d(E: float, nu: float, D: float, t0: float) -> tuple[float, float]:
    """Exact stationary ``(u, m2)`` for constant ``D`` (any epsilon, any momentum- and
    energy-conserving ``Q``): ``0 = E - nu u - D u/T0`` and ``0 = 2 E u + 6 D - 2 D m2/T0`` give
    ``u = E/(nu + D/T0)``, ``m2 = 3 T0 + T0 E u / D``."""
    u = E / (nu + D / t0)
    return u, 3.0 * t0 + t0 * E * u / D

"""Quasi-static sweeps in the field E: hysteresis of the reduced and kinetic models.

At each field of the sweep the state starts from the previous one.  The reduced model follows
its ODE (:mod:`kacspectral.efield.reduced`) to the attracting stationary point; the kinetic model
first tries Newton from the previous state and accepts it when it is stable and close, and
otherwise evolves in time (:func:`kacspectral.efield.kinetic.relax`) -- past a fold the state
jumps to the other stable branch, so a sweep up and a sweep down trace a hysteresis loop.
:func:`epsilon_branch` continues a kinetic state in the collision time epsilon through folds.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from kacspectral.efield.basis import AxisymmetricBasis
from kacspectral.efield.kinetic import KineticOperator, KineticState, relax, solve_steady
from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.efield.reduced import (
    ReducedState,
    reduced_jacobian,
    reduced_rhs,
    reduced_state,
)
from kacspectral.errors import ConvergenceError

__all__ = ["epsilon_branch", "kinetic_sweep", "reduced_sweep"]


def reduced_sweep(problem: EFieldProblem, fields: Sequence[float], start: tuple,
                  t_relax: float = 2000.0) -> list[ReducedState]:
    """Quasi-static sweep of the reduced model: at each ``E`` Newton from the previous state,
    accepted when the result is stable and within 25% in T; otherwise (past a fold) the ODE is
    integrated from the previous state over ``t_relax`` (BDF) and the end point polished."""
    assert isinstance(problem.diffusion, Diffusion)
    x = np.asarray(start, dtype=float)
    out = []
    for E in fields:
        try:
            st = reduced_state(problem.with_field(E), tuple(x))
            if st.stable and abs(st.T - x[1]) < 0.25 * x[1]:
                x = np.array([st.u, st.T])
                out.append(st)
                continue
        except ConvergenceError:
            pass
        args = (E, problem.nu, problem.diffusion, problem.t0)
        sol = solve_ivp(lambda t, y, a=args: reduced_rhs(y, *a), (0.0, t_relax), x, method="BDF",
                        jac=lambda t, y, a=args: reduced_jacobian(y, *a), rtol=1e-8, atol=1e-10)
        st = reduced_state(problem.with_field(E), tuple(sol.y[:, -1]))
        x = np.array([st.u, st.T])
        out.append(st)
    return out


def kinetic_sweep(problem: EFieldProblem, fields: Sequence[float], start: KineticState,
                  degree: int | None = None,
                  progress: Callable[[], None] | None = None) -> list[tuple[KineticState, bool]]:
    """Quasi-static sweep of the kinetic model from the steady state ``start``.

    Returns ``(state, jumped)`` per field; ``jumped`` marks a field where Newton from the
    previous state failed or gave an unstable or distant state, so that the state was found
    by time evolution instead."""
    out = []
    prev = start
    for E in fields:
        p = problem.with_field(E)
        jumped = False
        try:
            st = solve_steady(p, prev, degree or prev.basis.degree)
            if not st.stable or abs(st.T - prev.T) > 0.25 * prev.T:
                raise ConvergenceError("left the branch")
        except ConvergenceError:
            st = relax(p, prev, degree=degree)
            jumped = True
        out.append((st, jumped))
        prev = st
        if progress is not None:
            progress()
    return out


def _m2_row(b: AxisymmetricBasis) -> NDArray:
    """``m2 = row . a`` from the degree <= 2 coefficients (:meth:`AxisymmetricBasis.fluid`)."""
    T, ur = b.t_ref, b.u_ref
    row = np.zeros(b.size)
    row[0] = ur**2 + 3 * T
    row[b.index(1, 0)] = 2 * ur * math.sqrt(T)
    row[b.index(2, 0)] = T * math.sqrt(2)
    row[b.index(0, 1)] = -2 * T
    return row


def _solve_at_m2(problem: EFieldProblem, a: NDArray, b: AxisymmetricBasis, eps: float,
                 m2: float, tol: float) -> tuple[NDArray, float, float]:
    row = _m2_row(b)
    op = KineticOperator(problem.with_epsilon(1.0), b)  # collisions scaled by 1/eps below
    res = math.inf
    for _ in range(60):
        C = op.collision(a)
        r = C / eps + op.linear @ a
        r[0] = a[0] - 1.0
        g = np.append(r, row @ a - m2)
        res = float(np.max(np.abs(g)))
        if res < tol:
            return a, eps, res
        J = op.collision_jacobian(a) / eps + op.linear
        J[0, :] = 0.0
        J[0, 0] = 1.0
        d_eps = -C / eps**2  # exact d(residual)/d(epsilon)
        d_eps[0] = 0.0
        A = np.zeros((b.size + 1, b.size + 1))
        A[:-1, :-1], A[:-1, -1], A[-1, :-1] = J, d_eps, row
        d = np.linalg.solve(A, -g)
        lam = min(1.0, 0.3 * eps / max(abs(d[-1]), 1e-300))  # keeps epsilon > 0
        a, eps = a + lam * d[:-1], eps + lam * d[-1]
    raise ConvergenceError(f"no steady state with m2 = {m2:.6g} near epsilon = {eps:.6g} "
                           f"(residual {res:.3g})")


def epsilon_branch(start: KineticState, m2_values: Sequence[float],
                   tol: float = 1e-11) -> list[dict]:
    """Steady states of (5.1) at ``start``'s field, continued in the collision time epsilon
    THROUGH folds: the second moment ``m2 = int |v|^2 f`` is the parameter and epsilon an
    unknown, Newton on ``[G(a, eps); m2(a) - m2*] = 0`` (``G`` the Galerkin residual with the
    mass row replaced by ``a_00 = 1``, ``dG/deps = -C(a)/eps^2`` exact).  After each point the
    reference Maxwellian is moved to the state's (u, T) and the point solved again.

    Returns one dict per ``m2``: ``m2``, ``epsilon``, ``u``, ``T``, ``leading_eigenvalue``
    (real part, linearised operator), ``residual``.  A maximum of epsilon along the list where
    the leading eigenvalue changes sign is a saddle-node: the two states exist only below it.
    """
    problem, K = start.problem, start.basis.degree
    a, b, eps = start.coeffs, start.basis, problem.epsilon
    rows = []
    for m2 in m2_values:
        a, eps, _ = _solve_at_m2(problem, a, b, eps, float(m2), tol)
        mom = b.fluid(a)
        nb = AxisymmetricBasis(K, mom["u"], mom["T"])  # nodes by the default rule
        a, b = nb.project(a, b), nb
        a, eps, res = _solve_at_m2(problem, a, b, eps, float(m2), tol)
        mom = b.fluid(a)
        ev = KineticOperator(problem.with_epsilon(eps), b).eigenvalues(a, 1)
        rows.append({"m2": float(m2), "epsilon": float(eps), "u": mom["u"], "T": mom["T"],
                     "leading_eigenvalue": float(np.real(ev[0])), "residual": res})
    return rows

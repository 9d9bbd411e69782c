"""Quasi-static sweeps in the field E: hysteresis of the reduced and kinetic models.

At each field of the sweep the state starts from the previous one.  The reduced model follows
its ODE (:mod:`kacspectral.efield.reduced`) to the attracting stationary point; the kinetic model
first tries Newton from the previous state and accepts it when it is stable and close, and
otherwise evolves in time (:func:`kacspectral.efield.kinetic.relax`) -- past a fold the state
jumps to the other stable branch, so a sweep up and a sweep down trace a hysteresis loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.integrate import solve_ivp

from kacspectral.efield.kinetic import KineticState, relax, solve_steady
from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.efield.reduced import (
    ReducedState,
    reduced_jacobian,
    reduced_rhs,
    reduced_state,
)
from kacspectral.errors import ConvergenceError

__all__ = ["kinetic_sweep", "reduced_sweep"]


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

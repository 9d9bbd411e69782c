"""Time integrators for ``dy/dt = L y + N(t, y)`` with a scalar linear part ``L``.

The kinetic equation with reservoirs (seed 003, eq. (1.4); conventions page, section 4) reads

    df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R) = Phi(f) - f,
    Phi(f) = (1 - gamma) Q+(f, f) + gamma Q+(f, R),

for a state of mass 1, so the loss term is exactly ``L f`` with the scalar ``L = -1`` and the
gain ``N = Phi`` is the nonlinear part.  The schemes of this module take a :class:`SplitODE`
(``L``, ``N``) and advance one step of size ``h``.  All arithmetic is on numpy arrays of any
shape (the state is a vector of Hermite coefficients in practice).

Schemes (the registry :data:`SCHEMES`, name -> step function)
---------------------------------------------------------------
``rk4``        classical Runge-Kutta of order 4 on the full right-hand side ``L y + N``.
``heun``       Heun's method (explicit trapezoidal RK2), order 2: a low-order reference.
``lawson-rk4`` integrating-factor RK4 (Lawson 1967): RK4 applied to ``w = exp(-L t) y``;
               order 4, exact for ``N = 0``.  It does not preserve fixed points of the full
               equation exactly (its stage states are ``exp(L h/2)(y + h/2 N(y))``).
``etdrk4``     exponential time differencing RK4 of Cox and Matthews (2002), with the
               phi-functions evaluated stably for the scalar ``z = L h`` (series for small
               ``|z|``); order 4, exact for ``N = 0`` and for constant ``N``, and it keeps
               fixed points ``L y* + N(y*) = 0`` and -- when ``N`` maps mass-1 states to
               mass-1 states -- the mass of every stage exactly.
``etdrk2``     exponential RK2 (Cox-Matthews ETD2RK), order 2.

Every scheme's order is checked by a fitted slope of the error against the step size in
``tests/test_timesteppers.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.errors import ConvergenceError

__all__ = [
    "SCHEMES",
    "SCHEME_ORDERS",
    "SCHEME_STAGES",
    "SplitODE",
    "get_scheme",
    "integrate",
    "phi_functions",
    "step_plan",
]


@dataclass(frozen=True)
class SplitODE:
    """The ODE ``dy/dt = linear * y + nonlinear(t, y)`` with a scalar ``linear``.

    Attributes
    ----------
    linear : float
        The scalar ``L`` (``-1`` for the loss term of seed 003, eq. (1.4)).
    nonlinear : callable
        ``N(t, y) -> array`` of the shape of ``y``.
    """

    linear: float
    nonlinear: Callable[[float, NDArray], NDArray]

    def rhs(self, t: float, y: NDArray) -> NDArray:
        """The full right-hand side ``L y + N(t, y)``."""
        return self.linear * y + self.nonlinear(t, y)


def phi_functions(z: float) -> tuple[float, float, float, float]:
    """``(phi_0, phi_1, phi_2, phi_3)(z)`` with ``phi_0 = e^z`` and
    ``phi_{k+1}(z) = (phi_k(z) - 1/k!) / z``, i.e. ``phi_k(z) = sum_j z^j / (j + k)!``.

    For ``|z| < 0.5`` the Taylor series (30 terms, error below 1e-30 relative) is summed, which
    avoids the cancellation of the closed forms; otherwise the closed forms are used.
    """
    z = float(z)
    if abs(z) < 0.5:
        out = []
        for k in range(4):
            total, term = 0.0, 1.0 / math.factorial(k)
            for j in range(30):
                total += term
                term *= z / (j + k + 1)
            out.append(total)
        return out[0], out[1], out[2], out[3]
    e = math.exp(z)
    p1 = (e - 1.0) / z
    p2 = (p1 - 1.0) / z
    p3 = (p2 - 0.5) / z
    return e, p1, p2, p3


# ---------------------------------------------------------------------- schemes
def step_rk4(ode: SplitODE, t: float, y: NDArray, h: float) -> NDArray:
    """One classical RK4 step on ``y' = L y + N(t, y)`` (nodes 1/2, 1/2, 1; weights 1,2,2,1 /6)."""
    f = ode.rhs
    k1 = f(t, y)
    k2 = f(t + h / 2, y + (h / 2) * k1)
    k3 = f(t + h / 2, y + (h / 2) * k2)
    k4 = f(t + h, y + h * k3)
    return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)


def step_heun(ode: SplitODE, t: float, y: NDArray, h: float) -> NDArray:
    """One step of Heun's method (explicit trapezoidal rule), order 2."""
    k1 = ode.rhs(t, y)
    k2 = ode.rhs(t + h, y + h * k1)
    return y + (h / 2) * (k1 + k2)


def step_lawson_rk4(ode: SplitODE, t: float, y: NDArray, h: float) -> NDArray:
    """One integrating-factor (Lawson) RK4 step: classical RK4 for ``w = e^{-L t} y``.

    With ``E = e^{L h/2}``::

        a = E (y + h/2 N(t, y))
        b = E y + h/2 N(t + h/2, a)
        c = E^2 y + h E N(t + h/2, b)
        y+ = E^2 y + h/6 [E^2 N(t, y) + 2 E (N(t + h/2, a) + N(t + h/2, b)) + N(t + h, c)]
    """
    N = ode.nonlinear
    E = math.exp(ode.linear * h / 2)
    n1 = N(t, y)
    a = E * (y + (h / 2) * n1)
    n2 = N(t + h / 2, a)
    b = E * y + (h / 2) * n2
    n3 = N(t + h / 2, b)
    c = E * E * y + h * E * n3
    n4 = N(t + h, c)
    return E * E * y + (h / 6) * (E * E * n1 + 2 * E * (n2 + n3) + n4)


def step_etdrk4(ode: SplitODE, t: float, y: NDArray, h: float) -> NDArray:
    """One ETDRK4 step (Cox and Matthews 2002, eqs. (26)-(29)) for scalar ``L``.

    With ``z = L h``, ``phi_k`` from :func:`phi_functions`::

        a = e^{z/2} y + (h/2) phi_1(z/2) N(t, y)
        b = e^{z/2} y + (h/2) phi_1(z/2) N(t + h/2, a)
        c = e^{z/2} a + (h/2) phi_1(z/2) (2 N(t + h/2, b) - N(t, y))
        y+ = e^z y + h [ (phi_1 - 3 phi_2 + 4 phi_3) N_y + 2 (phi_2 - 2 phi_3)(N_a + N_b)
                         + (4 phi_3 - phi_2) N_c ]      (phi_k = phi_k(z))
    """
    N = ode.nonlinear
    z = ode.linear * h
    e2, p1h, _, _ = phi_functions(z / 2)
    e, p1, p2, p3 = phi_functions(z)
    ny = N(t, y)
    a = e2 * y + (h / 2) * p1h * ny
    na = N(t + h / 2, a)
    b = e2 * y + (h / 2) * p1h * na
    nb = N(t + h / 2, b)
    c = e2 * a + (h / 2) * p1h * (2 * nb - ny)
    nc = N(t + h, c)
    return e * y + h * (
        (p1 - 3 * p2 + 4 * p3) * ny + 2 * (p2 - 2 * p3) * (na + nb) + (4 * p3 - p2) * nc
    )


def step_etdrk2(ode: SplitODE, t: float, y: NDArray, h: float) -> NDArray:
    """One ETD2RK step (Cox and Matthews 2002, eq. (22)), order 2::

        a = e^z y + h phi_1(z) N(t, y)
        y+ = a + h phi_2(z) (N(t + h, a) - N(t, y))
    """
    N = ode.nonlinear
    e, p1, p2, _ = phi_functions(ode.linear * h)
    ny = N(t, y)
    a = e * y + h * p1 * ny
    return a + h * p2 * (N(t + h, a) - ny)


#: Registry: scheme name -> one-step function ``step(ode, t, y, h) -> y_next``.
SCHEMES: dict[str, Callable[[SplitODE, float, NDArray, float], NDArray]] = {
    "rk4": step_rk4,
    "heun": step_heun,
    "lawson-rk4": step_lawson_rk4,
    "etdrk4": step_etdrk4,
    "etdrk2": step_etdrk2,
}

#: The classical order of each scheme (verified by fitted slopes in the tests).
SCHEME_ORDERS: dict[str, int] = {
    "rk4": 4,
    "heun": 2,
    "lawson-rk4": 4,
    "etdrk4": 4,
    "etdrk2": 2,
}


#: Evaluations of the nonlinear part ``N`` per step (checked against counted evaluations).
SCHEME_STAGES: dict[str, int] = {
    "rk4": 4,
    "heun": 2,
    "lawson-rk4": 4,
    "etdrk4": 4,
    "etdrk2": 2,
}

#: Most steps :func:`step_plan` accepts (a larger count could never run).
MAX_STEPS = 10**15


def step_plan(times: Sequence[float] | NDArray, dt: float) -> tuple[list[int], float]:
    """Steps per output interval and the largest step used by :func:`integrate`.

    Interval ``[t_i, t_{i+1}]`` is cut into ``n_i = max(1, ceil((t_{i+1} - t_i)/dt - 1e-12))``
    equal steps ``h_i = (t_{i+1} - t_i)/n_i <= dt``; returns ``([n_i], max_i h_i)``.  So a
    ``dt`` larger than the output spacing is clamped to it.  ValueError when a count exceeds
    :data:`MAX_STEPS` (``dt`` far too small for the time span).
    """
    t = np.asarray(times, dtype=float)
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a positive number, got {dt!r}")
    counts, used = [], 0.0
    for t0, t1 in zip(t[:-1], t[1:], strict=True):
        ratio = (float(t1) - float(t0)) / dt
        if not ratio <= MAX_STEPS:
            raise ValueError(
                f"dt = {dt:.3g} needs more than {MAX_STEPS:.0e} steps for the interval "
                f"[{t0:g}, {t1:g}]: raise dt or shorten the time span")
        n = max(1, int(math.ceil(ratio - 1e-12)))
        counts.append(n)
        used = max(used, (float(t1) - float(t0)) / n)
    return counts, used


def get_scheme(name: str) -> Callable[[SplitODE, float, NDArray, float], NDArray]:
    """The step function registered under ``name`` (ValueError naming the choices otherwise)."""
    try:
        return SCHEMES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown time-stepping scheme {name!r}; expected one of {sorted(SCHEMES)}"
        ) from None


def integrate(
    ode: SplitODE,
    y0: ArrayLike,
    times: ArrayLike,
    dt: float,
    scheme: str = "etdrk4",
    callback: Callable[[int, float, NDArray], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> NDArray:
    """Integrate from ``times[0]`` through every output time with steps of at most ``dt``.

    Between consecutive output times ``t_i < t_{i+1}`` the interval is cut into
    ``ceil((t_{i+1} - t_i)/dt)`` equal steps, so every output time is hit exactly
    (:func:`step_plan`; ``progress(done, total)`` after every step).

    Parameters
    ----------
    ode : SplitODE
    y0 : array
        State at ``times[0]``.
    times : increasing sequence of floats
        Output times (the first is the initial time).
    dt : float
        Largest step (> 0).
    scheme : str
        A key of :data:`SCHEMES`.
    callback : callable, optional
        ``callback(i, t_i, y_i)`` after each output time (e.g. a progress bar).

    Returns
    -------
    ndarray of shape ``(len(times),) + y0.shape``
    """
    step = get_scheme(scheme)
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size < 1:
        raise ValueError(f"times must be a non-empty 1-D sequence, got shape {times.shape}")
    if np.any(np.diff(times) <= 0) or not np.all(np.isfinite(times)):
        raise ValueError(f"times must be finite and strictly increasing, got {times.tolist()}")
    counts, _ = step_plan(times, dt)
    total, done = sum(counts), 0
    y = np.array(y0, dtype=float, copy=True)
    out = np.empty((times.size,) + y.shape)
    out[0] = y
    if callback is not None:
        callback(0, float(times[0]), y)
    for i in range(1, times.size):
        t0, t1 = float(times[i - 1]), float(times[i])
        n = counts[i - 1]
        h = (t1 - t0) / n
        for j in range(n):
            y = step(ode, t0 + j * h, y, h)
            if progress is not None:
                progress(done + j + 1, total)
        done += n
        if not np.all(np.isfinite(y)):
            raise ConvergenceError(
                f"the {scheme} integration blew up before t = {t1:g} (step {h:g}); "
                "reduce dt or the truncation"
            )
        out[i] = y
        if callback is not None:
            callback(i, t1, y)
    return out

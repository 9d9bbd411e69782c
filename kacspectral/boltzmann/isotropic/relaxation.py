"""Isotropic time evolution in the Laguerre basis (seed 003, eqs. (1.4), (3.1)).

``df/dt = (1-gamma) Q(f,f) + gamma Q(f,R) + eta FP_T f`` for isotropic data, in the basis (B1)
of :mod:`kacspectral.boltzmann.isotropic.bobylev`, with the Galerkin gain tensor (B4) and the
Fokker-Planck matrix (D2) of :mod:`kacspectral.boltzmann.isotropic.diffusive`:

    da/dt = Phi(a) - ((1-gamma) m_0[a] + gamma) a + eta D a,

(``Phi`` the gain map, seed 003 eq. (1.6); the loss of ``Q(f,f)`` is ``m_0 f``), integrated by
classical RK4 at a fixed step.  The basis is the one of the NESS solver, so a trajectory and the
steady state are compared coefficient by coefficient, and the densities of ``Q+`` needed by the
entropy budget (:mod:`kacspectral.boltzmann.entropy`) are exact (degree ``<= 2K``).
Initial data: mixtures of centred Maxwellians (closed-form coefficients (B3)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.isotropic.bobylev import (
    basis_moments,
    laguerre_gain_tensor,
    mixture_coefficients,
)
from kacspectral.boltzmann.isotropic.diffusive import fokker_planck_laguerre
from kacspectral.boltzmann.isotropic.ness import (
    NessProblem,
    choose_truncation,
    laguerre_reference_temperature,
    reservoir_map,
)
from kacspectral.results import ResultMixin

__all__ = ["IsotropicTrajectory", "evolve_isotropic"]


@dataclass(frozen=True)
class IsotropicTrajectory(ResultMixin):
    """Coefficients ``a(t)`` in the basis (B1) at ``times`` (rows), reference ``t_ref``."""

    problem: NessProblem
    times: NDArray
    coefficients: NDArray
    t_ref: float
    dt: float
    t_max: float = 0.0  # highest temperature in play (initial, jump, diffusive)

    def moments(self, n_max: int = 2) -> NDArray:
        """``m_{2n}(t)``, shape ``(len(times), n_max + 1)``."""
        mu = basis_moments(n_max, self.t_ref, self.coefficients.shape[1] - 1)
        return self.coefficients @ mu.T


def evolve_isotropic(
    problem: NessProblem,
    initial_weights: ArrayLike,
    initial_temperatures: ArrayLike,
    times: ArrayLike,
    *,
    dt: float = 0.01,
    truncation: int | None = None,
    tol: float = 1e-14,
) -> IsotropicTrajectory:
    """Evolve ``f(0) = sum_i w_i M_{T_i}`` under (module docstring) to each of ``times``.

    ``T_ref = sqrt(T_min T_max)`` over the initial, jump (if ``gamma > 0``) and diffusive
    temperatures; ``K`` from the NESS truncation rule for ``tol`` unless given.
    """
    w0 = np.atleast_1d(np.asarray(initial_weights, float))
    T0 = np.atleast_1d(np.asarray(initial_temperatures, float))
    if w0.shape != T0.shape or np.any(T0 <= 0) or np.any(w0 < 0):
        raise ValueError("initial weights (>= 0) and temperatures (> 0) must match in length")
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a positive number, got {dt!r}")
    t = np.asarray(times, float)
    if t.ndim != 1 or np.any(np.diff(t) <= 0):
        raise ValueError(f"times must be strictly increasing, got {t.tolist()}")
    d = getattr(problem, "diffusive", None)
    gamma = float(problem.gamma)
    temps = list(T0)
    if gamma > 0:
        temps += list(problem.reservoir.T)
    if d is not None:
        temps.append(d.temperature)
    t_ref = laguerre_reference_temperature(min(temps), max(temps))
    rho = max(abs(x - t_ref) / (x + t_ref) for x in temps)
    K = int(truncation) if truncation is not None else choose_truncation(
        rho, tol, t_ref / min(temps))
    G = laguerre_gain_tensor(K, problem.kernel)
    r = mixture_coefficients(problem.reservoir.w, problem.reservoir.T, t_ref, K)
    mass = basis_moments(0, t_ref, K)[0]
    D = (d.eta * fokker_planck_laguerre(K, d.temperature / t_ref)) if d is not None else None

    def rhs(a: NDArray) -> NDArray:
        out = reservoir_map(a, G, r, gamma) - ((1 - gamma) * float(mass @ a) + gamma) * a
        return out if D is None else out + D @ a

    a = mixture_coefficients(w0, T0, t_ref, K)
    out = [a.copy()]
    now = t[0]
    for target in t[1:]:
        n = max(1, int(np.ceil((target - now) / dt - 1e-12)))
        h = (target - now) / n
        for _ in range(n):
            k1 = rhs(a)
            k2 = rhs(a + 0.5 * h * k1)
            k3 = rhs(a + 0.5 * h * k2)
            k4 = rhs(a + h * k3)
            a = a + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        now = target
        out.append(a.copy())
    return IsotropicTrajectory(problem, t, np.array(out), t_ref, float(dt), max(temps))

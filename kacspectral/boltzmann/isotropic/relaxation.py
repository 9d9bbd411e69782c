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

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
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
    MAX_TRUNCATION,
    NessProblem,
    choose_truncation,
    laguerre_reference_temperature,
    reservoir_map,
)
from kacspectral.errors import ConvergenceError
from kacspectral.results import ResultMixin

__all__ = ["IsotropicTrajectory", "evolve_isotropic"]


@dataclass(frozen=True)
class IsotropicTrajectory(ResultMixin):
    """Coefficients ``a(t)`` in the basis (B1) at ``times`` (rows), reference ``t_ref``."""

    problem: NessProblem
    times: NDArray
    coefficients: NDArray
    t_ref: float
    dt: float  # the largest step used: min(requested dt, the RK4 stability cap)
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
    if (w0.shape != T0.shape or w0.ndim != 1 or not np.all(np.isfinite(w0))
            or not np.all(np.isfinite(T0)) or np.any(T0 <= 0) or np.any(w0 < 0)
            or abs(float(np.sum(w0)) - 1.0) > 1e-12):
        raise ValueError(
            "initial weights (>= 0, summing to 1) and temperatures (> 0, finite) must match in "
            f"length, got {w0.tolist()} and {T0.tolist()}")
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a positive number, got {dt!r}")
    t = np.asarray(times, float)
    if t.ndim != 1 or t.size < 1 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise ValueError(f"times must be finite and strictly increasing, got {t.tolist()}")
    if truncation is not None and (
            isinstance(truncation, bool) or not isinstance(truncation, (int, np.integer))
            or not 1 <= truncation <= MAX_TRUNCATION):
        raise ValueError(f"truncation must be an integer in [1, {MAX_TRUNCATION}] or None, got "
                         f"{truncation!r}")
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

    # RK4 is explicit: its stability interval on the negative axis is about [-2.78, 0].  The
    # diffusion eta D (D2) has eigenvalues of size up to ~2 eta K (at theta = 1 exactly -2n),
    # and the gain + loss part has a spectrum of modulus <= 2 (a probability-preserving map
    # minus the identity), so the step is capped at h_max = 2.5 / (max|eig(eta D)| + 2).
    # (Found in review: dt = 0.025 with eta = 1/2, K = 67 returned NaN without a word.)
    stiff = 2.0 + (float(np.max(np.abs(np.linalg.eigvals(D)))) if D is not None else 0.0)
    h_max = min(float(dt), 2.5 / stiff)
    a = mixture_coefficients(w0, T0, t_ref, K)
    out = [a.copy()]
    now = t[0]
    for target in t[1:]:
        n = max(1, int(np.ceil((target - now) / h_max - 1e-12)))
        h = (target - now) / n
        for _ in range(n):
            k1 = rhs(a)
            k2 = rhs(a + 0.5 * h * k1)
            k3 = rhs(a + 0.5 * h * k2)
            k4 = rhs(a + h * k3)
            a = a + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if not np.all(np.isfinite(a)):
            raise ConvergenceError(
                f"isotropic RK4 blew up before t = {target:g} (step {h:.3g}, K = {K}); "
                "reduce dt or the truncation")
        now = target
        out.append(a.copy())
    return IsotropicTrajectory(problem, t, np.array(out), t_ref, h_max, max(temps))

"""Free-energy (entropy) budget of a kinetic state of the electric-field equation.

For ``H = int f log(f/M) dv`` (``M = M_{T0}``, ``beta = 1/T0``) each term of seed 003, eq. (5.1)
contributes to ``dH/dt``:

* collisions: ``(1/eps) int Q log f = -sigma_coll <= 0`` (``Q`` conserves mass, momentum, energy);
* isotropisation: ``nu int (f~ - f) log(f/M) = -sigma_iso <= 0`` (``M`` radial, ``f~`` keeps
  the energy distribution);
* diffusion: ``int div[D M grad(f/M)] log(f/M) = -int D f |grad log(f/M)|^2 = -sigma_diff``;
* field: ``-int E.grad f log(f/M) = int f E.grad log(f/M) = beta E.j`` (``grad log M = -v/T0``).

So ``dH/dt = beta E.j - sigma`` with ``sigma = sigma_coll + sigma_iso + sigma_diff >= 0``, and at
a steady state ``sigma = beta E.j`` (seed 003, end of section 5).  :func:`entropy_budget`
computes the three dissipations from the state itself (quadrature of the expansion, the sphere
average by Gauss-Legendre in ``cos(theta)``), not from that identity; the identity then tests
the steady state.  ``f`` must be positive where the quadrature weights matter.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import roots_legendre

from kacspectral.efield.basis import AxisymmetricBasis
from kacspectral.efield.kinetic import KineticOperator
from kacspectral.efield.problem import Diffusion
from kacspectral.errors import NegativeDensityWarning

__all__ = ["entropy_budget", "relative_entropy"]


def _log_ratio(basis: AxisymmetricBasis, vz: NDArray, rho2: NDArray, t0: float) -> NDArray:
    """``log(M_ref/M)`` at the points."""
    T = basis.t_ref
    return (-1.5 * math.log(T / t0) - ((vz - basis.u_ref) ** 2 + rho2) / (2 * T)
            + (vz**2 + rho2) / (2 * t0))


def _positive(P: NDArray, w: NDArray) -> NDArray:
    bad = P <= 0
    lost = float(np.sum(w[bad] * np.abs(P[bad])))
    if lost > 1e-6:
        import warnings

        warnings.warn(f"the expansion is negative on a set of mass {lost:.3g}; the entropy "
                      f"integrals skip it", NegativeDensityWarning, stacklevel=3)
    return ~bad


def relative_entropy(basis: AxisymmetricBasis, coeffs: NDArray, t0: float) -> float:
    """``H(f | M_{T0}) = int f log(f/M) dv`` by the basis quadrature."""
    q = basis.quadrature
    P = np.asarray(coeffs) @ q["phi"]
    ok = _positive(P, q["w"])
    lr = _log_ratio(basis, q["vz"], q["rho2"], t0)
    return float(np.sum((q["w"] * P * (np.log(np.where(ok, P, 1.0)) + lr))[ok]))


def entropy_budget(op: KineticOperator, coeffs: NDArray, sphere_points: int = 64) -> dict:
    """The dissipations ``sigma_coll``, ``sigma_iso``, ``sigma_diff``, their sum ``sigma`` and
    the field work ``beta E.j`` of the state ``coeffs`` (module docstring)."""
    b, p = op.basis, op.problem
    assert isinstance(p.diffusion, Diffusion)
    q = b.quadrature
    a = np.asarray(coeffs, dtype=float)
    vz, rho2, w = q["vz"], q["rho2"], q["w"]
    P = a @ q["phi"]
    ok = _positive(P, w)
    Ps = np.where(ok, P, 1.0)
    log_f_over_m = np.log(Ps) + _log_ratio(b, vz, rho2, p.t0)
    # collisions: -(1/eps) int Q log f, and int Q log M_ref = 0
    c = op.collision(a) @ q["phi"]
    s_coll = -float(np.sum((w * c * np.log(Ps))[ok])) / p.epsilon
    # isotropisation: -nu int (f~ - f) log(f/M); f~/M_ref at the nodes by a sphere rule
    s_iso = 0.0
    if p.nu > 0:
        mu, wmu = roots_legendre(sphere_points)
        r2 = vz**2 + rho2
        r = np.sqrt(r2)
        avg = np.zeros_like(r)
        for m, wm in zip(mu, wmu, strict=True):
            vz_m, rho2_m = r * m, r2 * (1 - m * m)
            val = a @ b.evaluate(vz_m, rho2_m)[0]
            shift = (((vz - b.u_ref) ** 2 + rho2)
                     - ((vz_m - b.u_ref) ** 2 + rho2_m)) / (2 * b.t_ref)
            avg += 0.5 * wm * val * np.exp(shift)
        s_iso = -p.nu * float(np.sum((w * (avg - P) * log_f_over_m)[ok]))
    # diffusion: int D f |grad log(f/M)|^2 = int D M_ref |grad P + P g|^2 / P
    d = np.real(p.diffusion(np.sqrt(vz**2 + rho2)))
    gz = vz / p.t0 - (vz - b.u_ref) / b.t_ref
    gr = 1.0 / p.t0 - 1.0 / b.t_ref
    dzP = a @ q["dz"]
    drP = a @ q["dr"]
    integrand = d * ((dzP + P * gz) ** 2 + rho2 * (drP + P * gr) ** 2) / Ps
    s_diff = float(np.sum((w * integrand)[ok]))
    j = b.fluid(a)["j"]
    total = s_coll + s_iso + s_diff
    negative = float(np.sum(w[~ok] * np.abs(P[~ok])))
    return {"negative_mass": negative, "sigma_coll": s_coll, "sigma_iso": s_iso,
            "sigma_diff": s_diff, "sigma": total,
            "field_work": p.field * j / p.t0, "j": j}

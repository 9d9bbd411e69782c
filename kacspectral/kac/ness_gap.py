"""Relaxation of the N-particle Kac system with several thermostats: gaps against N.

Spectrum on polynomials.  The generator L = L_S + mu sum_i (B^R_i - I) of
:mod:`kacspectral.kac.multi_thermostat` maps polynomials of degree <= m to themselves and is
block *triangular* by degree (B^R_i lowers the degree through the partner's moments).  Its
spectrum on polynomials of degree <= d is therefore the union over m <= d of the spectra of its
top-degree parts, and the top-degree part of B^R_i does not depend on the partner law: it is
seed 000's thermostat operator T_i (partner set to 0, Wick picture, exact tables of
:mod:`kacspectral.kac.tables`).  Hence the eigenvalues are those of the one-thermostat
T-system generator L_S + mu sum_i (T_i - I) (``generator_matrix(..., kind="T")`` of
:mod:`kacspectral.kac.generators`) on each Wick-degree sector: they depend on lambda_S and
mu = sum_a mu_a only, not on the temperatures (a check in the tests builds the temperature-
dependent matrix of the moment hierarchy and compares its eigenvalues).

Symmetry reduction as in :func:`kacspectral.kac.spectral_gap.kac_gap`: L commutes with S_N, so
the layout "min(m, N) labelled particles + one pool" carries every eigenvalue of degree m.
There is no conserved quantity (the thermostats fix the energy and momentum), so every
eigenvalue of degree m >= 1 is negative.

Closed forms.  Total momentum P: L_S P = 0 and (T_i - I) v_i = -v_i/3, so L P = -(mu/3) P; the
energy sum_i |v_i|^2 has the same top-degree eigenvalue.  Seed 000's Lemma 3 (the top
eigenvalue of T on degree m >= 1 is 2/3) and L_S <= 0 give L <= -mu/3 on every degree >= 1 in
L^2(Gamma): the gap is exactly mu/3 for every N, equal to the kinetic GTW contraction rate
(lambda_S + mu)(1 - lambda) = mu (1 - beta) = mu/3 of seed 003 (kac kernel, beta = 2/3).

Kinetic rates.  Linearised at its NESS, (1.4) is triangular in the Taylor coefficients
c_n of phi(k) (``docs/conventions.md`` section 4) with diagonal
-(1 - q_n), q_n = (1-gamma)(B_n0 + B_0n) + gamma B_n0; q_n is also the per-iteration factor of
the Picard map on the k^{2n} mode (``fourth_moment_rate`` of
:mod:`kacspectral.boltzmann.isotropic.contraction` for n = 2).  In the particle time t the rate
is (lambda_S + mu)(1 - q_n); n = 1 gives mu/3, n = 2 gives (4/15) lambda_S + (7/15) mu.

References
----------
* "seed 000": F. Bonetto, A. Popa, M. Powell, P. Chen, S. Tung, "Improved Approximation of
  Infinite Thermostat by Finite Reservoir Using the 3D Kac Model" (2025): the 3D Kac collision
  and the thermostat operator (section 2).
* "seed 003": E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and
  properties of, a non-equilibrium steady state in a dilute gas" (arXiv:1406.4097, 2014): the
  kinetic equation (1.4) with R of (1.3), and the question of its N-particle derivation
  (section 6).
* Conventions (Maxwellians, kernels, Taylor coefficients): ``docs/conventions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
import sympy as sp

from kacspectral.errors import short
from kacspectral.kac.generators import PolynomialSector, generator_matrix, symmetrize
from kacspectral.kac.kinetic_limit import kinetic_parameters
from kacspectral.kac.multi_thermostat import MultiThermostat
from kacspectral.physics.kernels import get_kernel
from kacspectral.results import ResultMixin

__all__ = ["NessGaps", "kinetic_taylor_rate", "ness_gaps", "sector_top_eigenvalue"]

#: Dense eigensolver below this sector dimension, scipy's ARPACK (eigsh) above.
DENSE_LIMIT = 600
PARITIES = ((0, 0, 0), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 0, 0), (0, 1, 0), (0, 0, 1),
            (1, 1, 1))


def _to_fraction(x) -> Fraction:
    x = sp.nsimplify(x) if not isinstance(x, sp.Rational) else x
    if not isinstance(x, sp.Rational):
        raise ArithmeticError(f"expected a rational kac constant, got {x}")
    return Fraction(int(x.p), int(x.q))


def kinetic_taylor_rate(problem: MultiThermostat, n: int) -> Fraction:
    """(lambda_S + mu)(1 - q_n), q_n = (1-gamma)(B_n0 + B_0n) + gamma B_n0 (kac kernel, exact)."""
    kin = kinetic_parameters(problem)
    kac = get_kernel("kac")
    bn0, b0n = _to_fraction(kac.B_exact(n, 0)), _to_fraction(kac.B_exact(0, n))
    q = (1 - kin.gamma) * (bn0 + b0n) + kin.gamma * bn0
    return kin.time_scale * (1 - q)


def sector_top_eigenvalue(sector: PolynomialSector, matrix) -> float:
    """Largest eigenvalue of a self-adjoint (in L^2(Gamma)) sector matrix: dense ``eigvalsh``
    up to :data:`DENSE_LIMIT`, else ``scipy.sparse.linalg.eigsh`` (which="LA") on the
    symmetrised sparse matrix."""
    d = len(sector)
    if d <= DENSE_LIMIT:
        a = symmetrize(sector, matrix)
        asym = float(np.max(np.abs(a - a.T))) if a.size else 0.0
        if asym > 1e-10 * max(1.0, float(np.max(np.abs(a)))):
            raise RuntimeError(f"generator not self-adjoint on {sector!r}: asymmetry {asym:.2e}")
        return float(np.linalg.eigvalsh(0.5 * (a + a.T))[-1])
    s = sps.diags(sector.scale)
    si = sps.diags(1.0 / sector.scale)
    a = (s @ sps.csr_matrix(matrix) @ si).tocsr()
    a = 0.5 * (a + a.T)
    return float(spla.eigsh(a, k=1, which="LA", tol=1e-12)[0][0])


@dataclass(frozen=True)
class NessGaps(ResultMixin):
    """Slowest rates (minus the top eigenvalues) of the N-particle generator, per degree.

    Attributes
    ----------
    particles : int
    degree : int
    rates_by_degree : tuple of float
        Entry m - 1: the rate on all polynomials of Wick degree m = 1..degree (every particle
        labelled or pooled).
    symmetric_rates_by_degree : tuple of float
        Entry m/2 - 1: the rate on the permutation-symmetric, parity-even sector of even degree
        m = 2, 4, .. (the sector that holds the moments).
    gap : float
        min over m of the rates.
    kinetic_contraction_rate : Fraction
        (lambda_S + mu)(1 - lambda), seed 003's GTW rate in the particle time.
    kinetic_taylor_rates_by_n : tuple of Fraction
        Entry n - 1: (lambda_S + mu)(1 - q_n) for n = 1..degree // 2.
    contraction_constant : Fraction
        The GTW constant lambda = (1 - gamma) + gamma beta of the kinetic problem.

    The dict views ``rates``, ``symmetric_rates``, ``kinetic_taylor_rates`` and
    ``picard_factors`` are keyed by the integer degree m (or n).  ``to_dict``/``save``/
    ``kacspectral.load`` (:class:`kacspectral.results.ResultMixin`) round-trip exactly.
    """

    particles: int
    degree: int
    rates_by_degree: tuple[float, ...]
    symmetric_rates_by_degree: tuple[float, ...]
    gap: float
    kinetic_contraction_rate: Fraction
    kinetic_taylor_rates_by_n: tuple[Fraction, ...]
    contraction_constant: Fraction

    @property
    def rates(self) -> dict[int, float]:
        """{m: rate on all polynomials of degree m}."""
        return {m + 1: r for m, r in enumerate(self.rates_by_degree)}

    @property
    def symmetric_rates(self) -> dict[int, float]:
        """{m: rate on the symmetric parity-even sector of even degree m}."""
        return {2 * (m + 1): r for m, r in enumerate(self.symmetric_rates_by_degree)}

    @property
    def kinetic_taylor_rates(self) -> dict[int, Fraction]:
        """{n: (lambda_S + mu)(1 - q_n)}."""
        return {n + 1: r for n, r in enumerate(self.kinetic_taylor_rates_by_n)}

    @property
    def picard_factors(self) -> dict:
        """{n: q_n} (per Picard iteration), and ``"lambda"``: the GTW constant."""
        scale = self.kinetic_contraction_rate / (1 - self.contraction_constant)
        out: dict = {n: 1 - r / scale for n, r in self.kinetic_taylor_rates.items()}
        out["lambda"] = self.contraction_constant
        return out

    def summary(self) -> dict:
        """JSON-ready view keyed by degree strings (exact values as strings), with versions."""
        from kacspectral.provenance import versions

        ver = versions()
        return {"particles": self.particles, "degree": self.degree,
                "rates": {str(k): v for k, v in self.rates.items()},
                "symmetric_rates": {str(k): v for k, v in self.symmetric_rates.items()},
                "gap": self.gap,
                "kinetic_contraction_rate": str(self.kinetic_contraction_rate),
                "kinetic_taylor_rates": {str(k): str(v)
                                         for k, v in self.kinetic_taylor_rates.items()},
                "picard_factors": {str(k): str(v) for k, v in self.picard_factors.items()},
                "version": ver["kacspectral"], "versions": ver}


def _pools(n: int, k: int) -> tuple:
    k = min(k, n)
    return (1,) * k + ((n - k,) if n > k else ())


def ness_gaps(problem: MultiThermostat, particles: int, degree: int = 4,
              progress=None) -> NessGaps:
    """Per-degree slowest rates of the N-particle generator with thermostats (module docstring).

    ``progress``: callable() called once per sector, or None.
    """
    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    if isinstance(particles, bool) or not isinstance(particles, int) or particles < 1:
        raise ValueError(f"particles must be an integer >= 1, got {short(particles)}")
    if isinstance(degree, bool) or not isinstance(degree, int) or not 1 <= degree <= 4:
        raise ValueError(f"degree must be an integer in 1..4, got {short(degree)}")
    n = particles

    def build(sec):
        return generator_matrix(sec, range(len(sec.pools)), kind="T",
                                lambda_s=problem.lambda_s, mu=problem.mu)

    rates, sym = {}, {}
    for m in range(1, degree + 1):
        tops = []
        for par in PARITIES:
            if sum(par) % 2 != m % 2:
                continue
            sec = PolynomialSector(_pools(n, m), m, par)
            if progress is not None:
                progress()
            if len(sec):
                tops.append(sector_top_eigenvalue(sec, build(sec)))
        rates[m] = -max(tops)
        if m % 2 == 0:
            sec = PolynomialSector((n,), m, (0, 0, 0))
            sym[m] = -sector_top_eigenvalue(sec, build(sec))
    kin = kinetic_parameters(problem)
    taylor = tuple(kinetic_taylor_rate(problem, k) for k in range(1, degree // 2 + 1))
    return NessGaps(n, degree, tuple(rates[m] for m in sorted(rates)),
                    tuple(sym[m] for m in sorted(sym)), min(rates.values()),
                    kin.contraction_rate, taylor, kin.contraction_constant)

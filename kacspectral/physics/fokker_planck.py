"""Diffusive (Fokker-Planck / Ornstein-Uhlenbeck) thermal reservoirs (seed 003, section 3).

Operator (conventions page ``docs/conventions.md``, section 7)
--------------------------------------------------------------
A diffusive reservoir at temperature ``T`` with strength ``eta`` acts on a density by

    eta FP_T f,   FP_T f = T div[M_T grad(f / M_T)] = div(T grad f + v f),            (F1)

(``grad(f/M_T) = (grad f + v f / T) / M_T``).  It conserves mass, has ``M_T`` as its unique
stationary state and, in Fourier variables (``f^(xi) = int f e^{-i xi.v} dv``),

    (FP_T f)^(xi) = -(T |xi|^2 f^ + xi . grad_xi f^),                                   (F2)

(``(div g)^ = i xi . g^``, ``(v f)^ = i grad_xi f^``); for an isotropic ``f^ = phi(|xi|)``:
``-(T k^2 phi + k phi'(k))``.

Reduction (seed 003, section 3).  ``FP_T`` is linear in ``T``:
``sum_a eta_a FP_{T_a} f = div((sum_a eta_a T_a) grad f + (sum_a eta_a) v f) = eta FP_T f`` with

    eta = sum_a eta_a,   T = sum_a eta_a T_a / eta,                                      (F3)

so several diffusive reservoirs act as one (:attr:`DiffusiveReservoirs.eta`,
:attr:`DiffusiveReservoirs.temperature`).

Moments.  From (F2) on ``phi = sum_n (-1)^n m_{2n} k^{2n}/(2n+1)!``:

    d m_{2n}/dt = -2n eta m_{2n} + 2n(2n+1) eta T m_{2n-2},                               (F4)

in particular ``d m_2/dt = -2 eta (m_2 - 3T)``, so ``3T - m_2(t) = e^{-2 eta t}(3T - m_2(0))``
under (F1) alone and under seed 003 eq. (3.2) (the collision term conserves energy).  Heat flux
into reservoir ``a`` (energy it receives per unit time): ``J_a = -(1/2) int eta_a FP_{T_a} f |v|^2
= eta_a (m_2 - 3 T_a)``.

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from kacspectral.physics.reservoirs import as_fraction
from kacspectral.results import ResultMixin

__all__ = ["DiffusiveReservoirs", "as_diffusive"]


@dataclass(frozen=True)
class DiffusiveReservoirs(ResultMixin):
    """Diffusive reservoirs ``sum_a eta_a FP_{T_a}`` (seed 003, eq. (3.1); module docstring).

    Parameters
    ----------
    etas : sequence of numbers
        Strengths ``eta_a >= 0`` (at least one ``> 0``), exact Fractions (``"1/4"`` accepted).
    temperatures : sequence of numbers
        ``T_a > 0``, same length.
    """

    etas: tuple[Fraction, ...]
    temperatures: tuple[Fraction, ...]

    def __init__(self, etas: Sequence[object], temperatures: Sequence[object]):
        if isinstance(etas, (str, bytes)) or not isinstance(etas, Sequence):
            etas = np.atleast_1d(etas).tolist()
        if isinstance(temperatures, (str, bytes)) or not isinstance(temperatures, Sequence):
            temperatures = np.atleast_1d(temperatures).tolist()
        if len(etas) == 0:
            raise ValueError("diffusive reservoirs need at least one strength eta; got none")
        if len(etas) != len(temperatures):
            raise ValueError(
                f"diffusive etas and temperatures must have equal lengths, got {len(etas)} "
                f"etas and {len(temperatures)} temperatures"
            )
        e = tuple(as_fraction(x, "diffusive eta") for x in etas)
        t = tuple(as_fraction(x, "diffusive temperature") for x in temperatures)
        for x in e:
            if x < 0:
                raise ValueError(
                    f"diffusive etas must be >= 0, got {float(x)!r} in {[str(y) for y in e]}"
                )
        for x in t:
            if x <= 0:
                raise ValueError(
                    f"diffusive temperatures must be > 0, got {float(x)!r} in "
                    f"{[str(y) for y in t]}"
                )
        if sum(e) <= 0:
            raise ValueError(f"diffusive etas must not all vanish, got {[str(y) for y in e]}")
        object.__setattr__(self, "etas", e)
        object.__setattr__(self, "temperatures", t)
        # every float the solvers form must exist: eta_a, T_a, eta, T and the energy term 6 eta T
        eta = self.eta_exact
        for value, what in [*((x, "diffusive eta") for x in e),
                            *((x, "diffusive temperature") for x in t),
                            (eta, "eta = sum eta_a"), (6 * eta * self.temperature_exact,
                                                       "6 eta T (energy gain)")]:
            _check_double(value, what)

    @property
    def eta_exact(self) -> Fraction:
        """``eta = sum_a eta_a`` (F3)."""
        return sum(self.etas, Fraction(0))

    @property
    def temperature_exact(self) -> Fraction:
        """``T = sum_a eta_a T_a / eta`` (F3)."""
        return sum((e * t for e, t in zip(self.etas, self.temperatures, strict=True)),
                   Fraction(0)) / self.eta_exact

    @property
    def eta(self) -> float:
        """``eta`` as a float."""
        return float(self.eta_exact)

    @property
    def temperature(self) -> float:
        """``T`` as a float."""
        return float(self.temperature_exact)

    @property
    def eta_array(self) -> NDArray:
        """``eta_a`` as floats."""
        return np.array([float(x) for x in self.etas])

    @property
    def T(self) -> NDArray:
        """``T_a`` as floats."""
        return np.array([float(x) for x in self.temperatures])

    def heat_fluxes(self, m2: float) -> NDArray:
        """``J_a = eta_a (m_2 - 3 T_a)`` (module docstring)."""
        return self.eta_array * (float(m2) - 3.0 * self.T)

    def heat_fluxes_exact(self, m2: Fraction) -> list[Fraction]:
        """``J_a`` exactly for an exact ``m_2``."""
        return [e * (m2 - 3 * t) for e, t in zip(self.etas, self.temperatures, strict=True)]

    def phi(self, k: NDArray, phi: NDArray, dphi: NDArray) -> NDArray:
        """``sum_a eta_a (FP_{T_a} f)^`` on an isotropic ``phi`` with derivative ``dphi``
        at ``k``: ``-eta (T k^2 phi + k phi')`` (F2), (F3)."""
        k = np.asarray(k, dtype=float)
        return -self.eta * (self.temperature * k**2 * np.asarray(phi) + k * np.asarray(dphi))

    def describe(self) -> dict:
        """JSON-ready: strengths, temperatures and the reduced pair ``(eta, T)``."""
        return {
            "diffusive_etas": [str(x) for x in self.etas],
            "diffusive_temperatures": [str(x) for x in self.temperatures],
            "diffusive_eta": str(self.eta_exact),
            "diffusive_temperature": str(self.temperature_exact),
        }


def _check_double(value: Fraction, what: str) -> None:
    """ValueError when ``value`` (> 0 or 0) overflows or underflows to 0 in double precision."""
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x) or (value != 0 and x == 0.0):
        size = math.log10(abs(value.numerator)) - math.log10(value.denominator)
        raise ValueError(f"{what} = about 1e{size:.0f} is out of the range of double precision "
                         "(about 1e-308 to 1e308)")


def as_diffusive(value: object) -> DiffusiveReservoirs | None:
    """``None``, a :class:`DiffusiveReservoirs`, or a pair ``(etas, temperatures)``."""
    if value is None or isinstance(value, DiffusiveReservoirs):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return DiffusiveReservoirs(value[0], value[1])
    raise TypeError(
        f"diffusive must be None, a DiffusiveReservoirs or a pair (etas, temperatures), got "
        f"{value!r}"
    )

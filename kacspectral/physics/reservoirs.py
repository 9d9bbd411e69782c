"""Thermal reservoirs: mixtures of centred Maxwellians.

Seed 003; conventions page (docs/conventions.md), sections 1 and 4.

``R = sum_a w_a M_{T_a}``, ``M_T(v) = (2 pi T)^(-3/2) exp(-|v|^2/(2T))`` on R^3, with Fourier
transform ``R^(k) = sum_a w_a exp(-T_a k^2/2)`` and moments
``m_{2n}[R] = sum_a w_a T_a^n (2n+1)!!``.

Inputs may be given as ints, Fractions, decimal strings or fraction strings (``"1/6"``); they
are kept as exact rationals beside their float values, so that the exact module can work in
rational arithmetic.  A float is read through its shortest decimal representation
(``0.1`` is ``1/10``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.errors import short
from kacspectral.results import ResultMixin
from kacspectral.spectral.polynomials import double_factorial

__all__ = ["ExactNumber", "MaxwellianMixture", "as_fraction", "positive_fraction"]

#: What :func:`as_fraction` reads exactly: an int, a Fraction, a float (through its ``repr``),
#: a string such as ``"1/6"`` or ``"0.25"`` (sympy Rationals and numpy numbers are read too).
ExactNumber: TypeAlias = str | Fraction | float | int


def as_fraction(value: object, name: str = "value") -> Fraction:
    """Read a number as an exact :class:`~fractions.Fraction`.

    Accepts ints, Fractions, sympy Rationals, floats (through ``repr``) and strings such as
    ``"1/6"``, ``"0.25"``, ``"1e-3"``.  Raises ValueError naming the bad value otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
        return Fraction(repr(float(value)))
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                out = Fraction(Fraction(num.strip()), Fraction(den.strip()))
            else:
                out = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{name} must be a number such as 0.5 or 1/6, got {value!r}") from None
        return out
    raise ValueError(f"{name} must be a number, got {value!r}")


def positive_fraction(value: object, name: str = "value") -> Fraction:
    """Read a number ``> 0`` (a rate, a temperature) as an exact Fraction, as
    :func:`as_fraction` reads it (a float through its ``repr``: ``0.1`` is ``1/10``).

    Raises ValueError naming ``name`` for a non-number, a non-finite float or a value ``<= 0``.
    """
    x = as_fraction(value, name)
    if x <= 0:
        raise ValueError(f"{name} must be > 0, got {short(x)}")
    return x


_TINY = float(np.finfo(float).tiny)


def _float(x: Fraction) -> float:
    """``float(x)``, ``+-inf`` beyond the float range (instead of OverflowError)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def double_factorial_odd(n: int) -> int:
    """``(2n+1)!!`` -- deprecated: use
    :func:`kacspectral.spectral.polynomials.double_factorial` ``(2n + 1)``."""
    import warnings

    warnings.warn(
        "kacspectral.physics.reservoirs.double_factorial_odd(n) is deprecated and will be "
        "removed in the next release; use kacspectral.spectral.polynomials.double_factorial"
        "(2 * n + 1)",
        DeprecationWarning,
        stacklevel=2,
    )
    return double_factorial(2 * int(n) + 1)


@dataclass(frozen=True)
class MaxwellianMixture(ResultMixin):
    """A reservoir ``R = sum_a w_a M_{T_a}`` (seed 003, eq. (1.4); conventions page, section 4).

    Parameters
    ----------
    weights : sequence of numbers
        ``w_a >= 0`` summing to 1 (checked exactly for rational input, to 1e-14 otherwise).
    temperatures : sequence of numbers
        ``T_a > 0``, same length as ``weights``.
    """

    weights: tuple[Fraction, ...]
    temperatures: tuple[Fraction, ...]

    def __init__(self, weights: Sequence[object], temperatures: Sequence[object]):
        if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
            weights = np.atleast_1d(weights).tolist()
        if isinstance(temperatures, (str, bytes)) or not isinstance(temperatures, Sequence):
            temperatures = np.atleast_1d(temperatures).tolist()
        if len(weights) == 0:
            raise ValueError("a reservoir needs at least one component; got no weights")
        if len(weights) != len(temperatures):
            raise ValueError(
                f"weights and temperatures must have equal lengths, got {len(weights)} weights "
                f"and {len(temperatures)} temperatures"
            )
        w = tuple(as_fraction(x, "weight") for x in weights)
        t = tuple(as_fraction(x, "temperature") for x in temperatures)
        for x in w:
            if x < 0:
                raise ValueError(f"weights must be >= 0, got {short(x)}")
        for x in t:
            if x <= 0:
                raise ValueError(f"temperatures must be > 0, got {short(x)}")
            if not _TINY <= _float(x) < math.inf:
                raise ValueError(
                    f"temperature {short(x)} is outside double precision (2.2e-308 .. 1.8e308)")
        total = sum(w, Fraction(0))
        if abs(_float(total) - 1.0) > 1e-14:
            raise ValueError(
                f"weights must sum to 1, got sum {short(total)} for {[short(y) for y in w]}"
            )
        if total != 1:  # float input within 1e-14: renormalise exactly
            w = tuple(x / total for x in w)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "temperatures", t)

    # -------------------------------------------------------------- float views
    @property
    def w(self) -> NDArray:
        """Weights as floats."""
        return np.array([float(x) for x in self.weights])

    @property
    def T(self) -> NDArray:
        """Temperatures as floats."""
        return np.array([float(x) for x in self.temperatures])

    @property
    def t_min(self) -> float:
        """Lowest temperature with a positive weight."""
        return float(min(t for t, w in zip(self.temperatures, self.weights, strict=True) if w > 0))

    @property
    def t_max(self) -> float:
        """Highest temperature with a positive weight."""
        return float(max(t for t, w in zip(self.temperatures, self.weights, strict=True) if w > 0))

    @property
    def temperature(self) -> float:
        """Mean temperature ``m_2[R]/3 = sum_a w_a T_a``."""
        return float(self.temperature_exact)

    @property
    def temperature_exact(self) -> Fraction:
        """``sum_a w_a T_a`` exactly."""
        return sum(
            (w * t for w, t in zip(self.weights, self.temperatures, strict=True)), Fraction(0)
        )

    # -------------------------------------------------------------- functions
    def fourier(self, k: ArrayLike) -> NDArray:
        """``R^(k) = sum_a w_a exp(-T_a |k|^2 / 2)`` (isotropic: ``k`` is ``|xi|``)."""
        k = np.asarray(k, dtype=float)
        return np.tensordot(self.w, np.exp(-0.5 * np.multiply.outer(self.T, k**2)), axes=1)

    def density(self, speed: ArrayLike) -> NDArray:
        """``R(v)`` at ``|v| = speed``."""
        r = np.asarray(speed, dtype=float)
        t = self.T.reshape((-1,) + (1,) * r.ndim)
        vals = (2 * np.pi * t) ** -1.5 * np.exp(-0.5 * r**2 / t)
        return np.tensordot(self.w, vals, axes=1)

    def moment(self, n: int) -> float:
        """``m_{2n}[R] = int |v|^{2n} R dv = sum_a w_a T_a^n (2n+1)!!``."""
        return float(self.moment_exact(n))

    def moment_exact(self, n: int) -> Fraction:
        """``m_{2n}[R]`` exactly."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"moment order n must be a non-negative integer, got {short(n)}")
        return double_factorial(2 * int(n) + 1) * sum(
            (w * t ** int(n) for w, t in zip(self.weights, self.temperatures, strict=True)),
            Fraction(0),
        )

    def describe(self) -> dict:
        """JSON-ready: weights and temperatures as strings and floats."""
        return {
            "weights": [str(x) for x in self.weights],
            "temperatures": [str(x) for x in self.temperatures],
            "weights_float": self.w.tolist(),
            "temperatures_float": self.T.tolist(),
        }

"""The BKW (Bobylev-Krook-Wu) exact solution of the homogeneous Boltzmann equation.

Conventions page (docs/conventions.md), section 5.

For Maxwell molecules with angular kernel ``b`` (normalised, conventions page, section 2), no
reservoir, unit mass and ``m_2 = 3``:

    phi(k, t) = (1 + A(t) k^2) exp(-(1/2 + A(t)) k^2),    A(t) = A_0 exp(-lambda t),

with ``lambda = (1/8) int b(s) (1 - s^2) ds = B_11`` (``1/6`` for ``b = 1``).  Bobylev's isotropic
formula gives ``Q(f,f)^ = lambda A^2 k^4 exp(-(1/2+A)k^2) = d phi/dt``.  In velocity space, with
``K = 1 + 2A``,

    f(v, t) = (2 pi K)^(-3/2) exp(-|v|^2/(2K)) [(5K-3)/(2K) + (1-K)|v|^2/(2K^2)],

which is ``>= 0`` iff ``K >= 3/5`` (``A >= -1/5``).

Convention.  The default ``A_0 = -1/2`` is the classical test (Pareschi-Russo style):
``K(t) = 1 - exp(-t/6)`` for ``b = 1``, a density for ``t >= ln(5/2)/lambda = 6 ln(5/2) ~ 5.498``;
earlier times give a signed exact solution (a :class:`NegativeDensityWarning` is issued).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kacspectral.errors import NegativeDensityWarning, short
from kacspectral.physics.kernels import AngularKernel, KernelSpec, get_kernel
from kacspectral.results import ResultMixin
from kacspectral.spectral.burnett import fischer_norm

if TYPE_CHECKING:  # imported where used, at run time
    from kacspectral.spectral.hermite_space import HermiteSpace

__all__ = ["BKW", "bkw_rate", "standard_grid", "STANDARD_BOX", "STANDARD_POINTS"]

#: Half-width of the standard velocity box ``[-8.83, 8.83]^3`` of the fast spectral literature.
STANDARD_BOX = 8.83
#: Points per axis of the standard grid.
STANDARD_POINTS = 32


def standard_grid(n: int = STANDARD_POINTS, half_width: float = STANDARD_BOX) -> NDArray:
    """The periodic grid ``v_j = -L + j 2L/n``, ``j = 0..n-1``, per axis; shape ``(n, n, n, 3)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"grid points per axis must be an integer >= 2, got {short(n)}")
    if not (math.isfinite(half_width) and half_width > 0):
        raise ValueError(f"half_width must be a positive number, got {half_width!r}")
    x = -half_width + 2.0 * half_width * np.arange(n) / n
    return np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1)


def bkw_rate(kernel: object = "constant") -> float:
    """``lambda = (1/8) int b (1 - s^2) ds = B_11`` (``(1 - s^2) = 4 ((1+s)/2)((1-s)/2)``)."""
    return get_kernel(kernel).B(1, 1)


@dataclass(frozen=True)
class BKW(ResultMixin):
    """The BKW solution with ``A(t) = A0 exp(-lambda t)`` (module docstring).

    Parameters
    ----------
    A0 : float
        ``A(0)``, in ``[-1/2, 0)``; ``-1/2`` is the classical ``K(t) = 1 - exp(-lambda t)``.
    kernel : str or AngularKernel
        Sets ``lambda = B_11``.
    """

    A0: float = -0.5
    kernel: AngularKernel = field(default_factory=lambda: get_kernel("constant"))

    if TYPE_CHECKING:
        # What the constructor accepts (``__post_init__`` resolves the kernel); mypy reads this
        # signature, the dataclass generates the one that runs.
        def __init__(self, A0: float = -0.5, kernel: KernelSpec = "constant") -> None: ...

    def __post_init__(self) -> None:
        try:
            a0 = float(self.A0)
        except (TypeError, ValueError, OverflowError):
            a0 = math.nan
        if not (-0.5 <= a0 < 0):
            raise ValueError(f"A0 must be a number in [-1/2, 0), got {short(self.A0)}")
        object.__setattr__(self, "A0", a0)
        object.__setattr__(self, "kernel", get_kernel(self.kernel))

    @property
    def rate(self) -> float:
        """``lambda = B_11``."""
        return self.kernel.B(1, 1)

    @property
    def t_min(self) -> float:
        """First time at which ``f >= 0``: ``A(t) = -1/5``, i.e. ``ln(-5 A0)/lambda`` (or 0)."""
        return max(0.0, math.log(-5.0 * self.A0) / self.rate)

    def _t(self, t: float) -> float:
        t = float(t)
        if not math.isfinite(t) or t < 0:
            raise ValueError(f"time t must be a finite number >= 0, got {t!r}")
        if t < self.t_min - 1e-12:
            warnings.warn(
                f"BKW at t={t} < t_min={self.t_min:.6g}: the exact solution is negative somewhere",
                NegativeDensityWarning,
                stacklevel=3,
            )
        return t

    def A(self, t: float) -> float:
        """``A(t) = A0 exp(-lambda t)``."""
        return self.A0 * math.exp(-self.rate * float(t))

    def K(self, t: float) -> float:
        """``K(t) = 1 + 2 A(t)``: the temperature of the Gaussian factor of ``f``."""
        return 1.0 + 2.0 * self.A(t)

    def phi(self, k: ArrayLike, t: float) -> NDArray:
        """``phi(k,t) = (1 + A k^2) exp(-(1/2 + A) k^2)``, ``k = |xi|``."""
        a = self.A(self._t(t))
        k2 = np.asarray(k, dtype=float) ** 2
        return (1.0 + a * k2) * np.exp(-(0.5 + a) * k2)

    def phi_dt(self, k: ArrayLike, t: float) -> NDArray:
        """``d phi/dt = lambda A^2 k^4 exp(-(1/2 + A) k^2)`` (= ``Q(f,f)^``)."""
        a = self.A(self._t(t))
        k2 = np.asarray(k, dtype=float) ** 2
        return self.rate * a * a * k2 * k2 * np.exp(-(0.5 + a) * k2)

    def density(self, v: ArrayLike, t: float) -> NDArray:
        """``f(v,t)`` at points of shape ``(..., 3)``."""
        kk = self.K(self._t(t))
        r2 = np.sum(np.asarray(v, dtype=float) ** 2, axis=-1)
        g = (5 * kk - 3) / (2 * kk) + (1 - kk) * r2 / (2 * kk * kk)
        return (2 * math.pi * kk) ** -1.5 * np.exp(-r2 / (2 * kk)) * g

    def density_dt(self, v: ArrayLike, t: float) -> NDArray:
        """Exact ``df/dt = (df/dK) dK/dt``, ``dK/dt = -2 lambda A``.

        ``df/dK = f_0 [(r/(2K^2) - 3/(2K)) g + 3/(2K^2) + r/(2K^2) - r/K^3]`` with
        ``f_0 = (2 pi K)^(-3/2) exp(-r/(2K))``, ``r = |v|^2``, ``g`` the bracket of ``f``.
        """
        t = self._t(t)
        kk = self.K(t)
        r = np.sum(np.asarray(v, dtype=float) ** 2, axis=-1)
        g = (5 * kk - 3) / (2 * kk) + (1 - kk) * r / (2 * kk * kk)
        f0 = (2 * math.pi * kk) ** -1.5 * np.exp(-r / (2 * kk))
        dfdk = f0 * ((r / (2 * kk * kk) - 1.5 / kk) * g + 1.5 / kk**2 + r / (2 * kk * kk)
                     - r / kk**3)
        return dfdk * (-2.0 * self.rate * self.A(t))

    # ------------------------------------------------------------------ Hermite coefficients
    def coefficients(self, space: HermiteSpace, t: float) -> NDArray:
        """Exact coefficients of ``f(., t)`` in a
        :class:`~kacspectral.boltzmann.anisotropic.collision.HermiteSpace`.

        With ``T = T_ref``, ``phi = exp(-T k^2/2) P(eta)``, ``eta = sqrt(T) xi``,
        ``P = (1 + (A/T)|eta|^2) exp(-c |eta|^2)``, ``c = (K - T)/(2T)``; the degree-``2n`` part is
        ``(-1)^n |eta|^(2n) [c^n/n! - (A/T) c^(n-1)/(n-1)!] = (-i)^(2n) N_n0 e_n00 [...]`` with
        ``e_n00 = (-1)^n |eta|^(2n)/N_n0`` (:mod:`kacspectral.spectral.burnett`), so
        ``a_n00 = (-1)^n N_n0 [c^n/n! - (A/T) c^(n-1)/(n-1)!]``.  Exact (finite) when
        ``T_ref = K(t)``.  Raises ValueError when ``K(t) >= 2 T_ref`` (``|2c| >= 1``: the
        series diverges).
        """
        return self._coeffs(space, self._t(t), derivative=False)

    def coefficients_dt(self, space: HermiteSpace, t: float) -> NDArray:
        """Exact time derivative of :meth:`coefficients` (``= Q(f,f)`` on every degree ``<= K``)."""
        return self._coeffs(space, self._t(t), derivative=True)

    def _coeffs(self, space: HermiteSpace, t: float, derivative: bool) -> NDArray:
        from kacspectral.spectral.hermite_space import check_series_converges

        tr = space.temperature
        check_series_converges([self.K(t)], tr, f"BKW K(t = {t:g})")
        a = self.A(t)
        da = -self.rate * a
        c = (self.K(t) - tr) / (2 * tr)
        dc = da / tr
        out = np.zeros(space.size)

        def cpow(k: int) -> float:
            return c**k if k >= 0 else 0.0

        for j, (n, l, _) in enumerate(space.labels):
            if l != 0:
                continue
            fact_n = math.factorial(n)
            fact_n1 = math.factorial(n - 1) if n >= 1 else 1.0
            if not derivative:
                val = cpow(n) / fact_n - (a / tr) * (cpow(n - 1) / fact_n1 if n >= 1 else 0.0)
            else:
                val = n * cpow(n - 1) * dc / fact_n
                if n >= 1:
                    val -= (da / tr) * cpow(n - 1) / fact_n1
                    val -= (a / tr) * (n - 1) * cpow(n - 2) * dc / fact_n1
            out[j] = (-1) ** n * fischer_norm(n, 0) * val
        return out

"""Thermal reservoirs on the grid: jump reservoirs ``Q(f, R)`` and diffusive (Fokker-Planck) ones.

Jump reservoirs (seed 003, eq. (1.4); ``docs/conventions.md`` section 4): with
``R = sum_a w_a M_{T_a}``, the reservoir term is ``gamma Q(f, R) = sum_a L_a f``,
``L_a f = gamma w_a Q(f, M_{T_a})``, computed with the same fast spectral operator as the bulk
collisions (any ``lambda`` in ``[0, 1]``; only mass is imposed by the projection, since
``Q(f, M_T)`` exchanges energy).  Heat flux into reservoir ``a`` and its entropy production:

    J_a = -(1/2) int L_a f |v|^2 dv,      sigma_a = -int L_a f log(f / M_{T_a}) dv >= 0.

Diffusive reservoirs (seed 003, section 3; conventions section 7):
``D_a f = eta_a div(T_a grad f + v f) = eta_a T_a div[M_{T_a} grad(f / M_{T_a})]``, by spectral
derivatives on the periodic grid (real FFTs through the pyfftw plans of
:mod:`kacspectral.grid.fft`, built once per grid);
``J_a = -(1/2) int D_a f |v|^2 = eta_a (m_2 - 3 T_a)`` and
``sigma_a = -int D_a f log(f/M_{T_a}) = eta_a T_a int f |grad log(f/M_{T_a})|^2 >= 0``.

With ``S = -int f log f`` and the bulk production ``sigma_B = -int C f log f`` (``C`` the bulk
collision term), ``dS/dt = sigma_B + sum_a sigma_a - sum_a J_a / T_a`` for every ``f``; at a steady
state ``sigma_B + sum_a sigma_a = sum_a J_a / T_a`` (seed 003, section 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kacspectral.grid.conservation import grid_moments
from kacspectral.grid.fft import RealFFT3
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = ["JumpReservoirs", "DiffusiveReservoirs", "maxwellian_on_grid", "log_ratio"]

#: Floor of ``f`` inside logarithms (points where the grid solution is <= 0 or underflows).
LOG_FLOOR = 1e-300


def maxwellian_on_grid(n: int, half_width: float, temperature: float,
                       mean: Sequence[float] = (0.0, 0.0, 0.0)) -> NDArray:
    """``M_{u,T}(v) = (2 pi T)^(-3/2) exp(-|v-u|^2/(2T))`` on the ``n^3`` grid of ``[-L, L)^3``."""
    x = -half_width + 2.0 * half_width * np.arange(n) / n
    u = np.asarray(mean, dtype=float)
    r2 = ((x[:, None, None] - u[0]) ** 2 + (x[None, :, None] - u[1]) ** 2
          + (x[None, None, :] - u[2]) ** 2)
    return (2 * math.pi * temperature) ** -1.5 * np.exp(-r2 / (2 * temperature))


def log_ratio(f: NDArray, m: NDArray) -> NDArray:
    """``log(max(f, floor) / m)`` computed as a difference of logs."""
    return np.log(np.maximum(f, LOG_FLOOR)) - np.log(np.maximum(m, LOG_FLOOR))


class JumpReservoirs:
    """``gamma Q(f, R)`` for ``R`` a Maxwellian mixture, with its fluxes and entropy terms."""

    def __init__(self, op: FastSpectralOperator, gamma: float, reservoir: MaxwellianMixture):
        g = float(gamma)
        if not (0.0 < g <= 1.0):
            raise ValueError(f"gamma must be in (0, 1], got {gamma!r}")
        if not isinstance(reservoir, MaxwellianMixture):
            raise TypeError(f"reservoir must be a MaxwellianMixture, got {reservoir!r}")
        self.op, self.gamma, self.reservoir = op, g, reservoir
        self.maxwellians = [maxwellian_on_grid(op.n, op.half_width, t) for t in reservoir.T]

    def parts(self, f: NDArray) -> list[NDArray]:
        """``[L_a f]``, ``L_a f = gamma w_a Q(f, M_{T_a})`` (mass imposed)."""
        return [self.gamma * w * self.op.collision(f, m)
                for w, m in zip(self.reservoir.w, self.maxwellians, strict=True)]

    def __call__(self, f: NDArray) -> NDArray:
        return np.sum(self.parts(f), axis=0)

    def heat_fluxes(self, f: NDArray, parts: list[NDArray] | None = None) -> NDArray:
        """``J_a = -(1/2) int L_a f |v|^2``."""
        parts = self.parts(f) if parts is None else parts
        return np.array([-0.5 * grid_moments(p, self.op.half_width)[4] for p in parts])

    def entropy_productions(self, f: NDArray, parts: list[NDArray] | None = None) -> NDArray:
        """``sigma_a = -int L_a f log(f / M_{T_a})``."""
        parts = self.parts(f) if parts is None else parts
        h3 = self.op.cell_volume
        return np.array([-h3 * np.sum(p * log_ratio(f, m))
                         for p, m in zip(parts, self.maxwellians, strict=True)])


class DiffusiveReservoirs:
    """``sum_a eta_a div(T_a grad f + v f)`` by spectral derivatives on the grid."""

    def __init__(self, n: int, half_width: float, etas: Sequence[float],
                 temperatures: Sequence[float], threads: int = 1, backend: str = "auto",
                 effort: str = "FFTW_ESTIMATE"):
        self.etas = np.asarray(etas, dtype=float)
        self.temperatures = np.asarray(temperatures, dtype=float)
        if self.etas.shape != self.temperatures.shape or self.etas.ndim != 1:
            raise ValueError("etas and temperatures must be 1-D sequences of equal length")
        if np.any(self.etas < 0) or np.any(self.temperatures <= 0):
            raise ValueError(f"need eta_a >= 0 and T_a > 0, got {etas!r}, {temperatures!r}")
        self.n, self.half_width = int(n), float(half_width)
        # real FFT plans built once (pyfftw; scipy.fft fallback), reused by every evaluation
        self.fft = RealFFT3(self.n, threads=threads, backend=backend, effort=effort)
        scale = math.pi / self.half_width
        k = np.fft.fftfreq(self.n, d=1.0 / self.n) * scale  # frequencies only, no transform
        kr = np.fft.rfftfreq(self.n, d=1.0 / self.n) * scale
        lap = -(k[:, None, None] ** 2 + k[None, :, None] ** 2 + kr[None, None, :] ** 2)
        # odd derivatives: drop the Nyquist mode (its derivative is not real)
        if self.n % 2 == 0:  # odd n has no Nyquist mode
            k[self.n // 2] = 0.0
            kr[-1] = 0.0
        self._lap = lap
        self._ik = (1j * k[:, None, None], 1j * k[None, :, None], 1j * kr[None, None, :])
        self._x = -self.half_width + 2.0 * self.half_width * np.arange(self.n) / self.n
        self.maxwellians = [maxwellian_on_grid(self.n, self.half_width, t)
                            for t in self.temperatures]

    def _fp(self, f: NDArray, temperature: float) -> NDArray:
        """``div(T grad f + v f) = T lap f + sum_i d_i (v_i f)`` spectrally (``v_i f`` decays at
        the box edge, so its periodic derivative is spectrally accurate; mass is conserved to
        rounding: the zero mode of a derivative vanishes).  Four real forward FFTs and one
        inverse, through the plans of :class:`kacspectral.grid.fft.RealFFT3`."""
        fft = self.fft
        x = self._x
        spec = temperature * self._lap * fft.forward(f)
        for ik, xs in zip(self._ik, (x[:, None, None], x[None, :, None], x[None, None, :]),
                          strict=True):
            np.multiply(f, xs, out=fft.real_in)
            spec += ik * fft.forward()
        return fft.backward(spec).copy()

    def parts(self, f: NDArray) -> list[NDArray]:
        """``[D_a f]``."""
        return [eta * self._fp(f, t) for eta, t in zip(self.etas, self.temperatures, strict=True)]

    def __call__(self, f: NDArray) -> NDArray:
        return np.sum(self.parts(f), axis=0)

    def heat_fluxes(self, f: NDArray, parts: list[NDArray] | None = None) -> NDArray:
        parts = self.parts(f) if parts is None else parts
        return np.array([-0.5 * grid_moments(p, self.half_width)[4] for p in parts])

    def entropy_productions(self, f: NDArray, parts: list[NDArray] | None = None) -> NDArray:
        parts = self.parts(f) if parts is None else parts
        h3 = (2.0 * self.half_width / self.n) ** 3
        return np.array([-h3 * np.sum(p * log_ratio(f, m))
                         for p, m in zip(parts, self.maxwellians, strict=True)])

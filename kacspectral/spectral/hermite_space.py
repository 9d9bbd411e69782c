"""The truncated Hermite/Burnett space of the anisotropic solver.

A state is ``f(v) = M_{T_ref}(v) sum_j a_j psi_j(v)`` with ``psi_j`` the Burnett functions
(:mod:`kacspectral.spectral.burnett`), orthonormal in ``L^2(M_{T_ref})`` and spanning the tensor
Hermite polynomials ``prod_i He_{alpha_i}(v_i/sqrt(T_ref))`` (probabilists' He_n, weight
``M_{T_ref}``) of total degree ``2n + l <= K``, optionally with ``l <= l_max``
(conventions page, ``docs/conventions.md``, sections 1 and 3).  This module holds the space, its
labels and the exact coefficients of Maxwellians and Maxwellian mixtures; the collision operator
that acts on it is :mod:`kacspectral.boltzmann.anisotropic.collision`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from kacspectral.errors import TruncationWarning, short
from kacspectral.results import ResultMixin
from kacspectral.spectral.burnett import (
    basis_labels,
    fischer_norm,
    harmonic_index,
    project_homogeneous,
    real_solid_harmonics,
)
from kacspectral.spectral.hermite import burnett_functions, burnett_norm
from kacspectral.spectral.polynomials import gauss_laguerre, laguerre_function_orthonormal

__all__ = ["HermiteSpace", "MAX_DEGREE", "check_series_converges"]


class _Mixture(Protocol):
    """What :meth:`HermiteSpace.reservoir` reads of a reservoir: weights and temperatures."""

    @property
    def w(self) -> ArrayLike: ...

    @property
    def T(self) -> ArrayLike: ...

MAX_DEGREE = 200


def check_series_converges(temperatures: Iterable[float], reference: float, what: str) -> None:
    """Raise ValueError when some ``T_a >= 2 T_ref``: then ``M_{T_a}/M_{T_ref}`` is not in
    ``L^2(M_{T_ref})`` and the Hermite series of the data diverges (its coefficients of degree
    ``2n`` grow like ``|T_a/T_ref - 1|^n >= 1``), so every truncation of it is wrong."""
    ts = [float(t) for t in temperatures]
    bad = [t for t in ts if t >= 2.0 * reference]
    if bad:
        raise ValueError(
            f"{what} temperature T_a = {max(bad):.6g} >= 2 T_ref = {2.0 * reference:.6g} "
            f"(T_ref = {reference:.6g}): the Hermite series of M_T_a in L^2(M_T_ref) diverges; "
            f"use T_ref > T_max/2, e.g. HermiteSpace.choose_temperature (the midpoint of the "
            f"extreme temperatures)"
        )


def _check_temperature(value: object, name: str = "temperature") -> float:
    try:
        t = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return t


@dataclass(frozen=True)
class HermiteSpace(ResultMixin):
    """Truncated Hermite/Burnett space ``f = M_{T_ref} sum_j a_j psi_j`` (module docstring).

    Parameters
    ----------
    degree : int
        Total polynomial degree ``K``: keeps ``psi_nlm`` with ``2n + l <= K``.
    temperature : float
        ``T_ref`` of the weight ``M_{T_ref}`` (see :meth:`choose_temperature`).
    l_max : int or None
        Harmonic truncation, the ``(n, l)`` rule: keep ``psi_nlm`` with ``2n + l <= K`` and
        ``l <= l_max``.  ``None`` keeps every ``l`` (the space is then all of ``M_T`` times
        polynomials of degree ``<= K``); ``l_max = 0`` is the isotropic subspace, closed under the
        collision operator (exact there, at ``K/2 + 1`` coefficients); a small ``l_max`` suits
        nearly isotropic data (the collision operator is Galerkin-projected onto ``l <= l_max``:
        its parts with larger ``l`` are dropped, and data projected with
        :meth:`maxwellian` warn when they lose more than ``1e-12``).

    Notes
    -----
    Layout: ``labels[j] = (n, l, m)``, ordered by degree ``2n + l``, then ``l``, then ``m = -l..l``
    (:func:`kacspectral.spectral.burnett.basis_labels`); ``labels[0] = (0, 0, 0)`` (``psi = 1``, so
    ``a_0`` is the mass).
    """

    degree: int
    temperature: float
    l_max: int | None = None

    def __post_init__(self) -> None:
        d = self.degree
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= MAX_DEGREE:
            raise ValueError(f"degree must be an integer in [0, {MAX_DEGREE}], got {short(d)}")
        object.__setattr__(self, "degree", int(d))
        object.__setattr__(self, "temperature", _check_temperature(self.temperature))
        lm = self.l_max
        if lm is not None:
            if isinstance(lm, bool) or not isinstance(lm, (int, np.integer)) or lm < 0:
                raise ValueError(f"l_max must be None or a non-negative integer, got {short(lm)}")
            object.__setattr__(self, "l_max", int(lm))

    # ------------------------------------------------------------------ layout
    @cached_property
    def labels(self) -> list[tuple[int, int, int]]:
        """``(n, l, m)`` of each basis function (layout in the class docstring)."""
        return basis_labels(self.degree, self.l_max)

    @property
    def size(self) -> int:
        """Number of basis functions."""
        return len(self.labels)

    @property
    def effective_l_max(self) -> int:
        """``min(l_max, degree)`` (``degree`` when ``l_max`` is None)."""
        return self.degree if self.l_max is None else min(self.l_max, self.degree)

    @cached_property
    def degrees(self) -> NDArray:
        """Total degree ``2n + l`` of each basis function."""
        return np.array([2 * n + l for n, l, _ in self.labels], dtype=int)

    @cached_property
    def _index(self) -> dict[tuple[int, int, int], int]:
        return {lab: k for k, lab in enumerate(self.labels)}

    def index(self, n: int, l: int, m: int) -> int:
        """Position of ``psi_nlm`` in the coefficient vector."""
        try:
            return self._index[(n, l, m)]
        except KeyError:
            raise ValueError(
                f"(n, l, m) = {(n, l, m)} is not in the truncation degree={self.degree}, "
                f"l_max={self.l_max}"
            ) from None

    def describe(self) -> dict:
        """JSON-ready truncation summary."""
        return {
            "degree": self.degree,
            "l_max": self.l_max,
            "temperature": self.temperature,
            "size": self.size,
            "basis": "Burnett psi_nlm (Laguerre x real solid harmonics), orthonormal in "
            "L^2(M_T_ref); spans tensor He_n of total degree <= degree",
        }

    def _check(self, coeffs: ArrayLike, name: str = "coeffs") -> NDArray:
        a = np.asarray(coeffs, dtype=float)
        if a.ndim != 1 or a.shape[0] != self.size:
            raise ValueError(f"{name} must have shape ({self.size},), got {a.shape}")
        return a

    # ------------------------------------------------------------------ temperature rule
    @staticmethod
    def choose_temperature(temperatures: float | Iterable[float]) -> float:
        """Reference temperature from the Gaussian temperatures present in the data.

        Rule: ``T_ref = (T_min + T_max)/2`` over all temperatures given (axis temperatures of
        anisotropic Maxwellians, components of mixtures, reservoir temperatures, the BKW
        ``K(t)`` over the time interval).  Relative to ``M_T``, ``exp(-T_a|xi|^2/2)`` has
        Fischer coefficients of degree ``2n`` of size ``~ |T_a - T|^n / T^n``; the midpoint
        minimises the worst ratio ``max_a |T_a - T|/T = (T_max - T_min)/(T_max + T_min) < 1``
        (``f/M_T`` is in ``L^2(M_T)``, where the series converges, only for ``T_a < 2T``:
        always true for the midpoint).  See also :meth:`convergence_ratio`.
        """
        items: Iterable[object] = [temperatures]
        if isinstance(temperatures, Iterable) and not np.isscalar(temperatures):
            items = temperatures
        ts = [_check_temperature(t, "temperature") for t in items]
        if not ts:
            raise ValueError("choose_temperature needs at least one temperature, got none")
        return 0.5 * (min(ts) + max(ts))

    @staticmethod
    def convergence_ratio(temperatures: float | Iterable[float], reference: float) -> float:
        """``max_a |T_a - T_ref| / T_ref``: decay of the coefficients per two degrees."""
        t = _check_temperature(reference, "reference")
        items: Iterable[object] = [temperatures]
        if isinstance(temperatures, Iterable) and not np.isscalar(temperatures):
            items = temperatures
        return max(abs(_check_temperature(x) - t) / t for x in items)

    # ------------------------------------------------------------------ data
    def maxwellian(
        self,
        temperatures: float | Sequence[float] | None = None,
        mean: Sequence[float] = (0.0, 0.0, 0.0),
    ) -> NDArray:
        """Exact coefficients of ``M_{u, diag(T_x, T_y, T_z)}`` (closed form).

        ``f^(xi) = exp(-i u.xi - sum_i T_i xi_i^2/2) = exp(-T_ref|xi|^2/2) P(eta)`` with
        ``P(eta) = exp(-i u~.eta - sum_i delta_i eta_i^2/2)``, ``u~ = u/sqrt(T_ref)``,
        ``delta_i = T_i/T_ref - 1``; its degree-``d`` part is ``(-i)^d h_d``,
        ``h_d = sum_{k+2p=d} (u~.eta)^k/k! (sum_i delta_i eta_i^2/2)^p/p!``, projected exactly
        (:func:`kacspectral.spectral.burnett.project_homogeneous`).  Warns
        :class:`~kacspectral.errors.TruncationWarning` when ``l_max`` drops a part of the data
        of degree ``<= K`` larger than ``1e-12``.

        Raises ValueError when some ``T_i >= 2 T_ref`` (the series diverges there, see
        :meth:`choose_temperature`).
        """
        if temperatures is None:
            temperatures = self.temperature
        tt = np.atleast_1d(np.asarray(temperatures, dtype=float))
        if tt.shape == (1,):
            tt = np.repeat(tt, 3)
        if tt.shape != (3,):
            raise ValueError(f"temperatures must be a number or 3 numbers, got {temperatures!r}")
        for t in tt:
            _check_temperature(t, "temperatures")
        check_series_converges(tt, self.temperature, "Maxwellian axis")
        u = np.asarray(mean, dtype=float)
        if u.shape != (3,) or not np.all(np.isfinite(u)):
            raise ValueError(f"mean must be 3 finite numbers, got {mean!r}")
        delta = tt / self.temperature - 1.0
        ut = u / math.sqrt(self.temperature)

        def hom(d: int, pts: NDArray) -> NDArray:
            lin = pts @ ut
            quad = 0.5 * (pts * pts) @ delta
            out = np.zeros(len(pts))
            for p in range(d // 2 + 1):
                k = d - 2 * p
                # 1/k! as a Python float (exact int division, 0.0 on underflow): dividing an
                # array by an int beyond int64 (k >= 21) fails on numpy < 2 (UFuncTypeError)
                out += lin**k * (1 / math.factorial(k)) * quad**p * (1 / math.factorial(p))
            return out

        if self.l_max is not None and self.l_max < self.degree and (
            np.any(delta != delta[0]) or np.any(u != 0)
        ):
            full = project_homogeneous(hom, basis_labels(self.degree, None))
            keep = np.array([lab[1] <= self.l_max for lab in basis_labels(self.degree, None)])
            dropped = float(np.linalg.norm(full[~keep]))
            if dropped > 1e-12:
                warnings.warn(
                    f"l_max={self.l_max} drops anisotropic parts of the Maxwellian of norm "
                    f"{dropped:.3g} (degree <= {self.degree})",
                    TruncationWarning,
                    stacklevel=2,
                )
            return self._exact_low(full[keep], ut)
        return self._exact_low(project_homogeneous(hom, self.labels), ut)

    def _exact_low(self, a: NDArray, ut: NDArray) -> NDArray:
        """Degrees 0 and 1 of a Maxwellian in closed form: ``h_0 = 1``, ``h_1 = u~.eta``
        (``e_{0,1,(1,-1,0)} = (eta_x, eta_y, eta_z)``), so mass and momentum are exact."""
        a[0] = 1.0
        for m, comp in ((1, 0), (-1, 1), (0, 2)):
            if (0, 1, m) in self._index:
                a[self._index[(0, 1, m)]] = ut[comp]
        return a

    def mixture(self, weights: ArrayLike, temperatures: ArrayLike) -> NDArray:
        """Exact coefficients of ``sum_a w_a M_{T_a}`` (isotropic, ``l = 0`` only).

        ``exp(-T_a|xi|^2/2) = exp(-T_ref|xi|^2/2) exp(-delta_a|eta|^2/2)``, so
        ``a_{n00} = N_n0 sum_a w_a (-delta_a/2)^n / n!``, ``delta_a = T_a/T_ref - 1``,
        ``N_n0 = sqrt(2^n n! (2n+1)!!)``.  The weights must be ``>= 0`` and are used as given
        (no normalisation).  Raises ValueError when some ``T_a >= 2 T_ref`` (the series
        diverges there, see :meth:`choose_temperature`).
        """
        w, t = self._mixture_arrays(weights, temperatures)
        check_series_converges(t, self.temperature, "mixture component")
        return self._mixture_coefficients(w, t)

    def _mixture_arrays(self, weights: ArrayLike, temperatures: ArrayLike) -> tuple:
        w = np.atleast_1d(np.asarray(weights, dtype=float))
        t = np.atleast_1d(np.asarray(temperatures, dtype=float))
        if w.shape != t.shape or w.ndim != 1 or w.size == 0:
            raise ValueError(
                f"weights and temperatures must be equal-length 1-D lists, got {w.shape} "
                f"and {t.shape}"
            )
        for x in t:
            _check_temperature(x, "temperatures")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"weights must be finite and >= 0, got {weights!r}")
        return w, t

    def _mixture_coefficients(self, w: NDArray, t: NDArray) -> NDArray:
        delta = t / self.temperature - 1.0
        out = np.zeros(self.size)
        for k, (n, l, _) in enumerate(self.labels):
            if l == 0:
                log_c = math.log(fischer_norm(n, 0)) - math.lgamma(n + 1)
                out[k] = math.exp(log_c) * float(np.sum(w * (-0.5 * delta) ** n))
        return out

    def reservoir(self, reservoir: _Mixture) -> NDArray:
        """Coefficients of a Maxwellian mixture such as
        :class:`~kacspectral.physics.reservoirs.MaxwellianMixture` (exact).

        No ``T_a < 2 T_ref`` check: the reservoir enters only through the gain matrix
        ``Q+(., R)``, whose degree-``d`` output needs ``R``'s coefficients of degree ``<= d``,
        each exact, so the reservoir term is exact whether or not ``R``'s series converges.
        """
        if not (hasattr(reservoir, "w") and hasattr(reservoir, "T")):
            raise TypeError(f"reservoir must be a MaxwellianMixture, got {reservoir!r}")
        return self._mixture_coefficients(*self._mixture_arrays(reservoir.w, reservoir.T))

    # ------------------------------------------------------------------ evaluation
    @cached_property
    def _blocks(self) -> list[tuple[int, NDArray]]:
        """``(l, idx)`` with ``idx[n, m + l]`` the position of ``psi_nlm``, for each ``l``."""
        out = []
        for l in range(self.effective_l_max + 1):
            nmax = (self.degree - l) // 2
            idx = np.array([[self._index[(n, l, m)] for m in range(-l, l + 1)]
                            for n in range(nmax + 1)], dtype=np.intp)
            out.append((l, idx))
        return out

    def _chunks(self, npts: int) -> range:
        step = max(256, 4_000_000 // max((self.effective_l_max + 1) ** 2 + self.degree, 1))
        return range(0, npts, step)

    def density(self, coeffs: ArrayLike, v: ArrayLike) -> NDArray:
        """``f(v) = M_{T_ref}(v) sum_j a_j psi_j(v)`` at points ``v`` of shape ``(..., 3)``.

        Per ``l``: ``sum_m Ys_lm(x) sum_n a_nlm c_l exp(-y/2) q_n^(l+1/2)(y)``,
        ``c_l = sqrt(sqrt(pi)/2^(l+1))``, ``y = |x|^2/2``, times ``exp(-y/2) (2 pi T)^(-3/2)``
        (:mod:`kacspectral.spectral.burnett`).
        """
        a = self._check(coeffs)
        v = np.asarray(v, dtype=float)
        if v.shape[-1:] != (3,):
            raise ValueError(f"v must have shape (..., 3), got {v.shape}")
        x = v.reshape(-1, 3) / math.sqrt(self.temperature)
        out = np.empty(len(x))
        pref = (2.0 * math.pi * self.temperature) ** -1.5
        for s0 in self._chunks(len(x)):
            xc = x[s0 : s0 + self._chunks(len(x)).step]
            y = 0.5 * np.sum(xc * xc, axis=1)
            ys = real_solid_harmonics(self.effective_l_max, xc)
            total = np.zeros(len(xc))
            for l, idx in self._blocks:
                nmax = idx.shape[0] - 1
                q = laguerre_function_orthonormal(nmax, l + 0.5, y)
                q *= burnett_norm(l)
                rad = a[idx].T @ q  # (2l+1, P)
                total += np.einsum("mp,mp->p", rad, ys[l * l : (l + 1) ** 2])
            out[s0 : s0 + len(xc)] = pref * np.exp(-0.5 * y) * total
        return out.reshape(v.shape[:-1])

    def fourier(self, coeffs: ArrayLike, xi: ArrayLike) -> NDArray:
        """``f^(xi) = int f e^{-i xi.v} dv = exp(-|eta|^2/2) sum_j a_j (-i)^{d_j} e_j(eta)``.

        ``eta = sqrt(T_ref) xi``, ``(-i)^d e_nlm(eta) = (-i)^l |eta|^(2n) Ys_lm(eta)/N_nl``;
        the radial factors
        ``|eta|^(2n+l) exp(-|eta|^2/2)/N_nl`` are formed from logarithms (no overflow at large
        ``|xi|``).  ``xi`` has shape ``(..., 3)``; complex result of shape ``xi.shape[:-1]``.
        """
        a = self._check(coeffs)
        xi = np.asarray(xi, dtype=float)
        if xi.shape[-1:] != (3,):
            raise ValueError(f"xi must have shape (..., 3), got {xi.shape}")
        eta = xi.reshape(-1, 3) * math.sqrt(self.temperature)
        out = np.empty(len(eta), dtype=complex)
        phase = (1.0, -1j, -1.0, 1j)
        for s0 in self._chunks(len(eta)):
            ec = eta[s0 : s0 + self._chunks(len(eta)).step]
            r = np.sqrt(np.sum(ec * ec, axis=1))
            safe = np.where(r > 0, r, 1.0)
            u = np.where((r > 0)[:, None], ec / safe[:, None], np.array([0.0, 0.0, 1.0]))
            ys = real_solid_harmonics(self.effective_l_max, u)
            with np.errstate(divide="ignore"):
                logr = np.log(r)
            total = np.zeros(len(ec), dtype=complex)
            for l, idx in self._blocks:
                nmax = idx.shape[0] - 1
                n = np.arange(nmax + 1)
                lognorm = np.array([math.log(fischer_norm(k, l)) for k in n])
                with np.errstate(invalid="ignore"):
                    power = (2 * n + l)[:, None] * logr[None, :]
                power[(2 * n + l) == 0] = 0.0  # |eta|^0 = 1, also at eta = 0
                rad = np.exp(power - lognorm[:, None] - 0.5 * r * r)
                total += phase[l % 4] * np.einsum("mp,mp->p", a[idx].T @ rad,
                                                  ys[l * l : (l + 1) ** 2])
            out[s0 : s0 + len(ec)] = total
        return out.reshape(xi.shape[:-1])

    def moments(self, coeffs: ArrayLike) -> dict:
        """Exact low moments from the coefficients of degree ``<= 4``.

        Returns ``mass = int f``, ``momentum = int v f`` (shape (3,)), ``second = int v_i v_j f``
        (3x3), ``fourth = int |v|^4 f``, ``m2 = int |v|^2 f`` and ``energy = m2/2``.  A moment
        of order above the truncation degree (momentum for ``K < 1``, second moments for
        ``K < 2``, ``fourth`` for ``K < 4``) is not determined by the coefficients and is NaN
        (not the value of the truncated density, which would silently drop the missing
        coefficients).  Derived from
        ``f^(xi) = exp(-T|xi|^2/2) P(sqrt(T) xi)``: ``int v f = sqrt(T) (a_011, a_01-1, a_010)``,
        ``second = T (delta_ij a_0 + d_i d_j [a_100 e_100 + sum_m a_02m e_02m])`` with
        ``e_100 = -|eta|^2/sqrt(6)``, ``e_02m = Ys_2m/sqrt(15)``, and the
        radial moments by Gauss-Laguerre quadrature of the ``l = 0`` Burnett functions.
        """
        a = self._check(coeffs)
        t = self.temperature

        def get(n: int, l: int, m: int) -> float:
            return float(a[self._index[(n, l, m)]]) if (n, l, m) in self._index else 0.0

        mass = get(0, 0, 0)
        momentum = math.sqrt(t) * np.array([get(0, 1, 1), get(0, 1, -1), get(0, 1, 0)])
        # Hessian of the degree-2 homogeneous polynomial q = a_100 e_100 + sum a_02m e_02m.
        def q(x: NDArray) -> NDArray:
            ys = real_solid_harmonics(2, x)
            val = -get(1, 0, 0) * np.sum(x * x, axis=-1) / fischer_norm(1, 0)
            for m in range(-2, 3):
                val = val + get(0, 2, m) * ys[harmonic_index(2, m)] / fischer_norm(0, 2)
            return val

        eye = np.eye(3)
        hess = np.empty((3, 3))
        diag = q(eye)
        for i in range(3):
            hess[i, i] = 2.0 * diag[i]
            for j in range(i + 1, 3):
                hess[i, j] = hess[j, i] = q(eye[i] + eye[j]) - diag[i] - diag[j]
        second = t * (mass * eye + hess)
        y, w = gauss_laguerre(4, 0.5)
        w = w / special.gamma(1.5)  # y = |x|^2/2 ~ Gamma(3/2) under M_T
        m2 = m4 = 0.0
        for n in range(3):
            c = get(n, 0, 0)
            if c == 0.0:
                continue
            psi = burnett_functions([(n, 0, 0)], np.stack(
                [np.sqrt(2 * y), np.zeros_like(y), np.zeros_like(y)], axis=-1), 1.0, False)[0]
            m2 += c * t * float(np.sum(w * 2 * y * psi))
            m4 += c * t * t * float(np.sum(w * 4 * y * y * psi))
        K = self.degree
        if K < 1:
            momentum = np.full(3, np.nan)
        if K < 2:
            second = np.full((3, 3), np.nan)
            m2 = math.nan
        if K < 4:
            m4 = math.nan
        return {
            "mass": mass,
            "momentum": momentum,
            "second": second,
            "m2": m2,
            "energy": 0.5 * m2,
            "fourth": m4,
        }

    def radial_moments(self, coeffs: ArrayLike, n_max: int) -> NDArray:
        """``[m_0, m_2, ..., m_{2 n_max}]``, ``m_{2n} = int |v|^(2n) f dv``, exactly.

        ``|v|^(2n)`` lies in the span of the isotropic ``psi_k00``, ``k <= n``, so ``m_{2n}``
        needs the ``l = 0`` coefficients of degree ``<= 2n`` only:
        ``m_{2n} = sum_k a_k00 T^n E[(2y)^n psi_k00]``, ``y = |v|^2/(2T) ~ Gamma(3/2)`` under
        ``M_T``, by a Gauss-Laguerre rule (``alpha = 1/2``) exact for that polynomial.  NaN for
        ``2n > degree`` (not determined by the coefficients).  ``coeffs`` of shape ``(size,)``
        give shape ``(n_max + 1,)``; shape ``(m, size)`` gives ``(m, n_max + 1)``.
        """
        if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or n_max < 0:
            raise ValueError(f"n_max must be a non-negative integer, got {short(n_max)}")
        a = np.asarray(coeffs, dtype=float)
        if a.ndim not in (1, 2) or a.shape[-1] != self.size:
            raise ValueError(
                f"coefficients must have shape ({self.size},) or (m, {self.size}), got {a.shape}"
            )
        n_max = int(n_max)
        k_top = min(n_max, self.degree // 2)
        y, w = gauss_laguerre(n_max + k_top + 1, 0.5)
        w = w / special.gamma(1.5)
        pts = np.stack([np.sqrt(2 * y), np.zeros_like(y), np.zeros_like(y)], axis=-1)
        labels = [(k, 0, 0) for k in range(k_top + 1)]
        psi = burnett_functions(labels, pts, 1.0, False)  # (k_top + 1, nodes)
        n = np.arange(n_max + 1)
        table = (w * (2 * y) ** n[:, None]) @ psi.T  # [n, k] = E[(2y)^n psi_k00]
        table *= self.temperature ** n[:, None]
        table[n > self.degree // 2] = np.nan
        iso = a[..., [self._index[lab] for lab in labels]]
        with np.errstate(invalid="ignore"):
            return iso @ table.T

    def truncation_estimate(self, coeffs: ArrayLike) -> float:
        """Norm of the two highest-degree blocks over the norm of all coefficients.

        A diagnostic of the discarded tail (coefficients decay geometrically per two degrees).
        """
        a = self._check(coeffs)
        top = self.degrees >= self.degree - 1
        total = float(np.linalg.norm(a))
        return float(np.linalg.norm(a[top])) / total if total > 0 else 0.0




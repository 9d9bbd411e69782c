"""The truncation rule of the isotropic NESS solver (:mod:`kacspectral.boltzmann.isotropic.ness`).

In the Laguerre-function basis of :mod:`kacspectral.boltzmann.isotropic.bobylev` about
``T_ref = sqrt(T_min T_max)``, the coefficients of the NESS decay like ``rho^n`` with
``rho = (sqrt T_max - sqrt T_min)/(sqrt T_max + sqrt T_min)`` (the basis ratios of ``M_{T_min}``
and ``M_{T_max}`` are ``-rho`` and ``+rho``).  :func:`tail_bound` turns that shape into an
a-priori bound on the error of ``phi`` and of the moments ``m_0 .. m_{2P}`` for a truncation
``K``; :func:`choose_truncation` picks the smallest ``K`` that meets a tolerance (conventions
page, ``docs/conventions.md``, section 8, for the Laguerre basis).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import special

from kacspectral.boltzmann.isotropic.bobylev import basis_moments
from kacspectral.errors import short

__all__ = [
    "MAX_AUTO_TRUNCATION",
    "MAX_MOMENT_ORDER",
    "MAX_TRUNCATION",
    "TAIL_MOMENT_ORDER",
    "check_moment_order",
    "check_truncation_order",
    "choose_truncation",
    "laguerre_ratio",
    "laguerre_reference_temperature",
    "tail_bound",
]

#: Largest truncation chosen automatically (the tensor has ``(K+1)^3`` entries).
MAX_AUTO_TRUNCATION = 160
#: Largest truncation accepted (Gauss-Laguerre nodes beyond ~1400 underflow ``exp(-y/2)``).
MAX_TRUNCATION = 200


def laguerre_reference_temperature(t_min: float, t_max: float) -> float:
    """``T_ref = sqrt(T_min T_max)``: makes the basis ratios of ``M_{T_min}`` and ``M_{T_max}``
    equal and opposite, ``t = -rho`` and ``t = +rho``, minimising ``rho``."""
    return math.sqrt(float(t_min) * float(t_max))


def laguerre_ratio(t_min: float, t_max: float, t_ref: float) -> float:
    """``rho = max_a |t_a|``, ``t_a = (T_a - T_ref)/(T_a + T_ref)``, over the extreme reservoir
    temperatures ``T_min``, ``T_max``: the largest basis ratio of a reservoir Maxwellian in the
    Laguerre basis at ``T_ref`` (its coefficients decay like ``rho^n``), in ``[0, 1)``."""
    return max(abs(t_min - t_ref) / (t_min + t_ref), abs(t_max - t_ref) / (t_max + t_ref))


#: Default ``P``: moments ``m_0 .. m_{2P}`` whose relative truncation error the truncation rule
#: controls (``moment_order`` of :func:`solve_ness` raises it).
TAIL_MOMENT_ORDER = 6
_TAIL_TERMS = 4000
#: Highest moment order ``n`` (``m_{2n}``) accepted.
MAX_MOMENT_ORDER = 100


def check_moment_order(moment_order: int | None) -> int:
    """``P = max(TAIL_MOMENT_ORDER, moment_order)`` for a user's ``moment_order`` (None: the
    default ``TAIL_MOMENT_ORDER``); ValueError unless it is an integer in
    ``[0, MAX_MOMENT_ORDER]``."""
    if moment_order is None:
        return TAIL_MOMENT_ORDER
    if (
        isinstance(moment_order, bool)
        or not isinstance(moment_order, (int, np.integer))
        or moment_order < 0
    ):
        raise ValueError(f"moment_order must be a non-negative integer, got {short(moment_order)}")
    if moment_order > MAX_MOMENT_ORDER:
        raise ValueError(
            f"moment_order must be <= {MAX_MOMENT_ORDER} (m_{{2n}} overflows double precision "
            f"beyond), got {moment_order}"
        )
    return max(TAIL_MOMENT_ORDER, int(moment_order))


def tail_bound(
    K: int, rho: float, temperature_ratio: float = 1.0, moment_order: int | None = None
) -> float:
    """A-priori truncation bound ``tail(K)`` (module docstring), shape of the NESS coefficients.

    ``tail(K) = (1+rho)^(3/2) sum_{j>K} rho^j sqrt(Gamma(j+3/2)/j!) w_j`` with
    ``w_j = max_{p <= P} theta^p mu_{p,j} / (T_ref^p (2p+1)!!)``, ``mu`` the basis moments
    (bobylev (B5)), ``theta = temperature_ratio = T_ref/T_min`` and
    ``P = max(TAIL_MOMENT_ORDER, moment_order)``.
    ``p = 0`` gives ``w_j = q_j(0) >= sup |exp(-y/2) q_j(y)|``, so ``tail(K)`` bounds the sup-norm
    error of ``phi``; ``p >= 1`` bounds the relative error of ``m_{2p}``
    (``m_{2p}[f_inf] >= T_min^p (2p+1)!!``).  ``inf`` when the weights overflow (very high
    ``P``): then no truncation controls those moments.
    """
    return float(_tail_table(*_tail_key(rho, temperature_ratio, moment_order))[K])


def _tail_key(rho: float, theta: float, moment_order: int | None) -> tuple[float, float, int]:
    return round(float(rho), 15), round(float(theta), 15), check_moment_order(moment_order)


_TAIL_CACHE: dict = {}


def _tail_table(rho: float, theta: float, order: int) -> NDArray:
    key = (rho, theta, order)
    if key not in _TAIL_CACHE:
        j = np.arange(_TAIL_TERMS)
        p = np.arange(order + 1)
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            mu = basis_moments(order, 1.0, _TAIL_TERMS - 1)
            dfact = np.exp(special.gammaln(2 * p + 2) - special.gammaln(p + 1) - p * math.log(2))
            w = np.max(mu * (theta**p / dfact)[:, None], axis=0)
            log_a = j * math.log(rho) if rho > 0 else np.where(j == 0, 0.0, -np.inf)
            base = np.exp(log_a + 0.5 * (special.gammaln(j + 1.5) - special.gammaln(j + 1.0)))
            w = np.where(np.isfinite(w), w, np.inf)  # overflowed weights: no control
            terms = np.where(base == 0.0, 0.0, (1 + rho) ** 1.5 * base * w)
        # tail[K] = sum_{j > K} terms[j]
        tail = np.concatenate([np.cumsum(terms[::-1])[::-1][1:], [0.0]])
        _TAIL_CACHE[key] = tail
    return _TAIL_CACHE[key]


def choose_truncation(
    rho: float, tol: float, temperature_ratio: float = 1.0, moment_order: int | None = None
) -> int:
    """Smallest ``K >= 4`` with ``tail(K) <= 1e-2 tol`` (at most :data:`MAX_AUTO_TRUNCATION`);
    ``tail`` from :func:`tail_bound` with the same ``moment_order``."""
    tail = _tail_table(*_tail_key(rho, temperature_ratio, moment_order))
    ok = np.nonzero(tail[: MAX_AUTO_TRUNCATION + 1] <= 1e-2 * tol)[0]
    ok = ok[ok >= 4]
    return int(ok[0]) if ok.size else MAX_AUTO_TRUNCATION


def check_truncation_order(truncation: object) -> int:
    """A user's Laguerre truncation ``K``: an int in ``[1, MAX_TRUNCATION]``, else ValueError."""
    if isinstance(truncation, bool) or not isinstance(truncation, (int, np.integer)) or not (
        1 <= truncation <= MAX_TRUNCATION
    ):
        raise ValueError(
            f"truncation must be an integer in [1, {MAX_TRUNCATION}] or None, "
            f"got {short(truncation)}"
        )
    return int(truncation)

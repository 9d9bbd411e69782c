"""Results of the Kac sector computations: frozen :class:`~kacspectral.results.ResultMixin`
dataclasses.

:class:`KacGapResult` (from :func:`kacspectral.kac.spectral_gap.kac_gap`),
:class:`ReservoirDistanceResult` (from
:func:`kacspectral.kac.finite_reservoir.reservoir_distance`), :class:`ReservoirGapResult`
(from :func:`kacspectral.kac.finite_reservoir.reservoir_gap`) and the modes they list
(:class:`KacMode`).  They share the package's verbs (``to_dict``, ``save``, ``ks.load``,
pickling; encoding in :mod:`kacspectral.results`): exact rationals stay
:class:`fractions.Fraction` (written ``"4/15"``), arrays come back bit for bit, ``inf`` (the
long-time limit in ``times``) is written as a tagged value, never as a bare ``Infinity``.
Dict-style access ``result["gap"]`` (the plain dicts returned before) still works for one
release and emits a DeprecationWarning.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from kacspectral.errors import short  # re-exported (kept for callers of this module)
from kacspectral.results import ResultMixin

__all__ = ["KacMode", "KacGapResult", "ReservoirDistanceResult", "ReservoirGapResult", "short"]


class _LegacyItems:
    """Deprecated dict-style access ``result[key]`` (these results were plain dicts before)."""

    _legacy: ClassVar[dict[str, str]] = {}

    def _legacy_value(self, key: str) -> Any:
        return getattr(self, self._legacy.get(key, key))

    def __getitem__(self, key: str) -> Any:
        warnings.warn(f"{type(self).__name__}[{key!r}] is deprecated (results are dataclasses "
                      f"now): use the attribute", DeprecationWarning, stacklevel=2)
        try:
            return self._legacy_value(key)
        except AttributeError:
            raise KeyError(key) from None


@dataclass(frozen=True)
class KacMode(_LegacyItems, ResultMixin):
    """One eigenvalue of a sector generator (rate -eigenvalue), where it first appears.

    eigenvalue : float (<= 0);  degree : lowest Wick degree holding it;  spins : total angular
    momenta l of its eigenspace there;  parities : per-axis parity classes holding it;
    symmetric : whether it lives in the fully permutation-symmetric sector (None: not checked);
    also_in_degrees : higher searched degrees where it appears again.
    """

    eigenvalue: float
    degree: int
    spins: tuple[int, ...]
    parities: tuple[tuple[int, int, int], ...]
    symmetric: bool | None
    also_in_degrees: tuple[int, ...] = ()

    @classmethod
    def from_dict(cls, d: dict) -> KacMode:
        return cls(float(d["eigenvalue"]), int(d["degree"]), tuple(d["spins"]),
                   tuple(tuple(p) for p in d["parities"]), d["symmetric"],
                   tuple(d.get("also_in_degrees", ())))

    def _legacy_value(self, key: str) -> Any:
        value = getattr(self, key)
        return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class KacGapResult(_LegacyItems, ResultMixin):
    """Spectral gap of L_S on the polynomial sectors of degree <= ``degree``
    (:func:`kacspectral.kac.spectral_gap.kac_gap`).

    Attributes
    ----------
    particles : int
        N, the number of particles.
    degree : int
        The largest polynomial degree searched.
    lambda_s : Fraction
        lambda_S, the total collision rate per particle.
    gap : float
        -(largest non-zero eigenvalue) on the sectors searched (an upper bound for the gap on
        all of L^2).
    modes : tuple of KacMode
        The slowest ``max_modes`` distinct modes, slowest first.
    claimed_gap, claimed_momentum, claimed_stress : Fraction
        The exact claimed rates (4/15, 1/3, 2/5) lambda_S N/(N-1).
    agrees_with_claim : bool or None
        ``gap == claimed_gap`` to 1e-12 relative, or None when ``degree`` < 3 (the claimed gap
        mode has degree 3: a smaller search cannot decide).
    verdict : str
        That decision in words.
    max_asymmetry : float
        Largest ``|B - B^T|`` of the symmetrised matrices.
    solvers : tuple
        (eigensolver, number of sectors) pairs.
    """

    particles: int
    degree: int
    lambda_s: Fraction
    gap: float
    modes: tuple[KacMode, ...]
    claimed_gap: Fraction
    claimed_momentum: Fraction
    claimed_stress: Fraction
    agrees_with_claim: bool | None
    verdict: str
    max_asymmetry: float
    solvers: tuple[tuple[str, int], ...] = ()

    @property
    def gap_mode(self) -> KacMode:
        """The slowest mode (rate ``gap``)."""
        return self.modes[0]

    def _legacy_value(self, key: str) -> Any:
        if key == "claimed":
            return {"gap": float(self.claimed_gap), "momentum": float(self.claimed_momentum),
                    "stress": float(self.claimed_stress)}
        if key == "lambda_s":
            return float(self.lambda_s)
        if key == "modes":
            return list(self.modes)
        return getattr(self, key)


@dataclass(frozen=True, eq=False)
class ReservoirDistanceResult(_LegacyItems, ResultMixin):
    """Exact ||h_t - h~_t|| and the seed's bound
    (:func:`kacspectral.kac.finite_reservoir.reservoir_distance`).

    Attributes
    ----------
    times : ndarray of float
        The times ``t >= 0`` (``inf`` allowed: the long-time limit).
    distance : ndarray of float
        ``||h_t - h~_t||`` in ``L^2(Gamma)`` at each time.
    norm0 : float
        ``||h_0 - 1||``.
    pools : tuple of int
        The sector layout: ``(M, N)`` for an exchangeable system pool, else ``(1, ..., 1, N)``.
    exchangeable_system : bool
        Whether the system particles were treated as one exchangeable pool.
    bound : ndarray of float or None
        The seed's bound at the times (None without ``with_bound``; then the constants below
        are None too).
    C : float or None
        ``C(M/N)`` of Lemma 1 of seed 000.
    rate_lambda : float or None
        ``lambda = lambda_S/2 + mu``.
    k : float or None
        The spectral gap of ``L`` on the sectors of degree ``<= k_degree``.
    k_mode : KacMode or None
        The mode attaining ``k``.
    k_degree : int or None
        The ``gap_degree`` searched.
    l : float or None
        Lemma 2's constant ``l`` of the thermostat ``T``.
    l_block : tuple of int or None
        The block ``(n, l)`` of ``T`` attaining it.
    b : float or None
        ``b = mu l/(k - mu/3)`` (None if ``k = mu/3``).
    extra : dict
        Further JSON-ready data.
    """

    times: np.ndarray
    distance: np.ndarray
    norm0: float
    pools: tuple[int, ...]
    exchangeable_system: bool
    bound: np.ndarray | None = None
    C: float | None = None
    rate_lambda: float | None = None
    k: float | None = None
    k_mode: KacMode | None = None
    k_degree: int | None = None
    l: float | None = None
    l_block: tuple[int, int] | None = None
    b: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    _legacy: ClassVar[dict[str, str]] = {"lambda": "rate_lambda"}

    def _legacy_value(self, key: str) -> Any:
        if key == "layout":
            return {"pools": self.pools, "exchangeable_system": self.exchangeable_system}
        if key in ("bound", "C", "k", "k_mode", "k_degree", "l", "l_block", "b", "lambda") \
                and self.bound is None:
            raise AttributeError(key)
        return getattr(self, self._legacy.get(key, key))


@dataclass(frozen=True)
class ReservoirGapResult(_LegacyItems, ResultMixin):
    """Spectral gap k of the R-system generator L = L_S + L_R + L_I on the polynomial sectors
    of degree <= ``degree`` (:func:`kacspectral.kac.finite_reservoir.reservoir_gap`).

    k : -(largest non-zero eigenvalue) on the sectors searched (an upper bound for the gap on
        all of L^2);  mode : the slowest mode (rate k);  modes : the slowest ``max_modes``
        distinct modes, slowest first;  degree : the maximal degree searched;
    max_asymmetry : largest |B - B^T| of the symmetrised matrices.
    """

    k: float
    mode: KacMode
    modes: tuple[KacMode, ...]
    degree: int
    max_asymmetry: float

    def _legacy_value(self, key: str) -> Any:
        if key == "modes":
            return list(self.modes)
        return getattr(self, key)

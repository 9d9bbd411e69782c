"""Bases of the polynomial sectors of the N-particle Kac generators (exchangeable pools).

Seed 000 (Bonetto, Popa, Powell, Chen, Tung, 2025), section 2; conventions page
``docs/conventions.md`` section 6.  The construction (monomial symmetric functions over pools,
Wick degree, per-axis parity) is described in :mod:`kacspectral.kac.generators`, which
re-exports the sector basis and its cost model (``ZERO``, ``PolynomialSector``,
``sector_dimensions``, ``gap_search_cost``, ``check_cost``).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from functools import cache

import numpy as np

from kacspectral.errors import short
from kacspectral.kac.tables import monomials

__all__ = ["ZERO", "PolynomialSector", "sector_dimensions", "gap_search_cost", "check_cost",
           "MAX_SECONDS", "MAX_BYTES", "canonical_parts", "orbit_size"]

ZERO = (0, 0, 0)


# ----------------------------------------------------------------------------------------
# Sectors of products of monomial symmetric functions over pools
# ----------------------------------------------------------------------------------------
@cache
def _nonzero_exps(maxdeg: int) -> tuple:
    return tuple(e for d in range(1, maxdeg + 1) for e in monomials(3, d))


@cache
def _vector_partitions(d: int, maxparts: int) -> tuple:
    """Multisets (sorted descending tuples) of non-zero 3-exponents of total degree d."""
    exps = _nonzero_exps(d)
    out = []

    def rec(start, left, parts):
        if left == 0:
            out.append(tuple(sorted(parts, reverse=True)))
            return
        if len(parts) >= maxparts:
            return
        for i in range(start, len(exps)):
            if sum(exps[i]) <= left:
                rec(i, left - sum(exps[i]), parts + [exps[i]])

    rec(0, d, [])
    return tuple(out)


def canonical_parts(parts) -> tuple:
    """The multiset of non-zero 3-exponents ``parts`` (one per particle of a pool) in canonical
    form: zeros dropped, sorted descending -- the key ``lambda`` of the monomial symmetric
    function ``m_lambda`` that the monomial belongs to."""
    return tuple(sorted((p for p in parts if p != ZERO), reverse=True))


@cache
def orbit_size(part: tuple, n: int) -> int:
    """Number of distinct monomials in m_lambda over a pool of n particles (``lambda = part``,
    a canonical multiset of :func:`canonical_parts`; 0 when it has more than n parts)."""
    ell = len(part)
    if ell > n:
        return 0
    mult = math.prod(math.factorial(c) for c in _counts(part))
    return math.perm(n, ell) // mult


def _counts(part):
    out: dict = defaultdict(int)
    for p in part:
        out[p] += 1
    return tuple(out.values())


def _efact(e) -> int:
    return math.prod(math.factorial(k) for k in e)


class PolynomialSector:
    """Basis of S_{n_1} x ... x S_{n_G}-symmetric homogeneous polynomials of one degree/parity.

    Parameters
    ----------
    pools : tuple of int
        Pool sizes (a pool of size 1 is a labelled particle).
    degree : int
        Homogeneous degree m (the Wick degree).
    parity : tuple of three ints in {0, 1}, or None
        Parity of the exponent sum along each axis (preserved by every operator here, since
        each reflection x_k -> -x_k of all particles commutes with them); None: all parities.

    Attributes
    ----------
    elements : list of tuples (one multiset of 3-exponents per pool)
    norm2 : exact squared Fischer (= L^2(Gamma) of the Wick product) norms, as ints
    """

    def __init__(self, pools, degree: int, parity=None):
        pools = tuple(int(n) for n in pools)
        if not pools or any(n < 1 for n in pools):
            raise ValueError(f"pool sizes must be positive integers, got {pools}")
        if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
            raise ValueError(f"degree must be an integer >= 0, got {short(degree)}")
        self.pools, self.degree = pools, int(degree)
        self.parity = None if parity is None else tuple(int(p) % 2 for p in parity)
        elements = []
        for split in itertools.product(range(degree + 1), repeat=len(pools)):
            if sum(split) != degree:
                continue
            choices = [_vector_partitions(d, n) for d, n in zip(split, pools, strict=False)]
            for el in itertools.product(*choices):
                if self.parity is not None:
                    tot = [sum(e[k] for part in el for e in part) % 2 for k in range(3)]
                    if tuple(tot) != self.parity:
                        continue
                elements.append(tuple(el))
        self.elements = elements
        self.index = {el: i for i, el in enumerate(elements)}
        self.norm2 = [
            math.prod(orbit_size(part, n) for part, n in zip(el, pools, strict=False))
            * math.prod(_efact(e) for part in el for e in part)
            for el in elements
        ]
        self.scale = np.sqrt(np.array([float(v) for v in self.norm2]))

    def __len__(self) -> int:
        return len(self.elements)

    def __repr__(self) -> str:
        return f"PolynomialSector(pools={self.pools}, degree={self.degree}, dim={len(self)})"


@cache
def _partition_parity_counts(d: int, n: int) -> dict:
    """{parity: number of multisets of <= n non-zero 3-exponents of total degree d}."""
    out: dict = defaultdict(int)
    for part in _vector_partitions(d, n):
        out[tuple(sum(e[k] for e in part) % 2 for k in range(3))] += 1
    return dict(out)


def sector_dimensions(pools, degree: int) -> dict:
    """{parity: dimension} of the sectors ``PolynomialSector(pools, degree, parity)``, counted
    without building them (cost estimates before any work)."""
    pools = tuple(int(n) for n in pools)
    total: dict = defaultdict(int)
    for split in itertools.product(range(degree + 1), repeat=len(pools)):
        if sum(split) != degree:
            continue
        acc = {(0, 0, 0): 1}
        for d, n in zip(split, pools, strict=True):
            nxt: dict = defaultdict(int)
            for p1, c1 in acc.items():
                for p2, c2 in _partition_parity_counts(d, n).items():
                    nxt[tuple((a + b) % 2 for a, b in zip(p1, p2, strict=True))] += c1 * c2
            acc = nxt
        for par, c in acc.items():
            total[par] += c
    return dict(total)


#: cost model of one sector of dimension d and degree m searched with P pool pairs:
#: assembly ~ ASSEMBLY_S d P C(m+5, 5)/126 (the images of a pair of particles grow like the
#: degree-m monomials of 6 variables), dense eigensolver ~ EIGEN_S d^3, memory ~ 4 dense
#: d x d float64 matrices, the exact pair table of degree m ~ TABLE_S 3.2^m once.  Calibrated
#: on kac_gap(10, 4) and kac_gap(3, 7) on one core, it overestimates both by 1.5 to 2x;
#: kac_gap(3, 8): estimate 101 s, measured 52 s CPU (validation/results/bench_kac.json)
ASSEMBLY_S = 3e-5
EIGEN_S = 3e-10
TABLE_S = 1.3e-3
MAX_SECONDS = 3600.0
MAX_BYTES = 8 * 2**30


def gap_search_cost(layouts) -> dict:
    """Estimated seconds and bytes of :func:`kacspectral.kac.spectral_gap.spectrum_modes` over
    ``layouts`` (list of (pools, degree, ...)), from the sector dimensions
    (:func:`sector_dimensions`, counted without building the sectors).
    Returns {"seconds", "bytes", "max_dimension"}."""
    seconds, dmax, mmax = 0.0, 0, 0
    for pools, m, *_ in layouts:
        npairs = len(pools) * (len(pools) + 1) // 2
        for d in sector_dimensions(pools, m).values():
            seconds += ASSEMBLY_S * d * npairs * math.comb(m + 5, 5) / 126 + EIGEN_S * d**3
            dmax = max(dmax, d)
        mmax = max(mmax, m)
    seconds += TABLE_S * 1.5 * 3.2**mmax
    return {"seconds": seconds, "bytes": 4 * 8 * dmax**2, "max_dimension": dmax}


def check_cost(cost: dict, what: str, max_seconds: float = MAX_SECONDS,
               max_bytes: float = MAX_BYTES) -> None:
    """ValueError naming ``what`` and the estimate when ``cost`` exceeds the limits."""
    if cost["seconds"] > max_seconds or cost["bytes"] > max_bytes:
        raise ValueError(
            f"{what} is too costly: largest sector dimension {cost['max_dimension']}, "
            f"estimated {cost['seconds']:.3g} s and {cost['bytes'] / 2**30:.3g} GiB "
            f"(limits {max_seconds:.3g} s, {max_bytes / 2**30:.3g} GiB)")

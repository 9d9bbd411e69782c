"""Exact polynomial sectors of the 3D Kac generators with a finite reservoir or a thermostat.

Seed 000 (Bonetto, Popa, Powell, Chen, Tung), section 2; conventions page, section 6.

Scaling and the Hermite convention
----------------------------------
Velocities are written in the scaled variable ``x = sqrt(2 pi) v``: under the weight
Gamma(v) = exp(-pi |v|^2) every component of x is a standard normal variable, so all Gaussian
moments are integers.  The Hermite polynomials orthogonal for Gamma are He_n (probabilists'
Hermite, weight exp(-x^2/2)) in the scaled variable, H_n(v) = He_n(sqrt(2 pi) v) as in the
conventions page, section 6.

Wick (Hermite) picture
----------------------
Every collision map used here is an orthogonal linear map of the velocities (the thermostat
partner is integrated out with its Gaussian law).  Hence, for a homogeneous polynomial p of
degree m and its Wick (Hermite) ordering :p: (x^alpha -> He_alpha(x)),

* each operator R_ij, T_i maps :p: to :q: with q homogeneous of degree m, and q is obtained by
  letting the *linear* collision act on p (for T_i with the partner set to 0, i.e.
  v_i -> (I - Omega Omega^T) v_i, seed 000 Lemma 3);
* <:p:, :q:>_{L^2(Gamma)} = sum_alpha alpha! p_alpha q_alpha (the Fischer product of p and q).

So L^2(Gamma) restricted to polynomials is the orthogonal sum over m of the homogeneous
polynomials W_m with the Fischer product, and every generator is block diagonal in m.

Collision of a pair
-------------------
The exact tables of R_ij, T_i and the angular-momentum operators on monomials (Funk-Hecke
factors kappa_l = 1/(2l+1) of the reflection of the relative velocity) live in
:mod:`kacspectral.kac.tables` and are re-exported here.

Exchangeable pools
------------------
A *sector* is (pool sizes, degree m, parity of the exponent sum per axis).  A basis element is
a product over pools of monomial symmetric functions m_lambda of the pool's particles, lambda a
multiset of non-zero 3-exponents; a pool of size 1 is a labelled particle.  The dimension does
not depend on the pool sizes, so reservoirs of 10^6 particles cost as little as 10.
An operator that is a sum over pairs (or single particles) of a pool is equivariant, and its
matrix is read off from one representative monomial of each basis element:
A[nu, lambda] = (#monomials of lambda / #monomials of nu) * (mass that the representative of
lambda sends to monomials of type nu).

The spectral gaps of these generators (the mode search and the gap of L_S, kac_gap) are in
:mod:`kacspectral.kac.spectral_gap`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from fractions import Fraction
from functools import cache

import numpy as np
import scipy.sparse as sp

from kacspectral.kac.eigen import symmetrized
from kacspectral.kac.lemma3 import exact_eigenvalue
from kacspectral.kac.sectors import (  # re-exported: the sector basis and its cost model
    ZERO,
    PolynomialSector,
    canonical_parts,
    check_cost,
    gap_search_cost,
    orbit_size,
    sector_dimensions,
)
from kacspectral.kac.tables import (  # re-exported: this module is the public entry point
    angular_momentum_pair_table,
    casimir_table,
    harmonic_factor,
    monomials,
    pair_table,
    pair_table_direct,
    reflection_average,
    sphere_moment,
    thermostat_table,
)

__all__ = [
    "ZERO",
    "PolynomialSector",
    "angular_momentum_pair_table",
    "casimir_table",
    "harmonic_factor",
    "monomials",
    "pair_table",
    "pair_table_direct",
    "reflection_average",
    "sphere_moment",
    "thermostat_eigenvalue",
    "thermostat_table",
    "one_body",
    "two_body",
    "generator_matrix",
    "casimir_matrix",
    "symmetrize",
    "gap_search_cost",
    "check_cost",
    "sector_dimensions",
]


@cache
def thermostat_eigenvalue(n: int, l: int) -> Fraction:
    """Eigenvalue of T on the block |v|^{2n} Y_l (conventions page, section 6, kac kernel):

    (1/2) int_{-1}^{1} (1 - t^2)^{(2n+l)/2} P_l(sqrt(1 - t^2)) dt, exact (P_l has parity l, so
    the integrand is a polynomial in t).  This is ``lambda_{n,l}[kac]`` of
    :func:`kacspectral.kac.lemma3.exact_eigenvalue` (the one implementation; its tests check it
    against the integral above by direct sympy integration), returned as a Fraction.
    """
    return exact_eigenvalue(n, l, "kac")


def _ratio(old: tuple, new: tuple, n: int, exact: bool = True):
    if exact:
        return Fraction(orbit_size(old, n), orbit_size(new, n))
    return orbit_size(old, n) / orbit_size(new, n)


@cache
def _float_table(table_of_degree, m: int) -> dict:
    return {k: {kk: float(vv) for kk, vv in row.items()} for k, row in table_of_degree(m).items()}


def _tables(table_of_degree, exact):
    if exact:
        return table_of_degree
    return lambda m: _float_table(table_of_degree, m)


class _Entries:
    """Matrix entries (row, col, value): summed exactly in a dict (exact) or as COO triplets."""

    def __init__(self, exact: bool):
        self.exact = exact
        self.dict: dict = defaultdict(Fraction)
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []

    def add(self, row: int, col: int, value) -> None:
        if self.exact:
            self.dict[(row, col)] += value
        else:
            self.rows.append(row)
            self.cols.append(col)
            self.vals.append(value)

    def assemble(self, d: int):
        """exact: dict (row, col) -> Fraction without zeros; else scipy CSR of floats."""
        if self.exact:
            return {k: v for k, v in self.dict.items() if v != 0}
        out = sp.csr_matrix((self.vals, (self.rows, self.cols)), shape=(d, d), dtype=float)
        out.sum_duplicates()
        return out


def _same_pool_images(P: tuple, n_g: int, tab, num, exact):
    """Images of m_P under sum_{pairs in a pool of n_g} A_ij (pairs touching P), with the
    orbit ratios applied: ([(new part, coefficient)], number of pairs touching P)."""
    mass: dict = defaultdict(num)
    ell, empty = len(P), n_g - len(P)
    for p, q in itertools.combinations(range(ell), 2):
        rest = P[:p] + P[p + 1:q] + P[q + 1:]
        for (a2, b2), c in tab(sum(P[p]) + sum(P[q]))[(P[p], P[q])].items():
            mass[canonical_parts(rest + (a2, b2))] += c
    if empty:
        for p in range(ell):
            rest = P[:p] + P[p + 1:]
            for (a2, b2), c in tab(sum(P[p]))[(P[p], ZERO)].items():
                mass[canonical_parts(rest + (a2, b2))] += empty * c
    images = [(newp, c * _ratio(P, newp, n_g, exact)) for newp, c in mass.items()]
    return images, ell * (ell - 1) // 2 + empty * ell


def _cross_pool_images(P: tuple, Q: tuple, n_g: int, n_h: int, tab, num, exact):
    """As :func:`_same_pool_images` for the pairs (i in pool g, j in pool h), g != h:
    ([((new P, new Q), coefficient)], number of pairs touching P or Q)."""
    mass: dict = defaultdict(num)
    eg, eh = n_g - len(P), n_h - len(Q)
    for p in range(len(P)):
        Pr = P[:p] + P[p + 1:]
        for q in range(len(Q)):
            Qr = Q[:q] + Q[q + 1:]
            for (a2, b2), c in tab(sum(P[p]) + sum(Q[q]))[(P[p], Q[q])].items():
                mass[(canonical_parts(Pr + (a2,)), canonical_parts(Qr + (b2,)))] += c
        if eh:
            for (a2, b2), c in tab(sum(P[p]))[(P[p], ZERO)].items():
                mass[(canonical_parts(Pr + (a2,)), canonical_parts(Q + (b2,)))] += eh * c
    if eg:
        for q in range(len(Q)):
            Qr = Q[:q] + Q[q + 1:]
            for (a2, b2), c in tab(sum(Q[q]))[(ZERO, Q[q])].items():
                mass[(canonical_parts(P + (a2,)), canonical_parts(Qr + (b2,)))] += eg * c
    images = [((newp, newq), c * _ratio(P, newp, n_g, exact) * _ratio(Q, newq, n_h, exact))
              for (newp, newq), c in mass.items()]
    return images, len(P) * len(Q) + len(P) * eh + eg * len(Q)


def two_body(sector: PolynomialSector, g: int, h: int, table_of_degree, subtract_identity=True,
             exact=False):
    """Matrix of sum over pairs {i in pool g, j in pool h} (i < j if g == h) of (A_ij - I)
    (or of A_ij if ``subtract_identity`` is False).

    ``table_of_degree(m)`` gives the pair action {(a, b): {(a', b'): c}} on degree-m monomials
    of the pair (A_ij symmetric in i, j).  Matrices act on coefficient vectors in the basis
    ``sector.elements`` (columns: inputs).  The images depend on a basis element only through
    its parts in pools g and h, and are computed once per distinct pair of parts.
    """
    num = Fraction if exact else float
    out = _Entries(exact)
    tab = _tables(table_of_degree, exact)
    unit = tab(0)[(ZERO, ZERO)].get((ZERO, ZERO), 0)
    n_g, n_h = sector.pools[g], sector.pools[h]
    total = n_g * (n_g - 1) // 2 if g == h else n_g * n_h
    index = sector.index
    memo: dict = {}
    for col, el in enumerate(sector.elements):
        if g == h:
            key = el[g]
            if key not in memo:
                memo[key] = _same_pool_images(key, n_g, tab, num, exact)
            images, diag = memo[key]
            for newp, c in images:
                out.add(index[el[:g] + (newp,) + el[g + 1:]], col, c)
        else:
            key = (el[g], el[h])
            if key not in memo:
                memo[key] = _cross_pool_images(key[0], key[1], n_g, n_h, tab, num, exact)
            images, diag = memo[key]
            for (newp, newq), c in images:
                new = list(el)
                new[g], new[h] = newp, newq
                out.add(index[tuple(new)], col, c)
        if subtract_identity:
            if diag:
                out.add(col, col, -diag)
        elif unit:  # pairs of two empty particles: A_ij 1 = unit * 1
            out.add(col, col, unit * (total - diag))
    return out.assemble(len(sector))


def one_body(sector: PolynomialSector, g: int, table_of_degree, subtract_identity=True,
             exact=False):
    """Matrix of sum_{i in pool g} (A_i - I), A_i given on monomials by ``table_of_degree(m)``
    ({a: {a': c}}, with A_i 1 = 1 so empty particles do not contribute)."""
    num = Fraction if exact else float
    out = _Entries(exact)
    tab = _tables(table_of_degree, exact)
    unit = tab(0)[ZERO].get(ZERO, 0)
    n = sector.pools[g]
    memo: dict = {}
    for col, el in enumerate(sector.elements):
        P = el[g]
        if P not in memo:
            mass: dict = defaultdict(num)
            for p in range(len(P)):
                rest = P[:p] + P[p + 1:]
                for a2, c in tab(sum(P[p]))[P[p]].items():
                    mass[canonical_parts(rest + (a2,))] += c
            memo[P] = [(newp, c * _ratio(P, newp, n, exact)) for newp, c in mass.items()]
        for newp, c in memo[P]:
            out.add(sector.index[el[:g] + (newp,) + el[g + 1:]], col, c)
        if subtract_identity:
            if P:
                out.add(col, col, -len(P))
        elif unit and n > len(P):  # empty particles: A_i 1 = unit * 1
            out.add(col, col, unit * (n - len(P)))
    return out.assemble(len(sector))


def _pair_sum(sector, pools, table, subtract_identity, exact):
    """sum over all pairs of particles in the union of the given pools."""
    pools = list(pools)
    mats = [two_body(sector, g, g, table, subtract_identity, exact)
            for g in pools if sector.pools[g] >= 2]
    mats += [two_body(sector, g, h, table, subtract_identity, exact)
             for g, h in itertools.combinations(pools, 2)]
    return mats


def _lincomb(sector, terms, exact):
    if exact:
        out: dict = defaultdict(Fraction)
        for c, mats in terms:
            for m in mats:
                for k, v in m.items():
                    out[k] += Fraction(c) * v
        return {k: v for k, v in out.items() if v != 0}
    d = len(sector)
    out = sp.csr_matrix((d, d))
    for c, mats in terms:
        for m in mats:
            out = out + float(c) * m
    return out


def generator_matrix(sector: PolynomialSector, system, reservoir=(), *, lambda_s=1,
                     lambda_r=1, mu=1, kind: str = "R", exact: bool = False):
    """Generator of the R-system (kind "R": L = L_S + L_R + L_I) or of the T-system
    (kind "T": L~ = L_S + L_R + L_T), or one of its parts ("S", "Rres", "I", "Tonly"),
    on ``sector`` (conventions page, section 6):

    L_S = lambda_S/(M-1) sum_{i<j} (R^S_ij - I),  L_R = lambda_R/(N-1) sum_{i<j} (R^R_ij - I),
    L_I = mu/N sum_{i,j} (R^I_ij - I),            L_T = mu sum_i (T_i - I).

    ``system`` and ``reservoir`` are the indices of the pools holding the M system and N
    reservoir particles.
    """
    system, reservoir = tuple(system), tuple(reservoir)
    M = sum(sector.pools[g] for g in system)
    N = sum(sector.pools[g] for g in reservoir)
    lam_s, lam_r, mu_ = Fraction(lambda_s), Fraction(lambda_r), Fraction(mu)
    terms = []
    if kind not in ("R", "T", "S", "Rres", "I", "Tonly"):
        raise ValueError(f"kind must be one of R, T, S, Rres, I, Tonly; got {kind!r}")
    if kind in ("R", "T", "S") and M >= 2:
        terms.append((lam_s / (M - 1), _pair_sum(sector, system, pair_table, True, exact)))
    if kind in ("R", "T", "Rres") and N >= 2:
        terms.append((lam_r / (N - 1), _pair_sum(sector, reservoir, pair_table, True, exact)))
    if kind in ("R", "I") and N >= 1:
        mats = [two_body(sector, g, h, pair_table, True, exact) for g in system for h in reservoir]
        terms.append((mu_ / N, mats))
    if kind in ("T", "Tonly"):
        terms.append((mu_, [one_body(sector, g, thermostat_table, True, exact) for g in system]))
    return _lincomb(sector, terms, exact)


def casimir_matrix(sector: PolynomialSector, exact: bool = False):
    """Total angular momentum Casimir sum_k (sum_p L_k^(p))^2 (eigenvalue -l(l+1))."""
    G = range(len(sector.pools))
    terms = [(1, [one_body(sector, g, casimir_table, False, exact) for g in G]),
             (2, _pair_sum(sector, G, angular_momentum_pair_table, False, exact))]
    return _lincomb(sector, terms, exact)


def symmetrize(sector: PolynomialSector, matrix, dense: bool = True):
    """Matrix in the orthonormal basis e_lambda/||e_lambda||: S A S^{-1}, S = diag(norms),
    dense (numpy array) or, with ``dense=False``, scipy CSR.

    For an operator self-adjoint in L^2(Gamma) the result is symmetric (checked by callers)."""
    if not dense:
        return symmetrized(matrix, sector.scale)
    a = matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix, dtype=float)
    s = sector.scale
    return a * s[:, None] / s[None, :]

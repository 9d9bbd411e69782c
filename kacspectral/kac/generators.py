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
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from fractions import Fraction
from functools import cache

import numpy as np
import scipy.sparse as sp

from kacspectral.errors import short
from kacspectral.kac.eigen import DENSE_MAX, symmetrized, top_eigenpairs
from kacspectral.kac.lemma3 import exact_eigenvalue
from kacspectral.kac.results import KacGapResult, KacMode
from kacspectral.kac.sectors import (  # re-exported: the sector basis and its cost model
    MAX_BYTES,
    MAX_SECONDS,
    ZERO,
    PolynomialSector,
    _canon,
    _orbit_size,
    check_cost,
    gap_search_cost,
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
    "invariant_count",
    "spectrum_modes",
    "kac_gap",
    "gap_search_cost",
    "check_cost",
    "PARITIES",
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
        return Fraction(_orbit_size(old, n), _orbit_size(new, n))
    return _orbit_size(old, n) / _orbit_size(new, n)


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
            mass[_canon(rest + (a2, b2))] += c
    if empty:
        for p in range(ell):
            rest = P[:p] + P[p + 1:]
            for (a2, b2), c in tab(sum(P[p]))[(P[p], ZERO)].items():
                mass[_canon(rest + (a2, b2))] += empty * c
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
                mass[(_canon(Pr + (a2,)), _canon(Qr + (b2,)))] += c
        if eh:
            for (a2, b2), c in tab(sum(P[p]))[(P[p], ZERO)].items():
                mass[(_canon(Pr + (a2,)), _canon(Q + (b2,)))] += eh * c
    if eg:
        for q in range(len(Q)):
            Qr = Q[:q] + Q[q + 1:]
            for (a2, b2), c in tab(sum(Q[q]))[(ZERO, Q[q])].items():
                mass[(_canon(P + (a2,)), _canon(Qr + (b2,)))] += eg * c
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
                    mass[_canon(rest + (a2,))] += c
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


# ----------------------------------------------------------------------------------------
# Spectral gaps
# ----------------------------------------------------------------------------------------
PARITIES = tuple(itertools.product((0, 1), repeat=3))


def invariant_count(m: int, parity) -> int:
    """Number of P^alpha E^j (|alpha| + 2j = m, alpha = parity mod 2): the kernel dimension of
    a momentum- and energy-conserving generator on a sector holding each invariant once."""
    return sum(1 for j in range(m // 2 + 1) for a in monomials(3, m - 2 * j)
               if tuple(x % 2 for x in a) == tuple(parity))


def _symmetric_form(sector, matrix):
    """(sparse symmetric S A S^{-1}, asymmetry, scale); RuntimeError if A is not self-adjoint."""
    a = symmetrize(sector, matrix, dense=False)
    asym = float(abs(a - a.T).max()) if a.nnz else 0.0
    scale = max(1.0, float(abs(a).max()) if a.nnz else 1.0)
    if asym > 1e-11 * scale:
        raise RuntimeError(f"generator not self-adjoint on {sector!r}: asymmetry {asym:.2e}")
    return 0.5 * (a + a.T), asym, scale


def _sector_spectrum(sector, matrix, kernel_dim, tol=1e-9, vectors=True, n_distinct=None,
                     dense_max=DENSE_MAX, form=None):
    """Eigenvalues (and vectors, else v = None) of the symmetrised matrix with the kernel
    (invariants) removed: all of them (``n_distinct`` None, dense), or every eigenvalue down to
    the ``n_distinct``-th largest distinct one (sparse Lanczos above ``dense_max``, see
    :func:`kacspectral.kac.eigen.top_eigenpairs`).  ``form``: a precomputed
    :func:`_symmetric_form`.  Returns (w ascending, v, asymmetry, method)."""
    a, asym, scale = form if form is not None else _symmetric_form(sector, matrix)
    try:
        w, v, method = top_eigenpairs(a, kernel_dim, n_distinct, tol=tol,
                                      kernel_tol=tol * scale, vectors=vectors,
                                      dense_max=dense_max)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc} on {sector!r}") from None
    return w, v, asym, method


def _spins(sector, vectors) -> list[int]:
    """Spins l (total angular momentum, Casimir -l(l+1)) present in span(vectors)."""
    c = symmetrize(sector, casimir_matrix(sector), dense=False)
    cw = np.linalg.eigvalsh(vectors.T @ (c @ vectors))
    return sorted({int(round((-1 + math.sqrt(max(1 - 4 * x, 0.0))) / 2)) for x in cw})


def _distinct(values, tol=1e-9):
    out: list[float] = []
    for x in sorted(values, reverse=True):
        if not out or abs(out[-1] - x) > tol:
            out.append(float(x))
    return out


def spectrum_modes(layouts, build, max_modes: int = 6, symmetric_layout=None, tol=1e-9,
                   progress=None, dense_max: int = DENSE_MAX):
    """Top non-conserved modes of a family of sector generators.

    layouts : list of (pools, degree, ctx) (each a valid S_{n-k}-reduction, see
        :func:`kac_gap`); ``ctx`` is passed to ``build``
    build : callable(sector, ctx) -> matrix of the generator on that sector
    symmetric_layout : (pools, ctx) of the fully exchangeable layout, used to flag
        permutation-symmetric modes (None: skip)
    progress : callable() or None, called once after each (layout, parity) sector of the
        first pass (4 per layout), e.g. ``kacspectral.cli._common.Progress(...).update``
    dense_max : sectors of larger dimension use sparse Lanczos for the top ``max_modes``
        distinct eigenvalues (:mod:`kacspectral.kac.eigen`); 0 forces it everywhere, a huge
        value forces the dense solver (the reference path of the tests)
    Returns (modes, checks): modes sorted by decreasing eigenvalue, each a dict with
    ``eigenvalue``, ``degree``, ``parities``, ``spins``, ``symmetric``, ``also_in_degrees``;
    checks: ``max_asymmetry`` and ``solvers`` (number of sectors per eigensolver).
    """
    found: list[tuple] = []  # (eigenvalue, degree, parity, sector); eigenvalues only on this pass
    forms: dict = {}
    max_asym = 0.0
    solvers: dict = defaultdict(int)
    for pools, m, ctx in layouts:
        for par in PARITIES:
            if sum(par) % 2 != m % 2:
                continue
            sec = PolynomialSector(pools, m, par)
            if progress is not None:
                progress()
            if not len(sec):
                continue
            forms[id(sec)] = _symmetric_form(sec, build(sec, ctx))
            w, _, asym, method = _sector_spectrum(sec, None, invariant_count(m, par), tol,
                                                  vectors=False, n_distinct=max_modes,
                                                  dense_max=dense_max, form=forms[id(sec)])
            solvers[method] += 1
            max_asym = max(max_asym, asym)
            found.extend((float(x), m, par, sec) for x in w)
    values = _distinct([f[0] for f in found], tol)[:max_modes]
    modes = []
    pairs: dict = {}
    for val in values:
        hits = [f for f in found if abs(f[0] - val) <= tol]
        degrees = sorted({h[1] for h in hits})
        primary = [h for h in hits if h[1] == degrees[0]]
        spins: set = set()
        for sec in {id(h[3]): h[3] for h in primary}.values():
            if id(sec) not in pairs:  # eigenvectors: dense, once per sector
                pairs[id(sec)] = _sector_spectrum(
                    sec, None, invariant_count(sec.degree, sec.parity), tol,
                    n_distinct=max_modes, dense_max=dense_max, form=forms[id(sec)])[:2]
            w, v = pairs[id(sec)]
            spins.update(_spins(sec, v[:, np.abs(w - val) <= tol]))
        sym = None
        if symmetric_layout is not None:
            sym = False
            for par in {h[2] for h in primary}:
                sec = PolynomialSector(symmetric_layout[0], degrees[0], par)
                k = invariant_count(degrees[0], par)
                if len(sec) > k:
                    w, _, _, _ = _sector_spectrum(sec, build(sec, symmetric_layout[1]), k, tol,
                                                  vectors=False, n_distinct=max_modes,
                                                  dense_max=dense_max)
                    sym = sym or bool(np.any(np.abs(w - val) <= tol))
        modes.append({"eigenvalue": val, "degree": degrees[0], "spins": sorted(spins),
                      "parities": sorted({h[2] for h in primary}), "symmetric": sym,
                      "also_in_degrees": degrees[1:]})
    return modes, {"max_asymmetry": max_asym, "solvers": dict(solvers)}


def _reduced_pools(n: int, k: int) -> tuple:
    """k labelled particles and one pool of the other n - k (k <= n)."""
    k = min(k, n)
    return (1,) * k + ((n - k,) if n > k else ())


def _check_count(value, name: str, minimum: int) -> int:
    """An int >= minimum (bool, float such as 2.5 and strings such as "3" refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {short(value)} "
                        f"({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {short(value)}")
    return int(value)


def _positive_rate(value, name: str) -> Fraction:
    try:
        rate = Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        raise ValueError(f"{name} must be a finite number > 0, got {short(value)}") from None
    if rate <= 0:
        raise ValueError(f"{name} must be > 0, got {short(rate)}")
    return rate


def kac_gap(n_particles: int, degree: int = 4, lambda_s=1, max_modes: int = 6,
            progress=None, *, max_seconds: float = MAX_SECONDS,
            max_bytes: float = MAX_BYTES) -> KacGapResult:
    """Spectral gap of the 3D Kac generator L_S = lambda_S/(N-1) sum_{i<j}(R_ij - I) on
    polynomials of degree <= ``degree``, on the orthogonal complement of the functions of total
    energy and momentum (seed 000 section 2; conventions page, section 6).

    Symmetry reduction: L_S commutes with S_N and O(3).  The Wick-degree-m space only holds S_N
    irreducibles whose Young diagram has at most m boxes below the first row, and each of those
    has a vector invariant under S_{N-m} acting on the last N - m particles; so the layout
    "min(m, N) labelled particles + one exchangeable pool" carries every eigenvalue.  The
    per-axis parity splits each sector in four.  Spins come from the Casimir of the total
    angular momentum restricted to each eigenspace; ``symmetric`` says whether the mode also
    lives in the fully permutation-symmetric sector (one pool of N).

    Parameters
    ----------
    n_particles : int
        N >= 2.
    degree : int
        Maximal Wick degree searched (>= 1).
    lambda_s : int, Fraction or str
        Rate lambda_S > 0, exact (a string such as ``"1/2"`` is accepted).
    max_modes : int
        Number of slowest distinct eigenvalues listed.
    progress : callable or None
        Called with no argument once per sector of the search (4 per degree).
    max_seconds, max_bytes : float
        Refuse (``ValueError`` with the estimate of :func:`gap_search_cost`) a search estimated
        to take longer or to need more memory.

    Returns
    -------
    KacGapResult
        See the notes below.

    Notes
    -----
    Cost: the dimension of the degree-m sectors grows fast with min(m, N) (N = 10: 1155 at
    degree 4, 9155 at degree 5); degree 4 takes about 2 s for any N
    (validation/results/bench_kac.json).

    Returns a :class:`kacspectral.kac.results.KacGapResult`: ``gap`` (= minus the largest
    non-zero eigenvalue), ``modes``, the exact claimed values (4/15, 1/3, 2/5) lambda_S
    N/(N-1) and the verdict (None for degree < 3, which cannot hold the claimed gap mode).  The
    gap is a statement about the polynomial sectors of degree <= ``degree`` searched, not a
    proof over all of L^2: the true gap is at most the value returned.

    Findings (validation/kac_reservoir.py; tests/test_kac.py ``test_kac_gap_confirms_claim``,
    ``test_gap_eigenfunction``, ``test_kac_gap_two_particles_refutes_claim``):

    * the claim Delta_N = (4/15) lambda_S N/(N-1) is **confirmed for 3 <= N <= 10** on degree
      <= 4 (<= 6 for N = 3, 4), to 1e-15, on the degree-3, spin-1, permutation-symmetric
      sector; the eigenfunction is the Wick form of ``sum_j |v_j|^2 v_j - (1/(N-1)) sum_{i!=j}
      [v_i |v_j|^2 + 2 (v_i.v_j) v_j] + (2/((N-1)(N-2))) sum_{i,j,k distinct} v_i (v_j.v_k)``
      (scaled velocities), i.e. ``sum_j |v_j|^2 v_j`` with momentum corrections;
    * the claim is **refuted for N = 2**: the gap is the momentum mode 2/3 > 8/15 (only the
      relative velocity moves, its spin-l blocks decay at rate 2l/(2l+1)).
    """
    n = _check_count(n_particles, "n_particles", 2)
    if n > 10**12:
        raise ValueError(f"n_particles must be at most 1e12 (the rates lambda_S/(N-1) are "
                         f"floats in the sectors), got {n}")
    degree = _check_count(degree, "degree", 1)
    max_modes = _check_count(max_modes, "max_modes", 1)
    lam = _positive_rate(lambda_s, "lambda_s")
    if not 1e-300 <= float(lam) <= 1e300:
        raise ValueError(f"lambda_s must be between 1e-300 and 1e300 (rates are floats "
                         f"then), got {short(lam)}")
    layouts = [(_reduced_pools(n, m), m, None) for m in range(1, degree + 1)]
    check_cost(gap_search_cost(layouts), f"kac_gap(N = {n}, degree = {degree})", max_seconds,
               max_bytes)

    def build(sec, _ctx):  # lambda_S = 1: L_S is linear in lambda_S, scaled below
        return generator_matrix(sec, range(len(sec.pools)), kind="S", lambda_s=1)

    modes, checks = spectrum_modes(layouts, build, max_modes, symmetric_layout=((n,), None),
                                   progress=progress)
    for m in modes:  # exact scaling by lambda_S (no overflow or underflow in the matrices)
        m["eigenvalue"] *= float(lam)
    f = lam * n / (n - 1)
    claimed = f * Fraction(4, 15)
    gap = -modes[0]["eigenvalue"]
    if degree < 3:
        agrees = None
        verdict = (f"undecided: degree {degree} < 3 cannot contain the claimed gap mode "
                   f"sum_j |v_j|^2 v_j (degree 3)")
    else:
        # eigenvalues carry errors ~ eps ||B|| ~ 1e-15 N lambda_S (measured <= 1e-14)
        agrees = abs(gap - float(claimed)) <= 1e-12 * max(1.0, float(claimed))
        verdict = "agrees" if agrees else "disagrees"
    return KacGapResult(
        particles=n, degree=degree, lambda_s=lam, gap=gap,
        modes=tuple(KacMode.from_dict(m) for m in modes),
        claimed_gap=claimed, claimed_momentum=f / 3, claimed_stress=f * Fraction(2, 5),
        agrees_with_claim=agrees, verdict=verdict, max_asymmetry=checks["max_asymmetry"],
        solvers=tuple(sorted(checks["solvers"].items())))

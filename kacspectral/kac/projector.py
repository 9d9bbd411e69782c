"""The projector R of seed 000 on polynomial sectors, and Lemmas 1 and 2.

Seed 000 section 2: R[h] is the average of h over the rotations of R^{3(M+N)} that fix the
total momentum direction vectors g_1, g_2, g_3, i.e. the orthogonal projection onto functions of
the total momentum P and the total energy E.  On the Wick-degree-m sector (see
:mod:`kacspectral.kac.generators`; scaled velocities x = sqrt(2 pi) v) R is the Fischer-orthogonal
projection onto span{P^alpha E^j : |alpha| + 2j = m} (R commutes with Wick ordering because it
averages over orthogonal maps).

Fischer products with invariants are derivatives: <f, P^alpha E^j> = sum_beta beta! f_beta
[x^beta](P^alpha E^j), read off one representative monomial per basis element.  Their Gram
matrix has a closed form in the coordinates y = P/sqrt(K), z (the 3K - 3 others):
P^alpha E^j = K^{|alpha|/2} y^alpha (|y|^2 + |z|^2)^j and <|z|^{2a}, |z|^{2b}> =
delta_ab 4^a a! (d/2)_a, d = 3K - 3.

Findings (tests/test_kac_projector.py)
--------------------------------------
* Lemma 1: sup ||R[h] - 1|| / ||h - 1|| over h(v) of degree <= 6 is sqrt(M/(M+N)), attained in
  degree 1 (momentum), strictly below C(M/N) (``test_lemma1_ratio``).
* Lemma 2 holds **only as an inequality**: with the j = k term kept exactly,
  ||(1/N) sum_j R_ij u - T_i u||^2 = (1/N)(<R_i1 u, R_i1 u> - <T_i u, T_i u>), which is
  strictly below the seed's (1/N)(<u, T_i u> - <T_i u, T_i u>) for the u tested, because
  R_ij is not a projector (eigenvalues 1/(2l+1)) (``test_lemma2``, :func:`lemma2_sides`).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np

from kacspectral.kac.generators import (
    PolynomialSector,
    monomials,
    one_body,
    pair_table,
    thermostat_table,
    two_body,
)
from kacspectral.kac.sectors import orbit_size
from kacspectral.kac.tables import poly_mul

__all__ = [
    "invariant_exponents",
    "invariant_functionals",
    "invariant_gram",
    "invariant_gram_closed_form",
    "projector_matrix",
    "lemma1_ratio",
    "lemma2_sides",
    "matvec",
]


def invariant_exponents(m: int, parity=None) -> list[tuple[tuple[int, ...], int]]:
    """(alpha, j) with |alpha| + 2j = m (and alpha = parity mod 2 if given)."""
    out = []
    for j in range(m // 2 + 1):
        for a in monomials(3, m - 2 * j):
            if parity is None or tuple(x % 2 for x in a) == tuple(parity):
                out.append((a, j))
    return out


def _split_coefficient(betas: list, alpha: tuple, j: int) -> Fraction:
    """Coefficient of prod_p x_p^{beta_p} in P^alpha E^j (P = sum_p x_p, E = sum_p |x_p|^2)."""
    total = Fraction(0)
    per = []
    for b in betas:
        opts = []
        for d in itertools.product(*[range(bk // 2 + 1) for bk in b]):
            opts.append((tuple(bk - 2 * dk for bk, dk in zip(b, d, strict=False)), d))
        per.append(opts)
    for pick in itertools.product(*per):
        gam = [g for g, _ in pick]
        dels = [d for _, d in pick]
        if tuple(sum(g[k] for g in gam) for k in range(3)) != tuple(alpha):
            continue
        if sum(sum(d) for d in dels) != j:
            continue
        c = Fraction(math.prod(math.factorial(a) for a in alpha))
        c /= math.prod(math.factorial(x) for g in gam for x in g)
        c *= Fraction(math.factorial(j), math.prod(math.factorial(x) for d in dels for x in d))
        total += c
    return total


def invariant_functionals(sector: PolynomialSector, parity_only: bool = True):
    """Exact matrix c[a, lambda] = <e_lambda, P^alpha_a E^j_a> (Fischer = L^2 of Wick products).

    Returns (list of (alpha, j), list of rows of Fractions)."""
    inv = invariant_exponents(sector.degree, sector.parity if parity_only else None)
    rows = []
    for alpha, j in inv:
        row = []
        for el in sector.elements:
            betas = [e for part in el for e in part]
            coef = _split_coefficient(betas, alpha, j)
            size = math.prod(orbit_size(p, n) for p, n in zip(el, sector.pools, strict=False))
            bfact = math.prod(math.factorial(x) for e in betas for x in e)
            row.append(coef * size * bfact)
        rows.append(row)
    return inv, rows


def invariant_gram(sector: PolynomialSector, rows) -> list[list[Fraction]]:
    """Gram matrix of the invariants from their functionals (they lie in the sector)."""
    n = len(rows)
    return [[sum((Fraction(rows[a][i] * rows[b][i], sector.norm2[i]) for i in range(len(sector))),
                 Fraction(0))
             for b in range(n)] for a in range(n)]


def _fischer3(p: dict, q: dict) -> Fraction:
    return sum((Fraction(c) * q[e] * math.prod(math.factorial(x) for x in e)
                for e, c in p.items() if e in q), Fraction(0))


def _y_poly(alpha, r) -> dict:
    """y^alpha |y|^{2r} as a dict polynomial in 3 variables."""
    p = {tuple(alpha): Fraction(1)}
    r2 = {(2, 0, 0): 1, (0, 2, 0): 1, (0, 0, 2): 1}
    for _ in range(r):
        p = poly_mul(p, r2)
    return p


def invariant_gram_closed_form(K: int, inv) -> list[list[Fraction]]:
    """<P^alpha E^j, P^beta E^i> for K particles, closed form (module docstring)."""
    d = Fraction(3 * K - 3)

    def zz(a):
        poch = math.prod((d / 2 + r for r in range(a)), start=Fraction(1))
        return 4**a * math.factorial(a) * poch

    out = []
    for al, j in inv:
        row = []
        for be, i in inv:
            tot = Fraction(0)
            for a in range(min(i, j) + 1):
                y = _fischer3(_y_poly(al, j - a), _y_poly(be, i - a))
                if y:
                    kp = Fraction(K) ** ((sum(al) + sum(be)) // 2)
                    tot += math.comb(j, a) * math.comb(i, a) * kp * y * zz(a)
            row.append(tot)
        out.append(row)
    return out


def projector_matrix(sector: PolynomialSector) -> np.ndarray:
    """R on the sector, in the orthonormal basis e_lambda/||e_lambda|| (float, symmetric)."""
    _, rows = invariant_functionals(sector)
    if not rows:
        return np.zeros((len(sector), len(sector)))
    phi = np.array([[float(v) for v in r] for r in rows]) / sector.scale[None, :]
    g = phi @ phi.T
    return phi.T @ np.linalg.solve(g, phi)


def lemma1_ratio(M: int, N: int, max_degree: int = 8) -> dict:
    """sup ||R[h] - 1|| / ||h - 1|| over polynomials h(v) of degree <= max_degree, <h,1> = 1.

    Per Wick degree m the sup is sqrt(lambda_max(G^{-1} G_v)), G the Gram of the invariants of
    the M + N particles and G_v that of their restrictions to w = 0 (the invariants of the M
    system particles), both in closed form; compared with C(M/N) of seed 000 Lemma 1.
    """
    if M < 1 or N < 2:
        raise ValueError(f"need M >= 1 and N >= 2, got M={M}, N={N}")
    per = {}
    for m in range(1, max_degree + 1):
        inv = invariant_exponents(m)
        g = np.array(invariant_gram_closed_form(M + N, inv), dtype=float)
        gv = np.array(invariant_gram_closed_form(M, inv), dtype=float)
        ev = np.linalg.eigvals(np.linalg.solve(g, gv)).real
        per[m] = math.sqrt(max(float(np.max(ev)), 0.0))
    c = math.sqrt(3 * M / (3 * N - 5)) + math.sqrt(((M + N) / N) ** 3 - 1)
    best = max(per, key=per.__getitem__)
    return {"ratio": per[best], "degree": best, "per_degree": per, "C": c,
            "sqrt_M_over_M_plus_N": math.sqrt(M / (M + N))}


def matvec(mat: dict, vec: list) -> list:
    """Exact product of a dict matrix {(row, col): value} with a list vector."""
    out = [Fraction(0)] * len(vec)
    for (r, c), v in mat.items():
        if vec[c]:
            out[r] += v * vec[c]
    return out


def _inner(sector, a, b) -> Fraction:
    return sum((x * y * n for x, y, n in zip(a, b, sector.norm2, strict=False)), Fraction(0))


def lemma2_sides(sector: PolynomialSector, u: list, i: int, first: int, rest: int) -> dict:
    """Seed 000 Lemma 2, exactly, for u (coefficients in ``sector``, a function of the system
    particles only) and the system particle in pool ``i`` (a pool of size 1).  The reservoir
    is pool ``first`` (one labelled particle, j = 1) plus pool ``rest`` (the other N - 1).

    Returns the exact Fractions
    ``lhs``   = || (1/N) sum_j R^I_ij u - T_i u ||^2,
    ``seed``  = (1/N) (<u, T_i u> - <T_i u, T_i u>)        (the seed's right-hand side),
    ``exact`` = (1/N) (<R^I_i1 u, R^I_i1 u> - <T_i u, T_i u>)  (the j = k term kept as it is),
    and ``cross`` = (<u, R^I_i1 u> == <u, T_i u>).  The seed replaces <R u, R u> by <u, R u>,
    true only if R^I_ij were a projector; here R^I_ij has eigenvalues 1/(2l+1) in (0, 1], so
    <R u, R u> <= <u, R u> and lhs <= seed (the lemma holds as an inequality).
    """
    if sector.pools[i] != 1 or sector.pools[first] != 1:
        raise ValueError("pools i and first must be labelled particles (size 1)")
    N = 1 + sector.pools[rest]
    r1 = matvec(two_body(sector, i, first, pair_table, subtract_identity=False, exact=True), u)
    rr = matvec(two_body(sector, i, rest, pair_table, subtract_identity=False, exact=True), u)
    tu = matvec(one_body(sector, i, thermostat_table, subtract_identity=False, exact=True), u)
    diff = [(a + b) / N - c for a, b, c in zip(r1, rr, tu, strict=False)]
    ttu = _inner(sector, tu, tu)
    return {"lhs": _inner(sector, diff, diff),
            "seed": (_inner(sector, u, tu) - ttu) / N,
            "exact": (_inner(sector, r1, r1) - ttu) / N,
            "cross": _inner(sector, u, r1) == _inner(sector, u, tu)}

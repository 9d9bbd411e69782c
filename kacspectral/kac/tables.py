"""Exact one- and two-particle tables of the 3D Kac collisions, on monomials (Wick picture).

Seed 000 (Bonetto, Popa, Powell, Chen, Tung), section 2; conventions page, section 6; the
Wick (Hermite He_n, scaled velocity x = sqrt(2 pi) v) picture is described in
:mod:`kacspectral.kac.generators`, which re-exports the tables and the monomial and sphere
helpers of this module (every public name but :func:`poly_mul`).

Polynomials are dicts {exponent tuple: Fraction}.  A table maps a monomial of one particle
(``thermostat_table``, ``casimir_table``) or of a pair (``pair_table``, ``pair_table_direct``,
``angular_momentum_pair_table``) to its exact image, homogeneous of the same degree.

Collision of a pair
-------------------
For particles i, j the centre of mass c = (x_i + x_j)/2 is kept and the relative velocity
u = x_i - x_j is reflected, u -> u - 2 (u.Omega) Omega, Omega uniform on S^2.  On the harmonic
block |u|^{2n} Y_l the average over Omega multiplies by

    kappa_l = int_0^1 P_l(1 - 2 t^2) dt            (Funk-Hecke; kappa_0 = 1, kappa_1 = 1/3,
                                                    kappa_2 = 1/5, ...)

(t = cos of the angle between u and Omega is uniform; the reflected direction is uniform on
the circle at cosine 1 - 2 t^2 around u).  :func:`pair_table` uses these factors;
:func:`pair_table_direct` averages the expanded polynomial over Omega with the exact moments of
the uniform measure, as an independent reference.
"""

from __future__ import annotations

import math
from collections import defaultdict
from fractions import Fraction
from functools import cache

from kacspectral.spectral.polynomials import double_factorial, legendre_coefficients

__all__ = [
    "angular_momentum_pair_table",
    "casimir_table",
    "harmonic_factor",
    "monomials",
    "pair_table",
    "pair_table_direct",
    "poly_mul",
    "reflection_average",
    "sphere_moment",
    "thermostat_table",
]


# ----------------------------------------------------------------------------------------
# Polynomials as dicts {exponent tuple: Fraction}
# ----------------------------------------------------------------------------------------
def monomials(nvars: int, degree: int) -> list[tuple[int, ...]]:
    """All exponent tuples of ``nvars`` variables with total degree ``degree`` (fixed order)."""
    if nvars == 1:
        return [(degree,)]
    out = []
    for first in range(degree, -1, -1):
        for rest in monomials(nvars - 1, degree - first):
            out.append((first,) + rest)
    return out


def _padd(p: dict, q: dict, scale=1) -> dict:
    out = dict(p)
    for k, v in q.items():
        out[k] = out.get(k, 0) + scale * v
    return {k: v for k, v in out.items() if v != 0}


def poly_mul(p: dict, q: dict) -> dict:
    """The product of two polynomials given as dicts ``{exponent tuple: coefficient}`` (exponent
    tuples of equal length), without zero coefficients."""
    out: dict = defaultdict(int)
    for k1, v1 in p.items():
        for k2, v2 in q.items():
            out[tuple(a + b for a, b in zip(k1, k2, strict=False))] += v1 * v2
    return {k: v for k, v in out.items() if v != 0}


def _substitute(poly: dict, forms: list[dict]) -> dict:
    """Replace variable i by the polynomial ``forms[i]`` in ``poly``."""
    powers: dict = {}

    def power(i, e):
        if (i, e) not in powers:
            powers[(i, e)] = (
                {tuple(0 for _ in next(iter(forms[i]))): Fraction(1)}
                if e == 0
                else poly_mul(power(i, e - 1), forms[i])
            )
        return powers[(i, e)]

    nout = len(next(iter(forms[0])))
    out: dict = {}
    for expo, coef in poly.items():
        term = {tuple(0 for _ in range(nout)): Fraction(1)}
        for i, e in enumerate(expo):
            if i < len(forms):
                term = poly_mul(term, power(i, e))
            elif e:  # variables beyond ``forms`` are kept (they must exist in the output)
                term = {k[:i] + (k[i] + e,) + k[i + 1:]: v for k, v in term.items()}
        out = _padd(out, term, coef)
    return out


@cache
def sphere_moment(d: tuple[int, int, int]) -> Fraction:
    """E[Omega^d] for Omega uniform on S^2: prod (d_k-1)!! / (|d|+1)!! if all d_k even, else 0."""
    if any(k % 2 for k in d):
        return Fraction(0)
    num = math.prod(double_factorial(k - 1) for k in d)
    return Fraction(num, double_factorial(sum(d) + 1))


@cache
def harmonic_factor(l: int) -> Fraction:
    """kappa_l = int_0^1 P_l(1 - 2t^2) dt: the Omega-average of the reflection on |u|^{2n} Y_l.

    Uses int_0^1 (1 - 2t^2)^k dt = sum_j C(k, j) (-2)^j / (2j + 1).
    """
    if l < 0:
        raise ValueError(f"harmonic degree l must be >= 0, got {l}")
    total = Fraction(0)
    for k, c in enumerate(legendre_coefficients(l)):
        if c:
            total += c * sum(
                Fraction(math.comb(k, j) * (-2) ** j, 2 * j + 1) for j in range(k + 1)
            )
    return total


def _lap3(p: dict) -> dict:
    out: dict = defaultdict(int)
    for e, c in p.items():
        for k in range(3):
            if e[k] >= 2:
                f = list(e)
                f[k] -= 2
                out[tuple(f)] += c * e[k] * (e[k] - 1)
    return {k: v for k, v in out.items() if v != 0}


def _r2mul(p: dict) -> dict:
    out: dict = defaultdict(int)
    for e, c in p.items():
        for k in range(3):
            f = list(e)
            f[k] += 2
            out[tuple(f)] += c
    return dict(out)


def _solve_exact(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = next(r for r in range(col, n) if m[r][col] != 0)
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=False)]
    return [m[i][n] / m[i][i] for i in range(n)]


def reflection_average(p: dict, k: int) -> dict:
    """E_Omega p(u - 2(u.Omega)Omega) for p homogeneous of degree k in u in R^3.

    p = sum_l |u|^{k-l} h_l (h_l harmonic); the average is sum_l kappa_l |u|^{k-l} h_l.  The
    block projections are polynomials in the spherical Laplacian
    Delta_S = |u|^2 Delta - k(k+1) (eigenvalue -l(l+1) on the l block): we interpolate kappa_l.
    """
    ls = list(range(k, -1, -2))
    mus = [Fraction(-l * (l + 1)) for l in ls]
    coeffs = _solve_exact([[mu**r for r in range(len(ls))] for mu in mus],
                          [harmonic_factor(l) for l in ls])
    out: dict = {}
    q = dict(p)
    for r, c in enumerate(coeffs):
        if r:
            q = _padd(_r2mul(_lap3(q)), q, -k * (k + 1))
        out = _padd(out, q, c)
    return out


def _table_from_polys(m: int, image) -> dict:
    table = {}
    for e in monomials(6, m):
        poly = image(e)
        table[(e[:3], e[3:])] = {(k[:3], k[3:]): Fraction(v) for k, v in poly.items() if v != 0}
    return table


class _PowerCache:
    """Substitution of integer linear forms with the powers of each form kept across calls."""

    def __init__(self, forms: list[dict]):
        self.forms = forms
        self.nout = len(next(iter(forms[0])))
        self.powers: dict = {}

    def power(self, i: int, e: int) -> dict:
        if (i, e) not in self.powers:
            self.powers[(i, e)] = ({(0,) * self.nout: 1} if e == 0
                                   else poly_mul(self.power(i, e - 1), self.forms[i]))
        return self.powers[(i, e)]

    def __call__(self, poly: dict) -> dict:
        out: dict = defaultdict(int)
        for expo, coef in poly.items():
            term = {(0,) * self.nout: 1}
            for i, e in enumerate(expo):
                if e:
                    term = poly_mul(term, self.power(i, e))
            for k, v in term.items():
                out[k] += coef * v
        return {k: v for k, v in out.items() if v != 0}


def _unit_forms(signs) -> list[dict]:
    """Six forms in six variables (p1..3, q1..3): p_k + s q_k for the two signs s."""
    forms = []
    for s in signs:
        for k in range(3):
            a, b = [0] * 6, [0] * 6
            a[k], b[3 + k] = 1, 1
            forms.append({tuple(a): 1, tuple(b): s})
    return forms


@cache
def _reflection_coefficients(k: int) -> tuple[list[Fraction], int]:
    """Interpolation coefficients of :func:`reflection_average` for degree k, and their
    common denominator."""
    ls = list(range(k, -1, -2))
    mus = [Fraction(-l * (l + 1)) for l in ls]
    coeffs = _solve_exact([[mu**r for r in range(len(ls))] for mu in mus],
                          [harmonic_factor(l) for l in ls])
    return coeffs, math.lcm(*(c.denominator for c in coeffs))


@cache
def pair_table(m: int) -> dict:
    """R_ij on monomials x_i^a x_j^b with |a| + |b| = m, via the harmonic factors kappa_l.

    Returns {(a, b): {(a', b'): coefficient}} (top-degree action = action on Wick products).
    The algebra is done in Python integers: with c = (x + y)/2 and w = (x - y)/2 (w = u/2;
    the reflection average is the same linear map on w as on u), x = c + w, y = c - w, and
    back c, w = (x + y)/2, (x - y)/2, so the result is an integer polynomial over
    2^m times the common denominator of the Funk-Hecke interpolation (3x faster than the same
    algebra in Fractions; the exact reference is :func:`pair_table_direct`).
    """
    to_cw = _PowerCache(_unit_forms((1, -1)))  # (x, y) in terms of (c, w)
    back = _PowerCache(_unit_forms((1, -1)))   # 2c, 2w in terms of (x, y)
    denom = math.lcm(*(_reflection_coefficients(k)[1] for k in range(m + 1)))

    def image(e):
        cw = to_cw({e: 1})
        groups: dict = defaultdict(dict)
        for key, v in cw.items():
            groups[key[:3]][key[3:]] = v
        out: dict = defaultdict(int)
        for cexp, wpoly in groups.items():
            k = m - sum(cexp)
            coeffs, _ = _reflection_coefficients(k)
            q = dict(wpoly)
            for r, c in enumerate(coeffs):
                if r:
                    q = _padd(_r2mul(_lap3(q)), q, -k * (k + 1))
                ci = c * denom  # an integer: denom is the lcm of the denominators
                for ue, v in q.items():
                    out[cexp + ue] += int(ci) * v
        poly = back({key: v for key, v in out.items() if v})
        scale = denom * 2**m
        return {key: Fraction(v, scale) for key, v in poly.items()}

    return _table_from_polys(m, image)


def _average_over_omega(poly9: dict) -> dict:
    """Average a polynomial in (x1..6 or x1..3, Omega1..3) -- Omega last 3 -- over S^2."""
    out: dict = defaultdict(int)
    for e, c in poly9.items():
        w = sphere_moment(e[-3:])
        if w:
            out[e[:-3]] += c * w
    return {k: v for k, v in out.items() if v != 0}


@cache
def pair_table_direct(m: int) -> dict:
    """Reference for :func:`pair_table`: expand x* = x - ((x-y).Omega)Omega, y* = y + (...)Omega
    and average the Omega monomials with :func:`sphere_moment` (no harmonic analysis)."""
    nv = 9  # x1..3, y1..3, O1..3

    def var(i):
        e = [0] * nv
        e[i] = 1
        return e

    forms = []
    for sign, base in ((-1, 0), (1, 3)):
        for k in range(3):
            f = {tuple(var(base + k)): Fraction(1)}
            for j in range(3):
                for src, s in ((j, 1), (3 + j, -1)):
                    e = var(src)
                    e[6 + j] += 1
                    e[6 + k] += 1
                    f = _padd(f, {tuple(e): Fraction(sign * s)})
            forms.append(f)

    def image(e):
        return _average_over_omega(_substitute({e + (0, 0, 0): Fraction(1)}, forms))

    return _table_from_polys(m, image)


@cache
def thermostat_table(m: int) -> dict:
    """T on monomials x^a, |a| = m (Wick picture): x -> (I - Omega Omega^T) x averaged over Omega.

    Built from the definition of T (seed 000, Lemma 3) with exact sphere moments.
    Returns {a: {a': coefficient}}.
    """
    forms = []
    for k in range(3):
        f = {tuple(1 if i == k else 0 for i in range(6)): Fraction(1)}
        for j in range(3):
            e = [0] * 6
            e[j] = 1
            e[3 + j] += 1
            e[3 + k] += 1
            f = _padd(f, {tuple(e): Fraction(-1)})
        forms.append(f)
    table = {}
    for a in monomials(3, m):
        img = _average_over_omega(_substitute({a + (0, 0, 0): Fraction(1)}, forms))
        table[a] = img
    return table


_PLANES = ((0, 1), (1, 2), (2, 0))


def _ang(e: tuple, plane) -> dict:
    """L_{ij} = x_i d_j - x_j d_i on the monomial x^e."""
    i, j = plane
    out: dict = {}
    if e[j]:
        f = list(e)
        f[j] -= 1
        f[i] += 1
        out[tuple(f)] = out.get(tuple(f), 0) + e[j]
    if e[i]:
        f = list(e)
        f[i] -= 1
        f[j] += 1
        out[tuple(f)] = out.get(tuple(f), 0) - e[i]
    return out


@cache
def casimir_table(m: int) -> dict:
    """One-particle sum_planes L^2 on x^a, |a| = m (eigenvalue -l(l+1) on spin l)."""
    table = {}
    for a in monomials(3, m):
        out: dict = {}
        for pl in _PLANES:
            for b, c in _ang(a, pl).items():
                out = _padd(out, _ang(b, pl), c)
        table[a] = {k: Fraction(v) for k, v in out.items()}
    return table


@cache
def angular_momentum_pair_table(m: int) -> dict:
    """sum_planes L^(1) L^(2) on x^a y^b, |a|+|b| = m (the two-body part of the total Casimir)."""
    table = {}
    for e in monomials(6, m):
        a, b = e[:3], e[3:]
        out: dict = defaultdict(Fraction)
        for pl in _PLANES:
            for a2, c1 in _ang(a, pl).items():
                for b2, c2 in _ang(b, pl).items():
                    out[(a2, b2)] += c1 * c2
        table[(a, b)] = {k: v for k, v in out.items() if v != 0}
    return table

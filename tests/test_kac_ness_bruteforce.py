"""Brute-force reference for the N-particle Kac system with thermostats (independent of the
exchangeable-type hierarchy of kacspectral.kac.multi_thermostat and of kacspectral.kac.tables).

The adjoint generator L = lambda_S/(N-1) sum_{i<j} (R_ij - I) + sum_a mu_a sum_i (B^a_i - I)
is applied to every monomial of degree <= 4 in the 3N velocity components (even in each axis),
by substituting the collision v_i -> v_i - [(v_i - w).Omega] Omega (w = v_j, v_j gaining the
opposite; or w = x ~ M_{T_a}), expanding, and averaging Omega over S^2 with
E[Omega^a] = (a_1-1)!!(a_2-1)!!(a_3-1)!!/(|a|+1)!! (all a_k even) and x with the Gaussian
moments T^{|b|/2} prod (b_k-1)!!.  Stationarity E[L m] = 0 for every monomial m, with E[1] = 1,
is then solved in exact rationals, and the named observables are compared with
:func:`kacspectral.kac.multi_thermostat.stationary_moments`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from fractions import Fraction

import pytest

from kacspectral.kac.multi_thermostat import MultiThermostat, stationary_moments


def _dfact(n: int) -> int:
    out = 1
    while n > 1:
        out, n = out * n, n - 2
    return out


def _sphere(a) -> Fraction:
    if any(k % 2 for k in a):
        return Fraction(0)
    return Fraction(_dfact(a[0] - 1) * _dfact(a[1] - 1) * _dfact(a[2] - 1), _dfact(sum(a) + 1))


def _mul(p: dict, q: dict) -> dict:
    out: dict = defaultdict(Fraction)
    for e1, c1 in p.items():
        for e2, c2 in q.items():
            out[tuple(a + b for a, b in zip(e1, e2, strict=True))] += c1 * c2
    return out


def brute_force_moments(temps, rates, lambda_s, n: int, degree: int = 4) -> dict:
    """{monomial exponent tuple (3N entries): Fraction} at stationarity."""
    nv = 3 * n  # variables: v (3n), Omega (3), x (3)
    nvar = nv + 6

    def var(k: int) -> dict:
        e = [0] * nvar
        e[k] = 1
        return {tuple(e): Fraction(1)}

    def lin(*terms) -> dict:
        out: dict = defaultdict(Fraction)
        for c, p in terms:
            for e, v in p.items():
                out[e] += c * v
        return out

    om = [var(nv + k) for k in range(3)]
    xs = [var(nv + 3 + k) for k in range(3)]
    vs = [var(k) for k in range(nv)]

    def collided(i: int, w: list) -> tuple[list, list]:
        s: dict = {}
        for k in range(3):
            s = lin((1, s), (1, _mul(lin((1, vs[3 * i + k]), (-1, w[k])), om[k])))
        return ([lin((1, vs[3 * i + k]), (-1, _mul(s, om[k]))) for k in range(3)],
                [lin((1, w[k]), (1, _mul(s, om[k]))) for k in range(3)])

    def subst(expo, images: dict) -> dict:
        out = {tuple([0] * nvar): Fraction(1)}
        for k, e in enumerate(expo):
            base = images.get(k, vs[k])
            for _ in range(e):
                out = _mul(out, base)
        return out

    def average(p: dict, temp) -> dict:
        out: dict = defaultdict(Fraction)
        for e, c in p.items():
            w = _sphere(e[nv:nv + 3])
            if temp is not None:
                b = e[nv + 3:]
                gauss = temp ** (sum(b) // 2) * _dfact(b[0] - 1) * _dfact(b[1] - 1) \
                    * _dfact(b[2] - 1)
                w *= 0 if any(k % 2 for k in b) else gauss
            if w:
                out[e[:nv]] += c * w
        return out

    mons = [e for e in itertools.product(range(degree + 1), repeat=nv) if sum(e) <= degree
            and all(sum(e[3 * i + k] for i in range(n)) % 2 == 0 for k in range(3))]
    idx = {e: r for r, e in enumerate(mons)}
    pair_images = {}
    for i, j in itertools.combinations(range(n), 2):
        vi, vj = collided(i, [vs[3 * j + k] for k in range(3)])
        pair_images[(i, j)] = {3 * i + k: vi[k] for k in range(3)} | {
            3 * j + k: vj[k] for k in range(3)}
    therm_images = {i: {3 * i + k: collided(i, xs)[0][k] for k in range(3)} for i in range(n)}
    rows = []
    for e in mons:
        if sum(e) == 0:
            continue
        row: dict = defaultdict(Fraction)
        for img in pair_images.values():
            for m, c in average(subst(e, img), None).items():
                row[m] += Fraction(lambda_s) / (n - 1) * c
            row[e] -= Fraction(lambda_s) / (n - 1)
        for i in range(n):
            q = subst(e, therm_images[i])
            for t, mu in zip(temps, rates, strict=True):
                for m, c in average(q, Fraction(t)).items():
                    row[m] += Fraction(mu) * c
                row[e] -= Fraction(mu)
        rows.append(row)
    a = [[Fraction(0)] * len(mons) + [Fraction(0)] for _ in range(len(rows) + 1)]
    for r, row in enumerate(rows):
        for m, c in row.items():
            a[r][idx[m]] = c
    a[len(rows)][idx[tuple([0] * nv)]] = Fraction(1)  # normalisation: E[1] = 1
    a[len(rows)][-1] = Fraction(1)
    sol = _gauss_jordan(a, len(mons))
    return {e: sol[r] for e, r in idx.items()}


def _gauss_jordan(a: list, n_unknowns: int) -> list:
    """Exact solution of the consistent augmented system ``a`` (rows ``[A | b]``) by
    Gauss-Jordan elimination in Fractions (a plain textbook solver, independent of sympy's
    version and of the package's)."""
    rows, pivots, r = [list(x) for x in a], [], 0
    for col in range(n_unknowns):
        piv = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        inv = 1 / rows[r][col]
        rows[r] = [x * inv for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                f = rows[i][col]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[r], strict=True)]
        pivots.append(col)
        r += 1
    if len(pivots) != n_unknowns:
        raise AssertionError("the brute-force stationarity system is singular")
    assert all(all(x == 0 for x in row) for row in rows[r:]), "inconsistent system"
    return [rows[k][-1] for k in range(n_unknowns)]


def _norm2(i: int, n: int) -> dict:
    out = {}
    for k in range(3):
        e = [0] * (3 * n)
        e[3 * i + k] = 2
        out[tuple(e)] = Fraction(1)
    return out


def _dot(i: int, j: int, n: int) -> dict:
    out = {}
    for k in range(3):
        e = [0] * (3 * n)
        e[3 * i + k] += 1
        e[3 * j + k] += 1
        out[tuple(e)] = Fraction(1)
    return out


@pytest.mark.parametrize("n", [2, pytest.param(3, marks=pytest.mark.slow)])
def test_hierarchy_equals_brute_force_generator(n):
    temps, rates, lam = ["1/6", "1/2"], ["1", "2"], "3/2"
    ref = brute_force_moments([Fraction(t) for t in temps], [Fraction(r) for r in rates],
                              Fraction(lam), n)

    def expect(p: dict) -> Fraction:
        return sum((c * ref[e] for e, c in p.items()), Fraction(0))

    n1, n2, d12 = _norm2(0, n), _norm2(1, n), _dot(0, 1, n)
    brute = {"|v1|^2": expect(n1), "|v1|^4": expect(_mul(n1, n1)),
             "|v1|^2|v2|^2": expect(_mul(n1, n2)), "(v1.v2)^2": expect(_mul(d12, d12)),
             "(v1.v2)|v1|^2": expect(_mul(d12, n1))}
    ours = stationary_moments(MultiThermostat(temps, rates, lam), n, 4).named()
    for k, v in brute.items():
        assert ours[k] == v, (k, ours[k], v)

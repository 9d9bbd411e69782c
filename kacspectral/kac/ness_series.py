"""Stationary moments of the N-particle Kac system with thermostats as functions of N.

Three exact routes from the stationarity rows of :mod:`kacspectral.kac.multi_thermostat`
(each degree block multiplied by N - 1 has entries linear in N):

* :func:`stationary_moments_symbolic`: elimination over the field Q(N) (sympy DomainMatrix);
  fast at degree <= 4, minutes at degree 6;
* :func:`stationary_series`: the Taylor coefficients in eps = 1/N, block by block in exact
  rationals (limit N -> infinity, coefficient of 1/N, ...);
* :func:`stationary_rational_functions`: rational functions of N from the series by Pade
  approximation, *certified* by a degree bound (Cramer's rule), seconds at degree 6.

The tests check the three against each other and against exact finite-N solves.

References
----------
* "seed 000": F. Bonetto, A. Popa, M. Powell, P. Chen, S. Tung, "Improved Approximation of
  Infinite Thermostat by Finite Reservoir Using the 3D Kac Model" (2025): the 3D Kac collision
  and the thermostat operator (section 2).
* "seed 003": E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and
  properties of, a non-equilibrium steady state in a dilute gas" (arXiv:1406.4097, 2014): the
  kinetic equation (1.4) with R of (1.3), and the question of its N-particle derivation
  (section 6).
* Conventions (Maxwellians, kernels, Taylor coefficients): ``docs/conventions.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from kacspectral.errors import short
from kacspectral.kac.multi_thermostat import (
    MultiThermostat,
    check_degree,
    degree_blocks,
    lookup_moment,
    moment_types,
    observable_expectation,
    solve_fraction,
    stationarity_rows,
)

__all__ = [
    "N_SYMBOL",
    "SymbolicStationaryMoments",
    "stationary_moments_symbolic",
    "stationary_rational_functions",
    "stationary_series",
]

#: The symbol N (number of particles) of the rational functions.
N_SYMBOL = sp.Symbol("N", positive=True, integer=True)


# ----------------------------------------------------------------------------------------
# N symbolic
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SymbolicStationaryMoments:
    """Stationary moments as rational functions of N (sympy, symbol :data:`N_SYMBOL`).

    Valid for every integer N >= the number of particles of the type (checked against the
    exact finite-N solution in the tests).
    """

    problem: MultiThermostat
    degree: int
    values: dict

    def moment(self, parts) -> sp.Expr:
        """E[prod_p v_p^{parts[p]}] as a rational function of N."""
        return lookup_moment(self.values, parts, self.degree, None)

    def expectation(self, poly: dict) -> sp.Expr:
        """E[poly] as a rational function of N (poly as in StationaryMoments.expectation)."""
        return sp.factor(sp.together(observable_expectation(poly, self.moment)))

    def at(self, particles: int) -> dict:
        """Values at an integer N (types with <= N particles), as Fractions."""
        out = {}
        for k, v in self.values.items():
            if len(k) <= particles:
                r = sp.Rational(v.subs(N_SYMBOL, particles))
                out[k] = Fraction(int(r.p), int(r.q))
        return out


def stationary_moments_symbolic(problem: MultiThermostat,
                                degree: int = 4) -> SymbolicStationaryMoments:
    """Stationary moments with N symbolic: the system (N-1) E[L p] = 0 has entries linear in N;
    each degree block is solved over the field Q(N) with sympy's DomainMatrix."""
    from sympy.polys.matrices import DomainMatrix

    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    degree = check_degree(degree)
    rows = stationarity_rows(problem, degree)
    field = sp.QQ.frac_field(N_SYMBOL)
    n_ = field.from_sympy(N_SYMBOL)
    lam_s = field.from_sympy(sp.Rational(problem.lambda_s.numerator, problem.lambda_s.denominator))
    mu = field.from_sympy(sp.Rational(problem.mu.numerator, problem.mu.denominator))

    def q(x: Fraction):
        return field.from_sympy(sp.Rational(x.numerator, x.denominator))

    values: dict = {(): field.one}
    for block in degree_blocks([t for t in rows if t]):
        idx = {t: i for i, t in enumerate(block)}
        a = [[field.zero] * len(block) for _ in block]
        b = [[field.zero] for _ in block]
        for i, lam in enumerate(block):
            s0, s1, t = rows[lam]
            coef: dict = defaultdict(lambda: field.zero)
            for tau, c in s0.items():
                coef[tau] += lam_s * q(c)
            for tau, c in s1.items():
                coef[tau] += lam_s * n_ * q(c)
            for tau, c in t.items():
                coef[tau] += mu * (n_ - 1) * q(c)
            for tau, c in coef.items():
                if tau in idx:
                    a[i][idx[tau]] += c
                else:
                    b[i][0] -= c * values[tau]
        sol = DomainMatrix(a, (len(block), len(block)), field).lu_solve(
            DomainMatrix(b, (len(block), 1), field))
        values.update(zip(block, (sol[i, 0].element for i in range(len(block))), strict=True))
    out = {k: sp.factor(field.to_sympy(v)) for k, v in values.items()}
    return SymbolicStationaryMoments(problem, degree, out)


def _inverse_fraction(a: list[list[Fraction]]) -> list[list[Fraction]]:
    n = len(a)
    cols = solve_fraction(a, [[Fraction(int(i == j)) for i in range(n)] for j in range(n)])
    return [[cols[j][i] for j in range(n)] for i in range(n)]


def stationary_series(problem: MultiThermostat, degree: int = 4, order: int = 2) -> dict:
    """Taylor coefficients in eps = 1/N of every stationary moment: {type: [y0, y1, ...]}.

    Multiplying the stationarity rows by (N-1)/N = 1 - eps gives A(eps) = A1 + eps A0 with
    A1 = lambda_S s1 + mu t (the N = infinity hierarchy: pairs with an outside particle and the
    thermostats) and A0 = lambda_S s0 - mu t.  When each degree block of A1 is invertible
    (checked; raises ArithmeticError otherwise) the moments are analytic at eps = 0 and
    A1 y^(k) = -A0 y^(k-1), block by block, gives the coefficients in exact rationals:
    y0 = lim_{N->oo} y_type(N) and y1 = lim N (y_type(N) - y0) (the coefficient of 1/N).
    """
    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    degree = check_degree(degree)
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 120:
        raise ValueError(f"order must be an integer in 0..120, got {short(order)}")
    rows = stationarity_rows(problem, degree)
    lam_s, mu = problem.lambda_s, problem.mu
    series: dict = {(): [Fraction(1)] + [Fraction(0)] * order}
    for block in degree_blocks([t for t in rows if t]):
        idx = {t: i for i, t in enumerate(block)}
        a1 = [[Fraction(0)] * len(block) for _ in block]
        a0 = [[Fraction(0)] * len(block) for _ in block]
        low1: list = [defaultdict(Fraction) for _ in block]
        low0: list = [defaultdict(Fraction) for _ in block]
        for i, lam in enumerate(block):
            s0, s1, t = rows[lam]
            for tgt, blk, d, c in ((a1, low1, s1, lam_s), (a1, low1, t, mu),
                                   (a0, low0, s0, lam_s), (a0, low0, t, -mu)):
                for tau, v in d.items():
                    if tau in idx:
                        tgt[i][idx[tau]] += c * v
                    else:
                        blk[i][tau] += c * v
        try:
            inv = _inverse_fraction(a1)
        except ArithmeticError:
            raise ArithmeticError(f"the N = infinity block of degree "
                                  f"{sum(map(sum, block[0]))} is singular") from None
        coeffs = [[Fraction(0)] * len(block) for _ in range(order + 1)]
        for k in range(order + 1):
            rhs = []
            for i in range(len(block)):
                r = -sum((v * series[tau][k] for tau, v in low1[i].items()), Fraction(0))
                if k:
                    r -= sum((v * series[tau][k - 1] for tau, v in low0[i].items()), Fraction(0))
                    r -= sum((a0[i][j] * coeffs[k - 1][j] for j in range(len(block))
                              if a0[i][j]), Fraction(0))
                rhs.append(r)
            coeffs[k] = [sum((inv[i][j] * rhs[j] for j in range(len(block)) if inv[i][j]),
                             Fraction(0)) for i in range(len(block))]
        for i, lam in enumerate(block):
            series[lam] = [coeffs[k][i] for k in range(order + 1)]
    return series


def _pade_denominator(c: list[Fraction], d: int) -> list[Fraction] | None:
    """q_0 = 1, q_1..q_d with sum_j q_j c_{k-j} = 0 for k = d+1..2d (None if singular)."""
    if d == 0:
        return [Fraction(1)]
    a = [[c[k - j] if k >= j else Fraction(0) for j in range(1, d + 1)]
         for k in range(d + 1, 2 * d + 1)]
    try:
        return [Fraction(1)] + solve_fraction(a, [-c[k] for k in range(d + 1, 2 * d + 1)])
    except ArithmeticError:
        return None


def stationary_rational_functions(problem: MultiThermostat, degree: int = 6,
                                  max_denominator_degree: int = 8) -> SymbolicStationaryMoments:
    """The stationary moments as rational functions of N, certified from the 1/N series.

    Every y_type is a ratio of two polynomials in eps = 1/N of degree <= n (Cramer's rule on
    the triangular system A1 + eps A0 of size n = number of non-constant types).  For each type
    the smallest d <= ``max_denominator_degree`` whose Pade approximant P/Q ([d/d] in eps)
    matches the Taylor coefficients through order K = n + d is taken: then a Q - b P (degree
    <= n + d) vanishes to order K + 1 at eps = 0, so y = P/Q *exactly*.  Much faster than the
    elimination over Q(N) of :func:`stationary_moments_symbolic` at degree 6 (same results at
    degree 4, checked in the tests).  Raises ArithmeticError if no d fits.

    Measured: d = 4 suffices for every type of degree <= 6 with T = (1/6, 1/2), mu = (1, 1),
    lambda_S = 1, and for degree <= 4 with three thermostats; the three-thermostat example of
    the tests needs d > 8 at degree 6 (then raise ``max_denominator_degree``: the series order
    grows to n + d, n = 77, and the cost with it).
    """
    degree = check_degree(degree)
    n_types = len(moment_types(degree)) - 1
    order = n_types + int(max_denominator_degree)
    series = stationary_series(problem, degree, order)
    eps = sp.Symbol("eps")
    out = {}
    for typ, c in series.items():
        for d in range(int(max_denominator_degree) + 1):
            q = _pade_denominator(c, d)
            if q is None:
                continue
            if all(sum((q[j] * c[k - j] for j in range(d + 1) if k >= j), Fraction(0)) == 0
                   for k in range(d + 1, n_types + d + 1)):
                pnum = [sum((q[j] * c[k - j] for j in range(min(k, d) + 1)), Fraction(0))
                        for k in range(d + 1)]
                num = sum(sp.Rational(x.numerator, x.denominator) * eps**k
                          for k, x in enumerate(pnum))
                den = sum(sp.Rational(x.numerator, x.denominator) * eps**k
                          for k, x in enumerate(q))
                out[typ] = sp.factor(sp.cancel((num / den).subs(eps, 1 / N_SYMBOL)))
                break
        else:
            raise ArithmeticError(f"no rational function with denominator degree <= "
                                  f"{max_denominator_degree} fits the 1/N series of {typ}")
    return SymbolicStationaryMoments(problem, degree, out)

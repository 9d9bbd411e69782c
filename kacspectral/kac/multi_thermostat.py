"""The N-particle 3D Kac system with several Maxwellian thermostats: exact stationary moments.

Model (seed 000, Bonetto, Popa, Powell, Chen, Tung 2025, section 2, with the thermostat of
temperature T_a in place of Gamma; the question of seed 003, Carlen, Lebowitz, Mouhot 2014,
section 6).  N particles with velocities v_1..v_N in R^3 and the generator

    L = L_S + sum_a mu_a sum_i (B^a_i - I),    L_S = lambda_S/(N-1) sum_{i<j} (R_ij - I),

where R_ij averages over Omega uniform on S^2 the collision
v_i -> v_i - [(v_i - v_j).Omega] Omega, v_j -> v_j + [(v_i - v_j).Omega] Omega, and B^a_i is the
collision of particle i with a fresh partner x ~ M_{T_a} (the same map with v_j replaced by x,
x then discarded).  On observables (the adjoint, "Heisenberg" picture) both act by substitution:

    (R_ij p)(v) = E_Omega p(..., v_i*, ..., v_j*, ...),
    (B^a_i p)(v) = E_{x ~ M_{T_a}} E_Omega p(..., v_i - [(v_i - x).Omega] Omega, ...).

Both maps are linear in the velocities, so R_ij keeps the homogeneous degree and B^a_i maps a
homogeneous polynomial of degree m to one of degree <= m (the partner's moments fill the lower
degrees).  Since sum_a mu_a (B^a_i - I) = mu (B^R_i - I) with mu = sum_a mu_a and the partner
drawn from the mixture R = sum_a (mu_a/mu) M_{T_a}, only mu and the moments of R enter.

Units and conventions (``docs/conventions.md`` sections 1 and 6)
---------------------------------------------------------------
Velocities and temperatures are in the units of section 1: M_T has variance T per component,
E_{M_T}|v|^{2n} = T^n (2n+1)!!.  Seed 000's weight Gamma(v) = exp(-pi|v|^2) is M_T with
T = 1/(2 pi); the polynomial-sector modules (:mod:`kacspectral.kac.generators`) write
velocities as x = sqrt(2 pi) v, so that a thermostat at temperature T_a has variance
2 pi T_a per component of x.  Here no rescaling is needed: every table used is the average of a
*linear* map (exact in any units), and the partner moments are those of M_{T_a} in v units.

Moment hierarchy
----------------
Write y_lambda = E[v_1^{lambda_1} ... v_l^{lambda_l}] for a *type* lambda, a multiset of
non-zero exponent triples (one per particle; exchangeability makes the value independent of
which l distinct particles carry them).  Stationarity, E[L p] = 0 for the representative
monomial p of each type, multiplied by (N-1), reads

    lambda_S [ sum_{p<q<=l} (R_pq - I) p + (N - l) sum_{p<=l} (R_pj - I) p ]
        + mu (N-1) sum_{p<=l} (B^R_p - I) p = 0            (in expectation; j a particle > l)

with coefficients *linear in N* (the pairs of a carrying particle p with one of the N - l
particles outside the type all give the same expectation).  The pair action comes from
:func:`kacspectral.kac.tables.pair_table` (exact Funk-Hecke factors), the thermostat from the
same table with the partner's exponents replaced by the moments of R.  The system is
triangular by degree: the degree-m rows involve degrees <= m only, and the degree-m block is
invertible for mu > 0 (its top part is L_S + mu sum_i (T_i - I) on the degree-m Wick sector,
whose spectrum lies below -mu/3 by seed 000's Lemma 3).  It is solved degree by degree,
in exact rationals for a given N here; with N symbolic, as a series in 1/N and as certified
rational functions of N in :mod:`kacspectral.kac.ness_series`.

The stationary law is invariant under reflections of each axis and permutations of the axes
(the dynamics and R are), so only types with even exponent sums per axis are non-zero and one
type per orbit of the axis permutations is solved for.  For an integer N only types with
l <= N particles exist; their rows do not involve larger types (the coefficient N - l of the
pairs with an outside particle vanishes at l = N), so the same rows restricted to l <= N give
the exact finite-N system.

Closed forms (tests/test_kac_ness.py checks them)
-------------------------------------------------
* Energy: averaging over Omega, |v_i*|^2 -> (2/3)|v_i|^2 + (1/3)|v_j|^2 (seed 000, the energy
  sector), so d/dt E|v_1|^2 = lambda_S/(3(N-1)) sum_{j != 1} (E|v_j|^2 - E|v_1|^2)
  + (mu/3)(3 T_bar - E|v_1|^2), T_bar = sum_a mu_a T_a / mu: at stationarity
  E|v_1|^2 = 3 T_bar for every N and lambda_S.
* One thermostat (A = 1, temperature T): the product Maxwellian M_T^{(x)N} is stationary (each
  collision conserves the energy of a pair, and detailed balance holds), so
  y_lambda = prod_p prod_k T^{lambda_pk/2} (lambda_pk - 1)!!.

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

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np

from kacspectral.errors import short
from kacspectral.kac.tables import pair_table, sphere_moment
from kacspectral.physics.reservoirs import MaxwellianMixture, positive_fraction
from kacspectral.results import ResultMixin
from kacspectral.spectral.polynomials import double_factorial

__all__ = [
    "MultiThermostat",
    "StationaryMoments",
    "moment_types",
    "named_observables",
    "parse_type_key",
    "type_key",
    "observable_expectation",
    "canonical_type",
    "check_degree",
    "degree_blocks",
    "lookup_moment",
    "solve_fraction",
    "stationary_moments",
    "stationarity_rows",
]

ZERO = (0, 0, 0)
#: Largest degree offered (the pair tables of degree 7-8 cost minutes).
MAX_DEGREE = 6


# ----------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MultiThermostat(ResultMixin):
    """Thermostats a = 1..A at temperatures T_a with rates mu_a, and the collision rate lambda_S.

    Parameters
    ----------
    temperatures : sequence of numbers
        T_a > 0 (v units: M_T has variance T per component; ``docs/conventions.md`` section 1).
    rates : sequence of numbers
        mu_a > 0, one per temperature: each particle meets thermostat a at rate mu_a.
    lambda_s : number
        lambda_S > 0: each particle collides with the others at total rate lambda_S.

    Notes
    -----
    All three are kept as exact Fractions (strings such as ``"1/6"`` are accepted).
    ``to_dict``/``save``/``load`` from :class:`kacspectral.results.ResultMixin`.
    """

    temperatures: tuple[Fraction, ...]
    rates: tuple[Fraction, ...]
    lambda_s: Fraction = Fraction(1)

    def __init__(self, temperatures: Sequence[object], rates: Sequence[object],
                 lambda_s: object = 1):
        if isinstance(temperatures, (str, bytes)) or not isinstance(temperatures, Sequence):
            raise TypeError(f"temperatures must be a sequence of numbers, got {temperatures!r}")
        if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence):
            raise TypeError(f"rates must be a sequence of numbers, got {rates!r}")
        if not temperatures:
            raise ValueError("at least one thermostat is needed; got no temperatures")
        if len(temperatures) != len(rates):
            raise ValueError(f"temperatures and rates must have equal lengths, got "
                             f"{len(temperatures)} temperatures and {len(rates)} rates")
        object.__setattr__(self, "temperatures",
                           tuple(positive_fraction(t, "temperature") for t in temperatures))
        object.__setattr__(self, "rates", tuple(positive_fraction(m, "rate") for m in rates))
        object.__setattr__(self, "lambda_s", positive_fraction(lambda_s, "lambda_s"))

    @property
    def mu(self) -> Fraction:
        """Total thermostat rate mu = sum_a mu_a."""
        return sum(self.rates, Fraction(0))

    @property
    def weights(self) -> tuple[Fraction, ...]:
        """w_a = mu_a / mu: the partner law is R = sum_a w_a M_{T_a}."""
        return tuple(m / self.mu for m in self.rates)

    @property
    def mean_temperature(self) -> Fraction:
        """T_bar = sum_a w_a T_a; the stationary E|v_1|^2 is 3 T_bar for every N."""
        return sum((w * t for w, t in zip(self.weights, self.temperatures, strict=True)),
                   Fraction(0))

    @property
    def partner(self) -> MaxwellianMixture:
        """The partner law R = sum_a (mu_a/mu) M_{T_a}."""
        return MaxwellianMixture(list(self.weights), list(self.temperatures))

    def temperature_moment(self, k: int) -> Fraction:
        """sum_a w_a T_a^k (so E_R|x|^{2k} = (2k+1)!! times this)."""
        return sum((w * t**k for w, t in zip(self.weights, self.temperatures, strict=True)),
                   Fraction(0))

    def partner_moment(self, b: tuple[int, int, int]) -> Fraction:
        """``E_R[x^b] = sum_a w_a T_a^{|b|/2} prod_k (b_k - 1)!!`` (0 unless every b_k is even)."""
        if any(k % 2 for k in b):
            return Fraction(0)
        return self.temperature_moment(sum(b) // 2) * math.prod(
            double_factorial(k - 1) for k in b)

    def describe(self) -> dict:
        """JSON-ready parameters (exact values as strings)."""
        return {"temperatures": [str(t) for t in self.temperatures],
                "rates": [str(m) for m in self.rates], "lambda_s": str(self.lambda_s)}


# ----------------------------------------------------------------------------------------
# Types (multisets of exponent triples, up to axis permutations)
# ----------------------------------------------------------------------------------------
def canonical_type(parts) -> tuple:
    """The canonical representative of a multiset of exponent triples (zero triples dropped),
    up to permutations of the three axes: the largest of the six sorted tuples."""
    parts = [p for p in parts if p != ZERO]
    return max(tuple(sorted((tuple(p[i] for i in perm) for p in parts), reverse=True))
               for perm in itertools.permutations(range(3)))


def _even(parts) -> bool:
    return all(sum(p[k] for p in parts) % 2 == 0 for k in range(3))


def _triples(d: int):
    return [(a, b, d - a - b) for a in range(d, -1, -1) for b in range(d - a, -1, -1)]


@cache
def _types_of_degree(m: int) -> tuple:
    """Canonical even types of total degree m (every number of particles)."""
    out = set()

    def rec(left, maxpart, parts):
        if left == 0:
            if _even(parts):
                out.add(canonical_type(parts))
            return
        for d in range(min(left, maxpart[0]), 0, -1):
            for t in _triples(d):
                if (d, t) <= maxpart:
                    rec(left - d, (d, t), parts + [t])

    rec(m, (m, (m + 1, 0, 0)), [])
    return tuple(sorted(out, key=lambda t: (len(t), t)))


def moment_types(degree: int) -> list[tuple]:
    """All canonical even types of degree <= ``degree`` (degree 0: the empty type)."""
    return [t for m in range(0, int(degree) + 1, 2) for t in _types_of_degree(m)]


def check_degree(degree: object) -> int:
    """``degree`` if it is an integer in ``0..MAX_DEGREE`` (not a bool), else a ValueError."""
    if isinstance(degree, bool) or not isinstance(degree, int) or not 0 <= degree <= MAX_DEGREE:
        raise ValueError(f"degree must be an integer in 0..{MAX_DEGREE}, got {short(degree)}")
    return degree


def _check_particles(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of particles must be an integer >= 1, got {short(n)}")
    return n


# ----------------------------------------------------------------------------------------
# Stationarity rows
# ----------------------------------------------------------------------------------------
def stationarity_rows(problem: MultiThermostat, degree: int) -> dict:
    """Rows of the stationarity system, one per canonical type of degree <= ``degree``.

    Returns {type: (s0, s1, t)}, three dicts {type: Fraction} such that, for N particles,

        (N-1) E[L p_type] = lambda_S sum_tau (s0[tau] + N s1[tau]) y_tau
                            + mu (N-1) sum_tau t[tau] y_tau

    (module docstring; p_type the representative monomial).
    """
    degree = check_degree(degree)
    rows = {}
    for lam in moment_types(degree):
        s0: dict = defaultdict(Fraction)
        s1: dict = defaultdict(Fraction)
        t: dict = defaultdict(Fraction)
        ell = len(lam)
        for p, q in itertools.combinations(range(ell), 2):
            rest = [lam[r] for r in range(ell) if r not in (p, q)]
            for (a2, b2), c in pair_table(sum(lam[p]) + sum(lam[q]))[(lam[p], lam[q])].items():
                s0[canonical_type(rest + [a2, b2])] += c
            s0[lam] -= 1
        for p in range(ell):
            rest = [lam[r] for r in range(ell) if r != p]
            for (a2, b2), c in pair_table(sum(lam[p]))[(lam[p], ZERO)].items():
                tau = canonical_type(rest + [a2, b2])  # pair with an outside particle: N - l
                s1[tau] += c
                s0[tau] -= ell * c
                pm = problem.partner_moment(b2)
                if pm:
                    t[canonical_type(rest + [a2])] += c * pm
            s1[lam] -= 1
            s0[lam] += ell
            t[lam] -= 1
        rows[lam] = tuple({k: v for k, v in d.items() if v != 0} for d in (s0, s1, t))
    return rows


def degree_blocks(types):
    """The canonical ``types`` grouped by total degree, in increasing degree: the blocks of the
    stationarity system, solved one after the other (a block only needs lower degrees)."""
    by_degree: dict = defaultdict(list)
    for lam in types:
        by_degree[sum(sum(p) for p in lam)].append(lam)
    return [by_degree[m] for m in sorted(by_degree)]


def solve_fraction(a: list[list[Fraction]], b: list) -> list:
    """Solve a x = b by Gauss-Jordan elimination in exact rationals.

    ``b`` is a vector (list of Fractions) or a list of such right-hand sides (then a list of
    solutions is returned).  Raises ArithmeticError if ``a`` is singular.
    """
    many = bool(b) and isinstance(b[0], list)
    rhs = [list(col) for col in b] if many else [list(b)]
    n, k = len(a), len(rhs)
    m = [a[i][:] + [rhs[j][i] for j in range(k)] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if m[r][col] != 0), None)
        if piv is None:
            raise ArithmeticError("singular stationarity block (is every rate positive?)")
        m[col], m[piv] = m[piv], m[col]
        inv = 1 / m[col][col]
        pivot_row = [x * inv if x else x for x in m[col]]
        m[col] = pivot_row
        nz = [j for j in range(col, n + k) if pivot_row[j] != 0]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col]
                row = m[r]
                for j in nz:
                    row[j] -= f * pivot_row[j]
    sols = [[m[i][n + j] for i in range(n)] for j in range(k)]
    return sols if many else sols[0]


def type_key(lam) -> str:
    """String key of a type: ``"2,0,0;2,0,0"`` for ((2,0,0),(2,0,0)), ``""`` for the empty type."""
    return ";".join(",".join(str(int(k)) for k in part) for part in lam)


def parse_type_key(key: str) -> tuple:
    """Inverse of :func:`type_key`."""
    if not key:
        return ()
    return tuple(tuple(int(k) for k in part.split(",")) for part in key.split(";"))


@dataclass(frozen=True)
class StationaryMoments(ResultMixin):
    """Exact stationary moments y_type of the N-particle system (rational data).

    y_type = E[prod_p v_p^{type_p}] for distinct particles p (module docstring, "Moment
    hierarchy"), in the velocity units of ``docs/conventions.md`` section 1.

    Attributes
    ----------
    problem : MultiThermostat
    particles : int
        N.
    degree : int
        Largest degree solved for.
    type_keys : tuple of str
        The canonical types, as strings (:func:`type_key`: ``"2,0,0;2,0,0"`` for
        E[v_{1x}^2 v_{2x}^2]); types with more than N particles are absent.
    type_values : tuple of Fraction
        The exact stationary value of each type (same order).

    ``values`` gives {canonical type tuple: Fraction}.  ``to_dict``/``save``/``kacspectral.load``
    (:class:`kacspectral.results.ResultMixin`) round-trip exactly; :meth:`summary` is the
    JSON view with named observables.
    """

    problem: MultiThermostat
    particles: int
    degree: int
    type_keys: tuple[str, ...]
    type_values: tuple[Fraction, ...]

    @classmethod
    def from_values(cls, problem: MultiThermostat, particles: int, degree: int,
                    values: dict) -> StationaryMoments:
        """Build from {canonical type tuple: Fraction}."""
        return cls(problem, particles, degree, tuple(type_key(k) for k in values),
                   tuple(Fraction(v) for v in values.values()))

    @property
    def values(self) -> dict:
        """{canonical type tuple: Fraction}."""
        return {parse_type_key(k): v
                for k, v in zip(self.type_keys, self.type_values, strict=True)}

    def moment(self, parts) -> Fraction:
        """E[prod_p v_p^{parts[p]}] for distinct particles p (0 for odd types)."""
        return lookup_moment(self.values, parts, self.degree, self.particles)

    def expectation(self, poly: dict) -> Fraction:
        """E[poly] for a polynomial {(e_1, .., e_K): coefficient} in K labelled particles."""
        return observable_expectation(poly, self.moment)

    def one_particle_moment(self, k: int) -> Fraction:
        """E|v_1|^{2k}."""
        return self.expectation(_norm_power(k))

    def moments(self, n: int | None = None) -> np.ndarray:
        """Radial moments m_0, m_2, .., m_{2n} of the one-particle marginal, m_{2k} = E|v_1|^{2k}
        (the package's one meaning of ``moments``: a float array, index k holds m_{2k});
        ``n`` defaults to ``degree // 2``."""
        n = self.degree // 2 if n is None else int(n)
        if not 0 <= n <= self.degree // 2:
            raise ValueError(f"n must be in 0..{self.degree // 2} (solved up to degree "
                             f"{self.degree}), got {n}")
        return np.array([float(self.one_particle_moment(k)) for k in range(n + 1)])

    def named(self) -> dict:
        """The named observables of :func:`named_observables` (those with <= N particles)."""
        return {name: self.expectation(poly) for name, (poly, deg, npart)
                in named_observables().items() if deg <= self.degree and npart <= self.particles}

    def summary(self) -> dict:
        """JSON-ready view: named observables (exact strings and floats), parameters, versions."""
        from kacspectral.provenance import versions

        named = self.named()
        ver = versions()
        return {"problem": self.problem.describe(), "particles": self.particles,
                "degree": self.degree,
                "exact_moments": {k: str(v) for k, v in named.items()},
                "moments": {k: float(v) for k, v in named.items()},
                "types": {k: str(v) for k, v in zip(self.type_keys, self.type_values,
                                                     strict=True)},
                "version": ver["kacspectral"], "versions": ver}


def lookup_moment(values: dict, parts, degree: int, particles: int | None):
    """The moment ``E[prod_p v_p^{parts[p]}]`` from ``values`` ({canonical type: value}, as
    solved up to ``degree``): 0 when an axis has an odd total exponent, else the value of its
    canonical type.  ValueError for a degree above ``degree`` or (``particles`` not None) more
    particles than ``particles``."""
    parts = [tuple(p) for p in parts]
    deg = sum(sum(p) for p in parts)
    if deg > degree:
        raise ValueError(f"moment of degree {deg} requested, solved up to degree {degree}")
    if not _even(parts):
        return 0
    key = canonical_type(parts) if any(p != ZERO for p in parts) else ()
    if particles is not None and len(key) > particles:
        raise ValueError(f"moment of {len(key)} particles requested, N = {particles}")
    return values[key]


def stationary_moments(problem: MultiThermostat, particles: int,
                       degree: int = 4) -> StationaryMoments:
    """Exact stationary moments of the N-particle system, all types of degree <= ``degree``.

    Solves the stationarity system (module docstring) degree by degree in exact rationals,
    restricted to types with at most N particles.  Cost: independent of N (the pair tables of
    degree 5 and 6 dominate: seconds, cached).
    """
    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    n = _check_particles(particles)
    degree = check_degree(degree)
    rows = stationarity_rows(problem, degree)
    lam_s, mu = problem.lambda_s, problem.mu
    values: dict = {(): Fraction(1)}
    for block in degree_blocks([t for t in rows if 0 < len(t) <= n]):
        idx = {t: i for i, t in enumerate(block)}
        a = [[Fraction(0)] * len(block) for _ in block]
        b = [Fraction(0)] * len(block)
        for i, lam in enumerate(block):
            s0, s1, t = rows[lam]
            coef: dict = defaultdict(Fraction)
            if n >= 2:
                for tau, c in s0.items():
                    coef[tau] += lam_s * c / (n - 1)
                for tau, c in s1.items():
                    coef[tau] += lam_s * n * c / (n - 1)
            for tau, c in t.items():
                coef[tau] += mu * c
            for tau, c in coef.items():
                if c == 0:
                    continue
                if tau in idx:
                    a[i][idx[tau]] += c
                elif tau in values:
                    b[i] -= c * values[tau]
                else:  # pragma: no cover - guards the closure argument of the docstring
                    raise RuntimeError(f"row {lam} refers to {tau}, outside the N = {n} system")
        values.update(zip(block, solve_fraction(a, b), strict=True))
    return StationaryMoments.from_values(problem, n, degree, values)


# ----------------------------------------------------------------------------------------
# Observables as polynomials in labelled particles
# ----------------------------------------------------------------------------------------
def observable_expectation(poly: dict, moment):
    """sum_monomials c E[monomial], with E[monomial] = moment(per-particle exponents)."""
    total = 0
    for expo, c in poly.items():
        total += c * moment(expo)
    return total


def _pmul(p: dict, q: dict) -> dict:
    out: dict = defaultdict(Fraction)
    for e1, c1 in p.items():
        for e2, c2 in q.items():
            k = max(len(e1), len(e2))
            e1p = e1 + (ZERO,) * (k - len(e1))
            e2p = e2 + (ZERO,) * (k - len(e2))
            out[tuple(tuple(a + b for a, b in zip(x, y, strict=True))
                      for x, y in zip(e1p, e2p, strict=True))] += c1 * c2
    return {k: v for k, v in out.items() if v != 0}


def _unit(p: int, k: int) -> tuple:
    e: list[tuple[int, ...]] = [ZERO] * (p + 1)
    e[p] = tuple(1 if i == k else 0 for i in range(3))
    return tuple(e)


def dot(p: int, q: int) -> dict:
    """v_p . v_q (particles numbered from 0) as a polynomial."""
    return _pmul_sum([(_unit(p, k), _unit(q, k)) for k in range(3)])


def _pmul_sum(pairs) -> dict:
    out: dict = defaultdict(Fraction)
    for a, b in pairs:
        for k, v in _pmul({a: Fraction(1)}, {b: Fraction(1)}).items():
            out[k] += v
    return dict(out)


def _power(p: dict, k: int) -> dict:
    out = {(): Fraction(1)}
    for _ in range(k):
        out = _pmul(out, p)
    return out


def _norm_power(k: int, particle: int = 0) -> dict:
    return _power(dot(particle, particle), k)


@cache
def named_observables() -> dict:
    """{name: (polynomial, degree, particles)} of the observables reported by name."""
    n0, n1, n2 = dot(0, 0), dot(1, 1), dot(2, 2)
    d01 = dot(0, 1)
    return {
        "|v1|^2": (n0, 2, 1),
        "|v1|^4": (_power(n0, 2), 4, 1),
        "|v1|^6": (_power(n0, 3), 6, 1),
        "v1.v2": (d01, 2, 2),
        "|v1|^2|v2|^2": (_pmul(n0, n1), 4, 2),
        "(v1.v2)^2": (_power(d01, 2), 4, 2),
        "(v1.v2)|v1|^2": (_pmul(d01, n0), 4, 2),
        "|v1|^4|v2|^2": (_pmul(_power(n0, 2), n1), 6, 2),
        "(v1.v2)|v1|^4": (_pmul(d01, _power(n0, 2)), 6, 2),
        "|v1|^2|v2|^2|v3|^2": (_pmul(_pmul(n0, n1), n2), 6, 3),
    }


def sphere_average(b: tuple[int, int, int]) -> Fraction:
    """E[Omega^b] for Omega uniform on S^2 (re-exported from the tables for kinetic checks)."""
    return sphere_moment(tuple(b))

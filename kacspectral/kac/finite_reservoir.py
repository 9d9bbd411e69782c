"""Finite reservoir against infinite thermostat: the exact distance ||h_t - h~_t|| and the bound.

Seed 000 (Bonetto et al.), sections 2 and 4; conventions page, section 6.

Both systems start from f_0 = h_0(v) Gamma(v, w) with h_0 a polynomial in the M system
velocities.  The R-system state is h_t = e^{L t} h_0, a function of (v, w); the T-system state
is h~_t = e^{L~ t} h_0, a function of v only, *extended to (v, w) as the function
(v, w) -> h~_t(v)* (seed 000 section 2: the T-system is described with the joint density, the
reservoir only colliding with itself).  The distance is the norm of L^2(R^{3(M+N)}, Gamma),

    ||h_t - h~_t||^2 = int (h_t(v, w) - h~_t(v))^2 Gamma(v, w) dv dw.

Polynomials are written in the scaled velocity x = sqrt(2 pi) v (standard normal components
under Gamma; Hermite convention He_n in x, see :mod:`kacspectral.kac.generators`).  The computation
is
exact linear algebra on the Wick-degree sectors of :mod:`kacspectral.kac.generators` (one symmetric
eigen-decomposition per sector), so it costs the same for N = 10 and N = 10^6.

The seed's bound (seed 000, Theorem of section 4):

    ||h_t - h~_t|| <= [C(M/N)(1 - e^{-lambda M t}) + b M/sqrt(N) (e^{-mu t/3} - e^{-k t})]
                      * ||h_0 - 1||,
    C(M/N) = sqrt(3M/(3N-5)) + sqrt(((M+N)/N)^3 - 1),   lambda = lambda_S/2 + mu,
    b = mu l / (k - mu/3),   l^2 = sup_u (<u, T u> - <T u, T u>)/<u, u>.

The seed's last line writes b = l/(k - mu/3); the Duhamel integral just above it carries the
factor mu, which is kept here (the two agree for mu = 1).  k is the spectral gap of L, computed
by :func:`reservoir_gap` on the polynomial sectors of degree <= ``gap_degree``.

Findings (each backed by a test that fails if it is false; numbers in
validation/results/kac_reservoir.json)
------------------------------------------------------------------------------------------
* Long-time distance of order sqrt(M/N): ||h_inf - h~_inf|| = ||R[h_0] - 1||, equal to
  sqrt(M/(M+N)) ||h_0 - 1|| for the energy state (tests/test_finite_reservoir.py
  ``test_energy_sector_matches_closed_form``, ``test_distance_exponent_in_N_is_one_half``),
  and sqrt(M/(M+N)) is the sup over all polynomial h_0 of degree <= 8
  (:func:`kacspectral.kac.projector.lemma1_ratio`, tests/test_kac_projector.py
  ``test_lemma1_ratio``), below the seed's C(M/N).  A pure fourth-moment state
  (:func:`quartic_state`) gives sqrt(5M/3)/(M+N) (1 + O(1/N)), of order M/N
  (``test_quartic_long_time_is_of_order_M_over_N``).
* The bound holds at every (M, N, t) computed (``test_bound_constants_and_bound_holds``).
* k: the default ``gap_degree`` 3 is needed (degree <= 2 misses a slower degree-3 reservoir
  mode); degree 4 gives the same k as degree 3 to 1e-14 for (M, N) = (1, 10), (2, 10),
  (2, 100), (2, 1000) (validation table ``reservoir_gap_degree_check``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from kacspectral.errors import short
from kacspectral.kac.eigen import one_blas_thread
from kacspectral.kac.generators import (
    generator_matrix,
    symmetrize,
    thermostat_eigenvalue,
)
from kacspectral.kac.results import (
    KacMode,
    ReservoirDistanceResult,
    ReservoirGapResult,
)
from kacspectral.kac.sectors import (
    MAX_BYTES,
    MAX_SECONDS,
    ZERO,
    PolynomialSector,
    canonical_parts,
    check_cost,
    gap_search_cost,
)
from kacspectral.kac.spectral_gap import reduced_pools, spectrum_modes
from kacspectral.kac.tables import monomials
from kacspectral.physics.reservoirs import positive_fraction
from kacspectral.results import ResultMixin

__all__ = [
    "ReservoirProblem",
    "energy_state",
    "quartic_state",
    "wick_components",
    "lemma1_constant",
    "thermostat_l",
    "reservoir_gap",
    "reservoir_distance",
    "ReservoirSweepResult",
    "reservoir_cost",
    "energy_sector_distance",
    "seed_bound",
    "INITIAL_STATES",
    "expectations",
]


#: largest ratio of two collision rates accepted (the kernel tolerance is 1e-10 relative)
RATE_RATIO_MAX = 10**6
#: largest reservoir accepted (checked against the closed form up to 1e12 in the tests)
RESERVOIR_MAX = 10**12


@dataclass(frozen=True)
class ReservoirProblem(ResultMixin):
    """Parameters of the R- and T-systems (seed 000 section 2, conventions page, section 6).

    Parameters
    ----------
    system : int
        ``M >= 1`` system particles.
    reservoir : int
        ``2 <= N <= 10^12`` reservoir particles (:data:`RESERVOIR_MAX`).
    lambda_s, lambda_r, mu : number
        Collision rates of the system particles among themselves (``lambda_S``, unused when
        ``M = 1``), of the reservoir particles among themselves (``lambda_R``) and between system
        and reservoir (``mu``; the thermostat rate of the T-system), kept as exact Fractions
        (default 1).  Each ``> 0`` and between ``1e-150`` and ``1e150``; the rates in use within
        a ratio ``10^6`` (:data:`RATE_RATIO_MAX`) of each other.

    Raises
    ------
    ValueError
        If a value is outside these ranges.
    """

    system: int
    reservoir: int
    lambda_s: Fraction = Fraction(1)
    lambda_r: Fraction = Fraction(1)
    mu: Fraction = Fraction(1)

    def __post_init__(self):
        for name in ("system", "reservoir"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {short(v)}")
        if self.reservoir < 2:
            raise ValueError(f"reservoir must hold at least 2 particles, got {self.reservoir}")
        for name in ("lambda_s", "lambda_r", "mu"):
            object.__setattr__(self, name, positive_fraction(getattr(self, name), name))
        rates = [self.lambda_r, self.mu] + ([self.lambda_s] if self.system >= 2 else [])
        for name in ("lambda_s", "lambda_r", "mu"):
            if not Fraction(1, 10**150) <= getattr(self, name) <= 10**150:
                raise ValueError(f"{name} must lie between 1e-150 and 1e150, got "
                                 f"{short(getattr(self, name))}")
        if max(rates) / min(rates) > RATE_RATIO_MAX:
            raise ValueError(
                f"the collision rates differ by more than {RATE_RATIO_MAX:.0e} (lambda_s = "
                f"{float(self.lambda_s):.3g}, lambda_r = {float(self.lambda_r):.3g}, mu = "
                f"{float(self.mu):.3g}): the slow modes could not be told from the conserved "
                f"quantities at the kernel tolerance 1e-10")
        if self.reservoir > RESERVOIR_MAX:
            raise ValueError(f"reservoir must be at most {RESERVOIR_MAX:.0e} particles (the "
                             f"rates mu/N are floats), got {self.reservoir}")


# ----------------------------------------------------------------------------------------
# Initial states (polynomials in the scaled system velocities x, dict {exponents: coefficient})
# ----------------------------------------------------------------------------------------
def _mono(M: int, i: int, e: tuple) -> tuple:
    out = [0] * (3 * M)
    out[3 * i:3 * i + 3] = e
    return tuple(out)


def energy_state(M: int, epsilon) -> dict:
    """h_0 = 1 + eps sum_i ((2 pi/3)|v_i|^2 - 1) = 1 + eps sum_i (|x_i|^2/3 - 1)."""
    eps = Fraction(epsilon)
    h = {tuple([0] * 3 * M): 1 - eps * M}
    for i in range(M):
        for k in range(3):
            h[_mono(M, i, tuple(2 if j == k else 0 for j in range(3)))] = eps / 3
    return h


def quartic_state(M: int, epsilon) -> dict:
    """h_0 = 1 + eps sum_i (|x_i|^4 - 10 |x_i|^2 + 15)/15: the Wick product :|x_i|^4:/15, of pure
    Wick degree 4 (orthogonal to 1 and to the energy), |x|^2 = 2 pi |v|^2."""
    eps = Fraction(epsilon)
    h = {tuple([0] * 3 * M): 1 + eps * M}
    for i in range(M):
        for e in monomials(3, 4):
            if all(x % 2 == 0 for x in e):
                c = math.factorial(2) // math.prod(math.factorial(x // 2) for x in e)
                h[_mono(M, i, e)] = h.get(_mono(M, i, e), 0) + eps * c / 15
        for k in range(3):
            e = tuple(2 if j == k else 0 for j in range(3))
            h[_mono(M, i, e)] = h.get(_mono(M, i, e), 0) - eps * Fraction(10, 15)
    return h


INITIAL_STATES = {"energy": energy_state, "quartic": quartic_state}


def wick_components(poly: dict) -> dict:
    """Split a polynomial into Wick (Hermite) components: poly = sum_m :p_m:, p_m homogeneous.

    Uses x^n = sum_k C(n, 2k) (2k-1)!! He_{n-2k}(x) per variable.  Returns {m: {exps: coef}}.
    """
    out: dict = {}
    for e, c in poly.items():
        nz = [i for i, n in enumerate(e) if n]  # only the variables present (sparse in 3M)
        choices = [[(k, math.comb(e[i], 2 * k) * math.prod(range(1, 2 * k, 2)))
                    for k in range(e[i] // 2 + 1)] for i in nz]
        for pick in itertools.product(*choices):
            top_l = list(e)
            for i, (k, _) in zip(nz, pick, strict=True):
                top_l[i] -= 2 * k
            top = tuple(top_l)
            w = math.prod(f for _, f in pick)
            comp = out.setdefault(sum(top), {})
            comp[top] = comp.get(top, 0) + Fraction(c) * w
    out = {m: {k: v for k, v in comp.items() if v != 0} for m, comp in out.items()}
    return {m: comp for m, comp in out.items() if comp}


def _is_exchangeable(comp: dict, M: int) -> bool:
    """Symmetric under every permutation of the M system particles: the coefficient depends
    only on the multiset of the non-zero particle exponents, and every arrangement of that
    multiset is present (there are M!/((M - k)! prod mult!) of them for k non-zero parts).
    O(M) per monomial, not M! permutations."""
    groups: dict = {}
    for e, c in comp.items():
        parts = tuple(sorted(e[3 * i:3 * i + 3] for i in range(M) if any(e[3 * i:3 * i + 3])))
        g = groups.setdefault(parts, [c, 0])
        if g[0] != c:
            return False
        g[1] += 1
    for parts, (_, count) in groups.items():
        mult = math.prod(math.factorial(k) for k in _multiplicities(parts))
        if count != math.perm(M, len(parts)) // mult:
            return False
    return True


def _multiplicities(parts: tuple) -> list[int]:
    out: dict = {}
    for p in parts:
        out[p] = out.get(p, 0) + 1
    return list(out.values())


def _embed(comp: dict, M: int, sector: PolynomialSector, pooled: bool) -> np.ndarray:
    """Coefficient vector (basis e_lambda of ``sector``) of a system polynomial."""
    vec = np.zeros(len(sector))
    for e, c in comp.items():
        parts = [e[3 * i:3 * i + 3] for i in range(M)]
        el: tuple
        if pooled:
            el = (canonical_parts(parts), ())
        else:
            el = tuple((p,) if p != ZERO else () for p in parts) + ((),)
        vec[sector.index[el]] = float(c)
    return vec


def _check_polynomial(poly, nvars: int, name: str) -> None:
    """ValueError unless ``poly`` is a non-empty dict of exponent tuples of length ``nvars``."""
    if not isinstance(poly, dict) or not poly:
        raise ValueError(f"{name} must be a non-empty dict {{exponent tuple: coefficient}} "
                         f"(a polynomial in 3M = {nvars} variables), got {poly!r}")
    bad = [e for e in poly if not isinstance(e, tuple) or len(e) != nvars]
    if bad:
        got = len(bad[0]) if isinstance(bad[0], tuple) else type(bad[0]).__name__
        raise ValueError(f"{name} must be a polynomial in 3M = {nvars} variables (exponent "
                         f"tuples of length {nvars}), got the key {bad[0]!r} ({got})")


def _parity(e: tuple) -> tuple:
    return tuple(sum(e[k::3]) % 2 for k in range(3))


# ----------------------------------------------------------------------------------------
# Constants of the bound
# ----------------------------------------------------------------------------------------
def lemma1_constant(M: int, N: int) -> float:
    """C(M/N) = sqrt(3M/(3N-5)) + sqrt(((M+N)/N)^3 - 1) (seed 000, Lemma 1)."""
    return math.sqrt(3 * M / (3 * N - 5)) + math.sqrt(((M + N) / N) ** 3 - 1)


def thermostat_l(max_degree: int = 40) -> dict:
    """l = sqrt(sup (<u,Tu> - <Tu,Tu>)/<u,u>) over the spectrum of T (blocks |v|^{2n}Y_l,
    2n + l <= max_degree, exact eigenvalues of :func:`kac.thermostat_eigenvalue`); never above
    1/2 since tau - tau^2 <= 1/4.  Returns {"l", "tau", "block"}."""
    best = (Fraction(0), Fraction(1), (0, 0))
    for deg in range(1, max_degree + 1):
        for ll in range(deg % 2, deg + 1, 2):
            tau = thermostat_eigenvalue((deg - ll) // 2, ll)
            if tau * (1 - tau) > best[0]:
                best = (tau * (1 - tau), tau, ((deg - ll) // 2, ll))
    return {"l": math.sqrt(best[0]), "l2": best[0], "tau": best[1], "block": best[2],
            "max_degree": max_degree}


def _layout(M, N, k_sys, k_res):
    sys_pools = reduced_pools(M, k_sys)
    res_pools = reduced_pools(N, k_res)
    return sys_pools + res_pools, len(sys_pools)


def _normalised(problem: ReservoirProblem) -> tuple[ReservoirProblem, Fraction]:
    """(problem with the rates divided by rho = the largest rate, rho): L is linear in the
    rates, L(rates) = rho L(rates/rho), so spectra scale by rho and times by 1/rho."""
    rho = max(problem.lambda_s, problem.lambda_r, problem.mu)
    return ReservoirProblem(problem.system, problem.reservoir, problem.lambda_s / rho,
                            problem.lambda_r / rho, problem.mu / rho), rho


def _gap_layouts(M: int, N: int, degree: int) -> list:
    layouts = []
    seen = set()
    for m in range(1, degree + 1):
        for a in range(m + 1):
            pools, nsys = _layout(M, N, a, m - a)
            if (pools, m, nsys) not in seen:
                seen.add((pools, m, nsys))
                layouts.append((pools, m, nsys))
    return layouts


def reservoir_gap(problem: ReservoirProblem, degree: int = 3, max_modes: int = 4,
                  progress=None) -> ReservoirGapResult:
    """Spectral gap k of the R-system generator L = L_S + L_R + L_I on polynomials of degree
    <= ``degree`` (orthogonal complement of the functions of total energy and momentum).

    Symmetry: L commutes with S_M x S_N x O(3); the degree-m space holds irreducibles with
    (a, b) boxes below the first rows, a + b <= m, all caught by the layouts
    "min(a, M) labelled system particles + pool, min(m-a, N) labelled reservoir particles + pool"
    for a = 0..m.  The true gap over all of L^2 is at most the value returned.  Degree >= 3
    matters: for lambda_R = mu = 1 and N = 100 the degree <= 2 value is (mu/3)(1 + M/N)
    (momentum/energy exchange) but a degree-3 mode (reservoir heat flux) is slower.
    Computed with the rates divided by the largest one, eigenvalues scaled back exactly.
    ``progress``: callable() or None, called once per sector.

    Returns a :class:`kacspectral.kac.results.ReservoirGapResult`: ``k``, ``mode`` (a
    :class:`KacMode`), ``modes``, ``degree``, ``max_asymmetry``.
    """
    M, N = problem.system, problem.reservoir
    layouts = _gap_layouts(M, N, degree)
    unit, rho = _normalised(problem)

    def build(sec, nsys):
        g = range(len(sec.pools))
        return generator_matrix(sec, g[:nsys], g[nsys:], lambda_s=unit.lambda_s,
                                lambda_r=unit.lambda_r, mu=unit.mu, kind="R")

    modes, checks = spectrum_modes(layouts, build, max_modes,
                                   symmetric_layout=((M, N), 1), progress=progress)
    for m in modes:
        m["eigenvalue"] *= float(rho)
    found = tuple(KacMode.from_dict(m) for m in modes)
    return ReservoirGapResult(k=-found[0].eigenvalue, mode=found[0], modes=found,
                              degree=degree, max_asymmetry=float(checks["max_asymmetry"]))


def reservoir_cost(problem: ReservoirProblem, degrees, pooled: bool,
                   gap_degree: int | None) -> dict:
    """Estimated seconds and bytes of :func:`reservoir_distance` (cost model of
    :func:`kacspectral.kac.generators.gap_search_cost`): two generators (R and T) per sector
    of the Wick degrees of h_0, plus the gap search of degree ``gap_degree`` (None: none)."""
    M, N = problem.system, problem.reservoir
    pools = (M, N) if pooled else (1,) * M + (N,)
    if not pooled and M > 40:
        return {"seconds": math.inf, "bytes": math.inf, "max_dimension": math.inf}
    cost = gap_search_cost([(pools, m) for m in degrees])
    cost["seconds"] *= 2
    if gap_degree is not None:
        g = gap_search_cost(_gap_layouts(M, N, gap_degree))
        cost = {"seconds": cost["seconds"] + g["seconds"],
                "bytes": max(cost["bytes"], g["bytes"]),
                "max_dimension": max(cost["max_dimension"], g["max_dimension"])}
    return cost


def seed_bound(problem: ReservoirProblem, t, k: float, l: float, norm0: float) -> np.ndarray:
    """The seed's bound (module docstring) at times t, with b = mu l/(k - mu/3)."""
    t = np.asarray(t, dtype=float)
    M, N = problem.system, problem.reservoir
    mu, lam = float(problem.mu), float(problem.lambda_s) / 2 + float(problem.mu)
    C = lemma1_constant(M, N)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        first = C * (1 - np.exp(-lam * M * t))
        if abs(k - mu / 3) > 1e-12 * max(k, 1.0):
            # e^{-mu t/3} - e^{-k t} with the slower exponential factored out: no cancellation
            # at small t, and exp(-a t) expm1(-(b - a) t) -> 0 * (-1) (not 0 * inf) at huge t
            if k > mu / 3:
                diff = -np.exp(-mu * t / 3) * np.expm1(-(k - mu / 3) * t)
            else:
                diff = np.exp(-k * t) * np.expm1(-(mu / 3 - k) * t)
            second = mu * l / (k - mu / 3) * diff
        else:
            second = mu * l * t * np.exp(-k * t)
        second = np.where(np.isinf(t), 0.0, second)
    return (first + M / math.sqrt(N) * second) * norm0


# ----------------------------------------------------------------------------------------
# Exact distance
# ----------------------------------------------------------------------------------------
def _evolve(a: np.ndarray, y0: np.ndarray, times: np.ndarray, tol=1e-10,
            increment: bool = False) -> np.ndarray:
    """exp(a t) y0 (or, with ``increment``, (exp(a t) - I) y0, computed with expm1 so that it
    is accurate relative to its own size for small t) for symmetric negative semi-definite a
    (rows: times).

    Eigenvalues within ``tol`` max|w| of 0 (the kernel: conserved quantities) are set to
    exactly 0, so that exp(w t) is 1 on the kernel and underflows to 0 elsewhere for any huge
    finite t (t = 1e308 gives the t = inf limit, not 0 * inf = nan); t = inf keeps the kernel
    component."""
    with one_blas_thread():
        w, v = np.linalg.eigh(0.5 * (a + a.T))
    scale = float(np.max(np.abs(w))) if w.size else 0.0  # relative: rates of any size
    if np.any(w > tol * scale):
        raise RuntimeError(f"generator has a positive eigenvalue {np.max(w):.3e}")
    w = np.where(np.abs(w) <= tol * scale, 0.0, w)
    c = v.T @ y0
    out = np.empty((len(times), len(y0)))
    for i, t in enumerate(times):
        if np.isinf(t):
            f = np.where(w == 0.0, 0.0, -1.0)
        else:
            with np.errstate(under="ignore"):
                f = np.expm1(w * t)
        out[i] = v @ (f * c)
    return out if increment else out + y0[None, :]


def reservoir_distance(problem: ReservoirProblem, h0: dict, times, *, gap_degree: int = 3,
                       with_bound: bool = True, pool_system: bool | None = None,
                       max_seconds: float = MAX_SECONDS, max_bytes: float = MAX_BYTES,
                       progress=None) -> ReservoirDistanceResult:
    """Exact ||h_t - h~_t|| (module docstring) for a polynomial h_0 of the scaled system
    velocities, at the given times (``inf`` allowed: the limit R[h_0] - 1 vs 0; a huge finite
    t gives that limit too, every decay underflowing to 0).  The work is estimated first
    (:func:`reservoir_cost`) and refused (ValueError with the estimate) beyond ``max_seconds``
    or ``max_bytes``.

    Parameters
    ----------
    problem : ReservoirProblem
        ``M`` system and ``N`` reservoir particles and the collision rates ``lambda_S``,
        ``lambda_R``, ``mu`` (seed 000, section 2).
    h0 : dict
        The initial density ratio ``h_0 = f_0 / Gamma``: a polynomial ``{exponent tuple:
        coefficient}`` in the ``3M`` scaled system velocities ``x = sqrt(2 pi) v`` (standard
        normal under ``Gamma``; particle ``i`` owns the entries ``3i .. 3i+2``), with
        ``<h_0, 1> = 1`` (e.g. :func:`energy_state`, :func:`quartic_state`).  Coefficients are
        exact numbers (int, Fraction) or floats.
    times : float or array_like of float
        Times ``t >= 0`` in the units of the rates (``inf`` allowed: the long-time limit).
    gap_degree : int
        Integer ``>= 1``: the gap ``k`` of ``L`` for the bound is searched on the polynomial
        sectors of degree ``<= gap_degree`` (default 3; see the module docstring).
    with_bound : bool
        Also compute the seed's bound and its constants (default True).
    pool_system : bool, optional
        ``True``: one exchangeable pool of system particles (needs ``h_0`` symmetric under their
        permutations); ``False``: labelled particles; None (default): pooled when ``h_0`` is
        symmetric.
    max_seconds, max_bytes : float
        Limits of the estimated run time (seconds) and memory (bytes); defaults
        ``MAX_SECONDS``, ``MAX_BYTES`` of :mod:`kacspectral.kac.sectors`.
    progress : callable, optional
        ``progress()`` without arguments, called once per sector (of the distance, then of the
        gap search for the bound).

    Returns
    -------
    ReservoirDistanceResult
        ``distance`` (array over times) = ``||h_t - h~_t||`` in ``L^2(Gamma)``, ``norm0`` =
        ``||h_0 - 1||``, ``bound`` and the constants used (``C``, ``rate_lambda``, ``k``,
        ``k_mode``, ``l``, ``b``; None without ``with_bound``), the layout (``pools``,
        ``exchangeable_system``); see :class:`kacspectral.kac.results.ReservoirDistanceResult`.

    Raises
    ------
    ValueError
        If a time is negative or NaN, ``gap_degree`` is not an integer ``>= 1``, ``h0`` is not a
        normalised polynomial in ``3M`` variables (or ``pool_system=True`` with a non-symmetric
        ``h0``), its coefficients overflow floating point, or the estimated work exceeds
        ``max_seconds`` or ``max_bytes`` (the message gives the estimate).
    """
    M, N = problem.system, problem.reservoir
    times = np.atleast_1d(np.asarray(times, dtype=float))
    if np.any(times < 0) or np.any(np.isnan(times)):
        raise ValueError(f"times must be >= 0, got {times.tolist()}")
    if isinstance(gap_degree, bool) or not isinstance(gap_degree, int) or gap_degree < 1:
        raise ValueError(f"gap_degree must be an integer >= 1, got {short(gap_degree)}")
    _check_polynomial(h0, 3 * M, "h0")
    comps = wick_components(h0)
    if comps.get(0, {}).get(tuple([0] * 3 * M), 0) != 1:
        raise ValueError("h0 must be normalised: <h0, 1> = 1 (constant Wick component 1)")
    pooled = all(_is_exchangeable(c, M) for c in comps.values())
    if pool_system is not None:
        if pool_system and not pooled:
            raise ValueError("pool_system=True needs h0 symmetric in the system particles")
        pooled = bool(pool_system)
    check_cost(reservoir_cost(problem, [m for m in comps if m], pooled,
                              gap_degree if with_bound else None),
               f"reservoir_distance(M = {M}, N = {N}, degrees {sorted(comps)}, gap_degree "
               f"{gap_degree})", max_seconds, max_bytes)
    unit, rho = _normalised(problem)
    with np.errstate(over="ignore"):
        times_unit = times * float(rho)  # overflow to inf: the limit, as for a huge t
    pools = (M, N) if pooled else (1,) * M + (N,)
    sys_idx = (0,) if pooled else tuple(range(M))
    res_idx = (len(pools) - 1,)
    dist2 = np.zeros(len(times))
    norm02 = 0.0
    kw: dict[str, Any] = dict(lambda_s=unit.lambda_s, lambda_r=unit.lambda_r, mu=unit.mu)
    for m, comp in sorted(comps.items()):
        if m == 0:
            continue
        by_par: dict = {}
        for e, c in comp.items():
            by_par.setdefault(_parity(e), {})[e] = c
        for par, part in by_par.items():
            sec = PolynomialSector(pools, m, par)
            y0 = _embed(part, M, sec, pooled) * sec.scale
            norm02 += float(y0 @ y0)
            a_r = symmetrize(sec, generator_matrix(sec, sys_idx, res_idx, kind="R", **kw))
            a_t = symmetrize(sec, generator_matrix(sec, sys_idx, res_idx, kind="T", **kw))
            # (e^{L t} - I) h0 - (e^{L~ t} - I) h0: exactly 0 at t = 0, accurate for small t
            diff = (_evolve(a_r, y0, times_unit, increment=True)
                    - _evolve(a_t, y0, times_unit, increment=True))
            dist2 += np.sum(diff**2, axis=1)
            if progress is not None:
                progress()
    if not (np.all(np.isfinite(dist2)) and math.isfinite(norm02)):
        raise ValueError("h0 has coefficients too large for floating point (||h0 - 1||^2 "
                         "overflows); scale the amplitude down (the distance is linear in it)")
    fields: dict = {"times": times, "distance": np.sqrt(dist2), "norm0": math.sqrt(norm02),
                    "pools": pools, "exchangeable_system": pooled}
    if with_bound:
        gap = reservoir_gap(problem, gap_degree, max_modes=1, progress=progress)
        lres = thermostat_l()
        k, mu = gap.k, float(problem.mu)
        fields.update({
            "bound": seed_bound(problem, times, k, lres["l"], fields["norm0"]),
            "C": lemma1_constant(M, N), "rate_lambda": float(problem.lambda_s) / 2 + mu,
            "k": k, "k_mode": gap.mode, "k_degree": gap_degree, "l": lres["l"],
            "l_block": tuple(lres["block"]),
            "b": mu * lres["l"] / (k - mu / 3) if abs(k - mu / 3) > 1e-12 * mu else None,
        })
    return ReservoirDistanceResult(**fields)



@dataclass(frozen=True, eq=False)
class ReservoirSweepResult(ResultMixin):
    """:func:`reservoir_distance` of one initial state over several reservoir sizes (what
    ``kacspectral reservoir --output FILE`` saves; ``kacspectral.load(FILE)`` gives it back).

    problems, results : the problems (one per N) and their results, in the order given;
    initial, epsilon : the initial state (a key of :data:`INITIAL_STATES`) and its amplitude;
    exponent_in_N : fitted slope of log distance against log N per time (key ``str(t)`` or
        ``"inf"``; empty with fewer than 3 distinct N).
    """

    problems: tuple[ReservoirProblem, ...]
    results: tuple[ReservoirDistanceResult, ...]
    initial: str
    epsilon: Fraction
    exponent_in_N: dict[str, float] = field(default_factory=dict)

def energy_sector_distance(problem: ReservoirProblem, times, epsilon=1) -> np.ndarray:
    """Closed form for h_0 = energy_state(M, eps) (independent of the sector machinery).

    With S_v = sum_i :|x_i|^2:, S_w = sum_j :|w_j|^2: (||S_v||^2 = 6M), h_t = 1 + alpha S_v +
    beta S_w: L_I gives d alpha/dt = -(mu/3)(alpha - beta), d beta/dt = (mu M/(3N))(alpha -
    beta) (from |v_i*|^2 -> (2/3)|v_i|^2 + (1/3)|w_j|^2; L_S, L_R keep S_v, S_w), and
    h~_t = 1 + alpha_0 e^{-mu t/3} S_v.  alpha_0 = eps/3.
    """
    t = np.asarray(times, dtype=float)
    M, N, mu = problem.system, problem.reservoir, float(problem.mu)
    a0 = float(Fraction(epsilon)) / 3
    ainf = M * a0 / (M + N)
    with np.errstate(over="ignore"):
        decay = np.exp(-(mu / 3) * (1 + M / N) * t)
        alpha = ainf + (a0 - ainf) * decay
        beta = ainf - ainf * decay
        alpha_t = a0 * np.exp(-mu * t / 3)
    return np.sqrt(6 * M * (alpha - alpha_t) ** 2 + 6 * N * beta**2)



def expectations(problem: ReservoirProblem, h0: dict, observables: dict, times,
                 kind: str = "R") -> dict:
    """Exact E[phi](t) = <phi, h_t> (R-system, kind "R") or <phi, h~_t> (T-system, "T") for
    polynomial observables phi of the scaled system velocities (dict name -> polynomial in
    3M variables), at the given times.  Used to check :mod:`kacspectral.kac.montecarlo`.

    <phi, h_t> = sum_m <:phi_m:, :p_m(t):>, the Fischer product of Wick components.
    """
    if kind not in ("R", "T"):
        raise ValueError(f"kind must be 'R' or 'T', got {kind!r}")
    M, N = problem.system, problem.reservoir
    times = np.atleast_1d(np.asarray(times, dtype=float))
    pools = (1,) * M + (N,)
    _check_polynomial(h0, 3 * M, "h0")
    comps = wick_components(h0)
    out = {}
    kw: dict[str, Any] = dict(lambda_s=problem.lambda_s, lambda_r=problem.lambda_r, mu=problem.mu)
    cache: dict = {}
    for name, phi in observables.items():
        _check_polynomial(phi, 3 * M, f"observable {name!r}")
        val = np.zeros(len(times))
        for m, pcomp in wick_components(phi).items():
            if m == 0:
                val += float(pcomp[tuple([0] * 3 * M)]) * float(
                    comps.get(0, {}).get(tuple([0] * 3 * M), 0))
                continue
            if m not in comps:
                continue
            for par in {_parity(e) for e in pcomp}:
                hpart = {e: c for e, c in comps[m].items() if _parity(e) == par}
                if not hpart:
                    continue
                key = (m, par)
                if key not in cache:
                    sec = PolynomialSector(pools, m, par)
                    a = symmetrize(sec, generator_matrix(sec, tuple(range(M)), (M,), kind=kind,
                                                         **kw))
                    y0 = _embed(hpart, M, sec, False) * sec.scale
                    cache[key] = (sec, _evolve(a, y0, times))
                sec, yt = cache[key]
                ph = _embed({e: c for e, c in pcomp.items() if _parity(e) == par}, M, sec,
                            False) * sec.scale
                val += yt @ ph
        out[name] = val
    return out

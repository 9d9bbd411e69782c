"""Spectral gaps of the N-particle Kac generators on their exact polynomial sectors.

Seed 000 (Bonetto, Popa, Powell, Chen, Tung, 2025), section 2; conventions page, section 6.
The sectors and the generator matrices are those of :mod:`kacspectral.kac.generators` (Wick
degree, per-axis parity, exchangeable pools).  :func:`spectrum_modes` finds the slowest
non-conserved modes of a family of sector generators: on each sector the symmetrised matrix
(self-adjointness checked) with its kernel -- the :func:`invariant_count` functions of the
conserved momentum and energy -- removed, dense or by Lanczos
(:mod:`kacspectral.kac.eigen`); the spins of each mode from the Casimir of the total angular
momentum, and whether it lives in the fully permutation-symmetric sector.  :func:`kac_gap` is
the gap of L_S (the claim Delta_N = (4/15) lambda_S N/(N-1)); the finite-reservoir gap k is
:func:`kacspectral.kac.finite_reservoir.reservoir_gap`.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from fractions import Fraction

import numpy as np

from kacspectral.errors import short
from kacspectral.kac.eigen import DENSE_MAX, top_eigenpairs
from kacspectral.kac.generators import (
    casimir_matrix,
    generator_matrix,
    symmetrize,
)
from kacspectral.kac.results import KacGapResult, KacMode
from kacspectral.kac.sectors import (
    MAX_BYTES,
    MAX_SECONDS,
    PolynomialSector,
    check_cost,
    gap_search_cost,
)
from kacspectral.kac.tables import monomials
from kacspectral.physics.reservoirs import positive_fraction

__all__ = [
    "PARITIES",
    "invariant_count",
    "kac_gap",
    "reduced_pools",
    "spectrum_modes",
]

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


def reduced_pools(n: int, k: int) -> tuple:
    """The pool sizes of ``k`` labelled particles and one exchangeable pool of the other
    ``n - k`` (``k`` is capped at ``n``): the layout of :func:`kac_gap` at degree ``k``, which
    carries every eigenvalue of a degree-``k`` sector of ``n`` particles."""
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
    lam = positive_fraction(lambda_s, "lambda_s")
    if not 1e-300 <= float(lam) <= 1e300:
        raise ValueError(f"lambda_s must be between 1e-300 and 1e300 (rates are floats "
                         f"then), got {short(lam)}")
    layouts = [(reduced_pools(n, m), m, None) for m in range(1, degree + 1)]
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

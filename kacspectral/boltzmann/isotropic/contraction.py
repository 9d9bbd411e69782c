"""Contraction of the Picard sequence in the GTW distance (seed 003, Lemma 1.2 and Theorem 1.3).

``Phi`` contracts the GTW distance (:mod:`kacspectral.boltzmann.gtw`) with constant
``lambda = (1-gamma) + gamma beta``, ``beta = (1/4) int (1+s) b(s) ds`` (conventions page,
section 4; the seed writes ``1 - gamma [1/2 - (1/4) int s b(s) ds]``, the same number).  Hence
for the Picard sequence ``f_0 = R``, ``f_n = Phi(f_{n-1})`` and the NESS ``f_inf``:

    d(f_n, f_inf) <= lambda^n d(f_0, f_inf) <= lambda^n / (1 - lambda) d(Phi R, R).

:func:`picard_contraction` computes the left side for ``n = 0..n_max`` (iterates and the NESS in
the same Laguerre basis and truncation, :mod:`kacspectral.boltzmann.isotropic.ness`), the bound,
and the observed
geometric rate: ``exp`` of the least-squares slope of ``log d(f_n, f_inf)`` over the second half
of the range (after the transient).  The observed rate is typically below ``lambda``: the energy
is the mode that contracts at ``lambda``, and it is exact from the start (``m_2[f_n] = m_2[R]``),
so the slowest active mode is the fourth moment (Taylor rate
``(1-gamma)(B_20 + B_02) + gamma B_20``, returned as ``fourth_moment_rate``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kacspectral.boltzmann.gtw import gtw_distance_coefficients
from kacspectral.boltzmann.isotropic.limits import check_picard_contraction
from kacspectral.boltzmann.isotropic.ness import (
    NessProblem,
    NessResult,
    picard_iterates,
    solve_ness,
)
from kacspectral.errors import ConvergenceError, short
from kacspectral.results import ResultMixin

__all__ = ["ContractionReport", "picard_contraction"]


@dataclass(frozen=True)
class ContractionReport(ResultMixin):
    """Picard contraction data.

    Attributes
    ----------
    lam : float
        ``lambda = (1-gamma) + gamma beta``.
    d_phi_r_r : float
        ``d(Phi R, R)``.
    n : tuple of int
    distance : tuple of float
        ``d(f_n, f_inf)``.
    bound : tuple of float
        ``lambda^n / (1-lambda) d(Phi R, R)``.
    observed_rate : float
        Fitted geometric rate of ``d(f_n, f_inf)`` (NaN when fewer than two distances lie
        above the rounding floor; saved files encode it as ``{"__type__": "float", "value":
        "nan"}``).
    fit_range : tuple of int
        ``(n_first, n_last)`` used in the fit.
    fourth_moment_rate : float
        ``(1-gamma)(B_20 + B_02) + gamma B_20``, the linear rate of the ``k^4`` Taylor mode.
    """

    lam: float
    d_phi_r_r: float
    n: tuple[int, ...]
    distance: tuple[float, ...]
    bound: tuple[float, ...]
    observed_rate: float
    fit_range: tuple[int, int]
    fourth_moment_rate: float

    @property
    def bound_holds(self) -> bool:
        """Whether ``d(f_n, f_inf) <= bound_n`` for every tabulated ``n``."""
        return all(d <= b for d, b in zip(self.distance, self.bound, strict=True))

    def table(self) -> list[dict]:
        """Rows ``{"n", "distance", "bound"}`` (JSON-ready)."""
        return [
            {"n": n, "distance": d, "bound": b}
            for n, d, b in zip(self.n, self.distance, self.bound, strict=True)
        ]


def picard_contraction(
    problem: NessProblem,
    n_max: int = 30,
    truncation: int | None = None,
    tol: float = 1e-14,
    ness: NessResult | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ContractionReport:
    """``d(f_n, f_inf)`` along the Picard sequence from ``f_0 = R``, with the seed's bound.

    ``f_inf`` from the Newton solver, the iterates from the same (normalised) Picard map, both in
    the same basis; distances by :func:`kacspectral.boltzmann.gtw.gtw_distance_coefficients`.  The
    fit
    uses ``n`` in ``[n_max // 2, n_max]`` restricted to distances above ``1e-11 d(f_0, f_inf)``
    (below that, rounding dominates).  Pass ``ness`` (a :class:`NessResult` of the same
    problem) to reuse an already computed steady state and its truncation (no second solve,
    no second truncation warning).  ``progress(done, total)`` is called as the iterates and the
    distances are computed (``total = 2 n_max + 2``).

    The bound uses ``1 - lambda = gamma (1 - beta)`` computed directly (``lambda`` itself rounds
    to 1 for ``gamma < 1e-16``), so very weak couplings get a finite (large) bound.

    Parameters
    ----------
    problem : NessProblem
        The steady-state problem (seed 003, eq. (1.4)): ``gamma``, reservoir ``R``, kernel.
    n_max : int
        Last Picard index, an integer ``>= 2`` (default 30); distances for ``n = 0 .. n_max``.
    truncation : int, optional
        Laguerre truncation ``K`` (as in :func:`~kacspectral.boltzmann.isotropic.ness.solve_ness`);
        ignored when ``ness`` is given (its truncation is used).
    tol : float
        Tolerance of the Newton solve of ``f_inf`` and of the automatic truncation (default
        ``1e-14``).
    ness : NessResult, optional
        An already computed steady state of the same ``problem`` (same ``gamma``, reservoir and
        kernel), reused instead of a second solve.
    progress : callable, optional
        ``progress(done, total)``, called as the work advances.

    Returns
    -------
    ContractionReport
        ``lambda``, ``d(Phi R, R)``, the distances ``d(f_n, f_inf)`` and the bounds
        ``lambda^n d(Phi R, R)/(1 - lambda)`` for ``n = 0 .. n_max``, the observed geometric
        rate with its fit range, and the fourth-moment rate.

    Raises
    ------
    ValueError
        ``n_max`` not an integer ``>= 2``, ``ness`` the steady state of another problem, or a
        bound ``d(Phi R, R)/(1 - lambda)`` beyond the float range (``gamma`` below about
        1e-300); bad ``tol`` or ``truncation`` as in ``solve_ness``.
    BudgetError
        (a ValueError) If ``n_max`` and ``K`` are beyond the memory/time budget
        (:func:`kacspectral.boltzmann.isotropic.limits.estimate_picard_contraction`).
    ConvergenceError
        If the computed iterates and steady state do not share mass and energy (a numerical
        failure; the maps impose both).
    """
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or n_max < 2:
        raise ValueError(f"n_max must be an integer >= 2, got {short(n_max)}")
    known_k = ness.truncation if ness is not None else truncation
    if known_k is not None:  # cheap refusal before any solve
        check_picard_contraction(n_max, known_k)
    if ness is None:
        ness = solve_ness(problem, method="newton", tol=tol, truncation=truncation)
    elif not (
        ness.problem.gamma == problem.gamma
        and ness.problem.reservoir == problem.reservoir
        and ness.problem.kernel.name == problem.kernel.name
    ):
        raise ValueError(
            f"ness is the steady state of another problem ({ness.problem.describe()}), "
            f"expected {problem.describe()}"
        )
    check_picard_contraction(n_max, ness.truncation)
    n_max = int(n_max)
    total = 2 * n_max + 2

    def _steps(done: int, _n: int) -> None:
        if progress is not None:
            progress(done, total)

    seq, t_ref, K = picard_iterates(
        problem, n_max, truncation=ness.truncation, tol=tol, check_truncation=False,
        progress=_steps,
    )
    a_inf = ness.coefficients
    try:
        dist = []
        for a in seq:
            dist.append(gtw_distance_coefficients(a, a_inf, t_ref).distance)
            _steps(n_max + len(dist), total)
        d0 = gtw_distance_coefficients(seq[1], seq[0], t_ref).distance
        _steps(total, total)
    except ValueError as exc:
        # the iterates and the NESS are computed, not given: unequal moments are a numerical
        # failure (both maps impose mass and energy), not bad input
        raise ConvergenceError(
            f"Picard contraction: the computed states do not share mass and energy "
            f"(gamma = {problem.gamma}, K = {K}): {exc}"
        ) from exc
    lam = problem.lam
    gap = float(problem.gamma) * (1.0 - problem.kernel.beta)  # 1 - lambda, no cancellation
    log_lam = math.log1p(-gap)
    with np.errstate(over="ignore"):
        bound = [math.exp(n * log_lam) * (d0 / gap) for n in range(n_max + 1)]
    if not all(math.isfinite(b) for b in bound):
        raise ValueError(
            f"gamma = {short(problem.gamma)} is too small for the contraction bound: "
            f"d(Phi R, R)/(1 - lambda) = {short(d0)}/{short(gap)} leaves the float range")
    n_lo = n_max // 2
    idx = [n for n in range(n_lo, n_max + 1) if dist[n] > 1e-11 * dist[0]]
    if len(idx) >= 2:
        slope = np.polyfit(np.array(idx, float), np.log([dist[n] for n in idx]), 1)[0]
        rate = math.exp(slope)
    else:
        rate = float("nan")
    kern, g = problem.kernel, float(problem.gamma)
    rate4 = (1 - g) * (kern.B(2, 0) + kern.B(0, 2)) + g * kern.B(2, 0)
    return ContractionReport(
        lam=lam,
        d_phi_r_r=d0,
        n=tuple(range(n_max + 1)),
        distance=tuple(dist),
        bound=tuple(bound),
        observed_rate=rate,
        fit_range=(idx[0], idx[-1]) if idx else (n_lo, n_max),
        fourth_moment_rate=rate4,
    )

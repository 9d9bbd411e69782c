"""What the isotropic NESS computations can represent, and what they cost (issue 8, item 3).

Every public entry point of :mod:`kacspectral.boltzmann.isotropic` checks its arguments here
before it starts work:

* **Tolerance.**  ``tol`` must lie in ``[MIN_TOL, MAX_TOL] = [2.2e-16, 1e-2]``: above ``1e-2``
  the "converged" state is not a steady state to any useful accuracy (``ness --tol 10`` gave
  ``m_4 = 1.944`` against the exact ``65/36 = 1.806``); below the double-precision rounding unit
  no solver can reach it.
* **Temperature ratio.**  The NESS is a mixture of Maxwellians with temperatures in
  ``[T_min, T_max]`` (seed 003), so its Laguerre coefficients decay like ``rho^n`` with
  ``rho = (sqrt T_max - sqrt T_min)/(sqrt T_max + sqrt T_min)`` (module docstring of
  :mod:`kacspectral.boltzmann.isotropic.ness`).  Reaching ``tol`` needs about
  ``K = log(tol)/log(rho)`` modes (:func:`estimate_truncation`; ``log rho`` computed as
  ``log1p(-x) - log1p(x)``, ``x = sqrt(T_min/T_max)``, so it stays accurate when ``rho``
  rounds to 1).  The truncation is capped at ``K = 200``; when even that leaves
  ``rho^200 > 1e-2`` (a temperature ratio above about 7500) no answer is possible and the
  input is refused (:func:`check_representable`); between the two, the solver runs and warns
  (:class:`~kacspectral.errors.TruncationWarning`; the CLI then exits with status 1).
* **Work.**  :func:`estimate_picard_contraction` and :func:`estimate_exact_moments` count the
  operations and bytes of :func:`~kacspectral.boltzmann.isotropic.contraction.picard_contraction`
  and :func:`~kacspectral.boltzmann.isotropic.exact.exact_moments`;
  :func:`kacspectral.errors.check_budget` refuses more than 8 GiB or an hour.
"""

from __future__ import annotations

import math

import numpy as np

from kacspectral.errors import OPERATIONS_PER_SECOND, check_budget, format_seconds, short

__all__ = [
    "GTW_DISTANCE_SECONDS",
    "HOPELESS_DECAY",
    "MAX_EXACT_MOMENT_ORDER",
    "MAX_TOL",
    "MIN_TOL",
    "check_exact_moment_order",
    "check_picard_contraction",
    "check_representable",
    "check_solver",
    "check_tolerance",
    "estimate_exact_moments",
    "estimate_picard_contraction",
    "estimate_solve",
    "estimate_truncation",
    "input_digits",
    "log_rho",
]

#: Largest solver tolerance accepted.
MAX_TOL = 1e-2
#: Smallest solver tolerance accepted (the double-precision rounding unit).
MIN_TOL = float(np.finfo(float).eps)
#: ``rho^K`` above which the truncation ``K`` cannot represent the steady state at all.
HOPELESS_DECAY = 1e-2
#: Seconds per GTW distance of :func:`kacspectral.boltzmann.gtw.gtw_distance_coefficients`
#: (600-point grid plus refinement; measured 0.02-0.1 s on the reference machine depending on
#: its load, see validation/cli_limits.py).
GTW_DISTANCE_SECONDS = 0.05
#: Highest ``n_max`` of :func:`~kacspectral.boltzmann.isotropic.exact.exact_moments`: the
#: rationals grow by about 4 digits per order, and the recursion costs ~``n^2`` products of
#: them (``n_max = 400`` about a minute; :func:`estimate_exact_moments`).
MAX_EXACT_MOMENT_ORDER = 400


def check_tolerance(tol: object, name: str = "tol") -> float:
    """``tol`` as a float in ``[MIN_TOL, MAX_TOL]``, else ValueError naming ``name``."""
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {short(tol)}")
    t = float(tol)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"{name} must be a positive number, got {short(tol)}")
    if t > MAX_TOL:
        raise ValueError(
            f"{name} = {short(t)} is too loose: at most {MAX_TOL:g} (a looser 'steady state' is "
            f"not one to any useful accuracy)")
    if t < MIN_TOL:
        raise ValueError(
            f"{name} = {short(t)} is below the double-precision rounding unit {MIN_TOL:.3g}: "
            f"no solver can reach it")
    return t


def log_rho(t_min: float, t_max: float) -> float:
    """``log rho``, ``rho = (sqrt T_max - sqrt T_min)/(sqrt T_max + sqrt T_min)``, accurate even
    when ``rho`` rounds to 1 (``log1p(-x) - log1p(x)``, ``x = sqrt(T_min/T_max)``) and when
    the temperatures are close (``rho = (T_max - T_min)/(sqrt T_max + sqrt T_min)^2``).

    ``-inf`` for equal temperatures (a single Maxwellian: one mode is exact).
    """
    lo, hi = float(t_min), float(t_max)
    x = math.sqrt(lo / hi) if hi > 0 else 0.0
    if x >= 1.0 or lo == hi:
        return -math.inf
    if x > 0.5:  # close temperatures: rho = (T_max - T_min)/(sqrt T_max + sqrt T_min)^2
        return math.log(hi - lo) - 2.0 * math.log(math.sqrt(hi) + math.sqrt(lo))
    return math.log1p(-x) - math.log1p(x)


def estimate_truncation(t_min: float, t_max: float, tol: float) -> float:
    """Modes ``K = log(tol)/log(rho)`` needed for coefficients ``rho^K <= tol`` (a float: it
    may be far beyond any feasible truncation, e.g. ``1.7e151`` for ``T_max/T_min = 1e300``)."""
    lr = log_rho(t_min, t_max)
    if lr == -math.inf:
        return 0.0
    if lr == 0.0:
        return math.inf
    return math.log(float(tol)) / lr


def check_representable(t_min: float, t_max: float, tol: float, k_max: int) -> None:
    """Refuse temperatures whose steady state no truncation ``K <= k_max`` can represent.

    Raises ValueError (with the needed ``K``) when ``rho^k_max > HOPELESS_DECAY``.
    """
    lr = log_rho(t_min, t_max)
    decay = math.exp(k_max * lr) if lr > -math.inf else 0.0
    if decay > HOPELESS_DECAY:
        need = estimate_truncation(t_min, t_max, tol)
        raise ValueError(
            f"the reservoir temperatures T_min = {short(t_min)}, T_max = {short(t_max)} (ratio "
            f"{short(float(t_max) / float(t_min))}) are beyond the Laguerre truncation: the "
            f"coefficients decay like rho^n with rho = 1 - {short(-math.expm1(lr))}, so tol = "
            f"{short(tol)} needs K = {short(math.ceil(need) if math.isfinite(need) else need)} "
            f"modes, but at most K = {k_max} is possible (rho^{k_max} = {decay:.3g} > "
            f"{HOPELESS_DECAY:g}); use temperatures with T_max/T_min below about "
            f"{_ratio_limit(k_max):.3g}")


def _ratio_limit(k_max: int) -> float:
    """Largest ``T_max/T_min`` with ``rho^k_max <= HOPELESS_DECAY``."""
    r = HOPELESS_DECAY ** (1.0 / k_max)
    x = (1 - r) / (1 + r)
    return 1.0 / (x * x)


#: Dense ``(K+1)^3`` operations per iteration of each solver (the Galerkin map; Newton adds
#: the Jacobian and an LU solve).
SOLVER_OPERATIONS = {"picard": 2.0, "anderson": 2.2, "newton": 4.7}


def estimate_solve(method: str, max_iter: int, K: int) -> dict:
    """Upper bound on the work of :func:`~kacspectral.boltzmann.isotropic.ness.solve_ness`:
    ``max_iter`` iterations of :data:`SOLVER_OPERATIONS` ``(K+1)^3`` operations each.  (Every
    solver converges much sooner in practice -- Picard in 40-80 iterations even for
    ``gamma -> 0``, because the energy is imposed and the slowest active mode is the fourth
    moment, not the ``lambda`` of the contraction.)  Returns ``{"iterations", "seconds"}``.
    """
    k1 = int(K) + 1
    its = int(max_iter)
    return {"iterations": its,
            "seconds": its * SOLVER_OPERATIONS.get(method, 4.7) * k1**3 / OPERATIONS_PER_SECOND}


def check_solver(method: str, max_iter: int, K: int) -> None:
    """Refuse a solve whose worst case (``max_iter`` iterations) exceeds the time budget."""
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {short(max_iter)}")
    est = estimate_solve(method, max_iter, K)
    check_budget(f"solve_ness(method='{method}', max_iter={short(max_iter)}, K={K})",
                 seconds=est["seconds"], hint="lower max_iter or the truncation")


def estimate_picard_contraction(n_max: int, K: int) -> dict:
    """Cost of :func:`~kacspectral.boltzmann.isotropic.contraction.picard_contraction`.

    ``n_max`` applications of the Galerkin map (a dense ``(K+1)^3`` contraction each),
    ``n_max + 2`` GTW distances (:data:`GTW_DISTANCE_SECONDS` each), and ``n_max + 1`` stored
    iterates of ``K + 1`` floats (plus 112 bytes of array header).

    Returns ``{"map_applications", "distances", "bytes", "seconds"}``.
    """
    n, k1 = int(n_max), int(K) + 1
    ops = n * 2 * k1**3
    return {
        "map_applications": n,
        "distances": n + 2,
        "bytes": (n + 1) * (8 * k1 + 112),
        "seconds": ops / OPERATIONS_PER_SECOND + (n + 2) * GTW_DISTANCE_SECONDS,
    }


def check_picard_contraction(n_max: int, K: int) -> None:
    """Refuse ``n_max`` Picard steps beyond the memory or time budget (with the estimate)."""
    est = estimate_picard_contraction(n_max, K)
    check_budget(
        f"the Picard contraction table with n_max = {short(n_max)} steps (K = {K})",
        nbytes=est["bytes"], seconds=est["seconds"],
        hint="the distances reach rounding after a few hundred steps; use fewer steps")


def estimate_exact_moments(n_max: int, input_digits: int = 0) -> dict:
    """Cost of :func:`~kacspectral.boltzmann.isotropic.exact.exact_moments` up to ``m_{2 n_max}``.

    The recursion takes ``sum_{n<=N} 2n ~ N^2`` products of rationals whose size grows by about
    ``4.2 + input_digits`` decimal digits per order (measured: 505 digits at ``N = 120`` for
    the default problem, whose inputs have 2-3 digits; ``input_digits`` is the largest
    numerator-plus-denominator length of gamma, the weights and the temperatures beyond that).
    Returns ``{"products", "digits", "seconds"}``; ``seconds = products * digits / 5e6``
    (measured 0.16 s and 0.73 s at ``N = 60, 120``: the estimate is 1.2-2 times that).
    """
    n = int(n_max)
    products = n * (n + 1)
    digits = (4.2 + max(int(input_digits), 0)) * n + 10
    return {"products": products, "digits": digits, "seconds": products * digits / 5e6}


def check_exact_moment_order(n_max: object, input_digits: int = 0) -> int:
    """``n_max`` as an int in ``0..MAX_EXACT_MOMENT_ORDER`` whose estimated cost is within the
    time budget, else ValueError with the estimate."""
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or n_max < 0:
        raise ValueError(f"n_max must be a non-negative integer, got {short(n_max)}")
    n = int(n_max)
    est = estimate_exact_moments(n, input_digits)
    what = (f"n_max = {short(n)} exact moments ({est['products']:.3g} products of "
            f"{est['digits']:.3g}-digit rationals)")
    if n > MAX_EXACT_MOMENT_ORDER:
        raise ValueError(f"{what} is beyond the limit n_max <= {MAX_EXACT_MOMENT_ORDER} "
                         f"(about {format_seconds(est['seconds'])})")
    check_budget(what, seconds=est["seconds"],
                 hint="use inputs with fewer digits (e.g. 1/6 rather than 0.1666666667)")
    return n


def input_digits(*values: object) -> int:
    """Largest ``len(numerator) + len(denominator)`` over exact rationals, minus 3 (the size of
    the default problem's inputs, already in the 4.2 digits per order)."""
    sizes = [len(str(abs(v.numerator))) + len(str(v.denominator)) for v in values
             if hasattr(v, "numerator") and hasattr(v, "denominator")]
    return max([0] + [s - 3 for s in sizes])

"""``kacspectral bkw``: the Hermite-Bobylev collision operator on the exact BKW solution.

Computes ``Q(f, f)`` for ``f = f_BKW(t)`` (conventions page, section 5) in a truncated
Hermite/Burnett space and reports max errors on the standard grid (``N^3`` points on
``[-8.83, 8.83]^3``) against the exact ``f`` and ``df/dt``, the time per evaluation and the
set-up time; optionally evolves ``df/dt = Q(f, f)`` to ``--t-end`` (scipy's DOP853) and compares
with the exact solution.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.boltzmann.anisotropic.collision_tensor import estimate_apply_seconds
from kacspectral.errors import ConvergenceError, check_budget, short
from kacspectral.physics.bkw import BKW, STANDARD_BOX, STANDARD_POINTS, standard_grid

from ._common import (
    Progress,
    add_kernel_option,
    check_finite,
    emit_json,
    non_negative_int,
    number,
    positive_int,
    report_warnings,
)
from ._grid import add_grid_options, bkw_grid_main, reject_grid_options

COMMAND = "bkw"
HELP = "collision operator on the exact BKW solution: errors on the standard grid and timing"


def _l_max(text: str) -> int | None:
    if text.strip().lower() in ("none", "all"):
        return None
    return non_negative_int(text)


def _temperature(text: str) -> str | object:
    if text.strip().lower() == "auto":
        return "auto"
    return number(text)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--t", type=number, default=number("6.5"),
                        help="time of the BKW solution (default: 6.5)")
    parser.add_argument("--t-end", type=number, default=None,
                        help="also evolve df/dt = Q(f,f) from --t to this time and compare")
    parser.add_argument("--degree", type=non_negative_int, default=8,
                        help="total polynomial degree K of the truncation (default: 8)")
    parser.add_argument("--l-max", type=_l_max, default=None,
                        help="harmonic truncation l <= l_max, or 'none' (default: none)")
    parser.add_argument("--temperature", type=_temperature, default="auto",
                        help="reference temperature T_ref, or 'auto': the midpoint rule of "
                        "HermiteSpace.choose_temperature over K(t) (and K(t_end)) (default: auto)")
    parser.add_argument("--A0", type=number, default=number("-1/2"),
                        help="A(0) in A(t) = A0 exp(-lambda t), in [-1/2, 0) (default: -1/2)")
    add_kernel_option(parser)
    parser.add_argument("--grid", type=positive_int, default=STANDARD_POINTS,
                        help=f"grid points per axis (default: {STANDARD_POINTS})")
    parser.add_argument("--box", type=number, default=number(str(STANDARD_BOX)),
                        help=f"half-width L of the grid [-L, L)^3 (default: {STANDARD_BOX})")
    parser.add_argument("--repeat", type=positive_int, default=20,
                        help="evaluations timed for seconds_per_evaluation (default: 20)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--method", choices=["hermite", "grid"], default="hermite",
                        help="hermite (default) or grid: the fast spectral solver on the N^3 grid")
    add_grid_options(parser, sphere_default=3)


def run(args: argparse.Namespace) -> int:
    if args.method == "grid":
        return bkw_grid_main(args)
    reject_grid_options(args)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        payload = compute(args)
    payload["warnings"] = report_warnings(rec)  # one 'kacspectral: warning:' line each, stderr
    check_finite(payload)
    if args.json:
        emit_json(payload)
        return 0
    tr = payload["truncation"]
    print(f"BKW at t = {payload['t']}  (A0 = {payload['A0']}, kernel {payload['kernel']}, "
          f"rate lambda = {payload['rate']:.12g}, K(t) = {payload['K_t']:.12g})")
    print(f"truncation: degree {tr['degree']}, l_max {tr['l_max']}, T_ref {tr['temperature']:.12g}"
          f", {tr['size']} coefficients, tensor nnz {payload['nnz']}")
    rows = [
        ("max |Q_h - df/dt| on grid", f"{payload['q_max_error']:.3e}"),
        ("max |f_h - f| on grid", f"{payload['f_max_error']:.3e}"),
        ("max coefficient error of Q", f"{payload['coefficient_error']:.3e}"),
        ("seconds per evaluation", f"{payload['seconds_per_evaluation']:.3e}"),
        ("set-up seconds", f"{payload['setup_seconds']:.3e}"),
    ]
    if "evolution" in payload:
        ev = payload["evolution"]
        rows.append((f"max |f_h - f| at t_end = {ev['t_end']}", f"{ev['f_max_error']:.3e}"))
    width = max(len(r[0]) for r in rows)
    for name, val in rows:
        print(f"  {name:<{width}}  {val}")
    return 0


def exact_representation(space: HermiteSpace, k_t: float) -> bool:
    """Whether BKW at ``K(t) = k_t`` lies exactly in ``space``: ``T_ref = K(t)`` (to 4 ulp) and
    degree ``>= 4`` (``f`` is ``M_K`` times a quadratic, ``df/dt`` ``M_K`` times a quartic)."""
    return bool(abs(space.temperature - k_t) <= 4 * np.finfo(float).eps * k_t
                and space.degree >= 4)


#: Peak bytes per grid point of the error evaluation (the grid, its scaled copy, the
#: truncated and exact densities and their difference): measured 88-124 B at 100^3-128^3
#: points with tracemalloc (tests/test_cli_hardening.py checks the bound).
GRID_BYTES_PER_POINT = 100
#: Working memory of one chunk of :meth:`HermiteSpace.density` (4e6 values, two arrays).
GRID_CHUNK_BYTES = 64e6


def estimate_grid_bytes(points_per_axis: int) -> float:
    """Peak memory of the error evaluation on ``N^3`` points: ``100 N^3 + 64e6`` bytes (an
    upper bound of the tracemalloc peak within a factor 1.5)."""
    return GRID_BYTES_PER_POINT * float(points_per_axis) ** 3 + GRID_CHUNK_BYTES


def estimate_evolution_evaluations(span: float) -> float:
    """Right-hand-side evaluations of DOP853 (rtol 1e-13) over ``span`` time units:
    ``1000 + 2 span`` -- the step settles at the explicit stability limit, measured 422, 926
    and 1970 evaluations for spans 10, 100 and 1000 at degrees 4-12 (an upper bound)."""
    return 1000 + 2 * float(span)


def check_grid(args: argparse.Namespace) -> None:
    """Refuse ``--grid`` beyond the memory budget (before anything is allocated)."""
    check_budget(f"bkw --grid {args.grid} ({args.grid}^3 points)",
                 nbytes=estimate_grid_bytes(args.grid),
                 hint=f"the default --grid {STANDARD_POINTS} is the standard grid")


def check_repeat(args: argparse.Namespace, space: HermiteSpace, even_kernel: bool) -> None:
    """Refuse ``--repeat`` timed evaluations beyond the time budget."""
    per = estimate_apply_seconds(space.degree, space.l_max, even_kernel)
    check_budget(f"bkw --repeat {short(args.repeat)} (timed evaluations)",
                 seconds=args.repeat * per, hint="a few tens of evaluations time it well")


def compute(args: argparse.Namespace) -> dict:
    """The work of the command, returning the JSON payload (without versions)."""
    t = float(args.t)
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"--t must be a number >= 0, got {short(args.t)}")
    if not np.isfinite(float(args.box)) or args.box <= 0:
        raise ValueError(f"--box must be a positive number, got {short(args.box)}")
    bkw = BKW(A0=float(args.A0), kernel=args.kernel)
    times = [t]
    if args.t_end is not None:
        t_end = float(args.t_end)
        if not t_end > t:
            raise ValueError(f"--t-end must be larger than --t = {t}, got {short(args.t_end)}")
        times.append(t_end)
    if args.temperature == "auto":
        tref = HermiteSpace.choose_temperature([bkw.K(x) for x in times])
    else:
        tref = float(args.temperature)
    space = HermiteSpace(args.degree, tref, args.l_max)
    check_grid(args)
    t0 = time.perf_counter()
    op = CollisionOperator(space, bkw.kernel)  # refuses a tensor beyond its memory budget
    setup = time.perf_counter() - t0
    check_repeat(args, space, bkw.kernel.is_even)
    a = bkw.coefficients(space, t)
    q = op.collision(a, a)
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        op.collision(a, a)
    per_eval = (time.perf_counter() - t0) / args.repeat
    grid = standard_grid(args.grid, float(args.box))
    payload = {
        "t": t,
        "A0": float(args.A0),
        "kernel": bkw.kernel.name,
        "rate": bkw.rate,
        "K_t": bkw.K(t),
        "truncation": space.describe(),
        "q_max_error": float(np.max(np.abs(space.density(q, grid) - bkw.density_dt(grid, t)))),
        "f_max_error": float(np.max(np.abs(space.density(a, grid) - bkw.density(grid, t)))),
        "coefficient_error": float(np.max(np.abs(q - bkw.coefficients_dt(space, t)))),
        "truncation_estimate": space.truncation_estimate(a),
        "exact_representation": exact_representation(space, bkw.K(t)),
        "exact_representation_definition": "true when T_ref = K(t) (to 4 ulp) and degree >= 4: "
        "then f = M_K (quadratic) and df/dt = M_K (quartic) lie in the space, so q_max_error "
        "and f_max_error are rounding by construction; compare T_ref = 1 runs for accuracy",
        "seconds_per_evaluation": per_eval,
        "setup_seconds": setup,
        "setup_seconds_first_build": op.setup_seconds,
        "nnz": op.nnz,
        "memory_bytes": op.memory_bytes,
        "grid": {"points_per_axis": args.grid, "half_width": float(args.box)},
    }
    if len(times) == 2:
        from scipy.integrate import solve_ivp

        rhs_total = estimate_evolution_evaluations(times[1] - t)
        check_budget(f"bkw --t-end {short(args.t_end)} (about {rhs_total:.3g} DOP853 "
                     f"evaluations)", seconds=rhs_total * estimate_apply_seconds(
                         space.degree, space.l_max, bkw.kernel.is_even),
                     hint="the BKW solution is Maxwellian to rounding after ~250/rate")
        count = [0]

        def rhs(_s: float, y: np.ndarray) -> np.ndarray:
            count[0] += 1
            bar(count[0], int(rhs_total))
            return op.collision(y, y)

        with Progress(int(rhs_total), "bkw: DOP853", enabled=not args.json) as bar:
            sol = solve_ivp(rhs, (t, times[1]), a, method="DOP853", rtol=1e-13, atol=1e-15)
        if not sol.success:  # pragma: no cover - DOP853 on a smooth quadratic ODE
            raise ConvergenceError(
                f"solve_ivp (DOP853) failed between t = {t:g} and {times[1]:g}: {sol.message}")
        a1 = sol.y[:, -1]
        payload["evolution"] = {
            "t_end": times[1],
            "integrator": "scipy DOP853, rtol 1e-13, atol 1e-15",
            "rhs_evaluations": int(sol.nfev),
            "f_max_error": float(np.max(np.abs(space.density(a1, grid)
                                               - bkw.density(grid, times[1])))),
            "coefficient_error": float(np.max(np.abs(a1 - bkw.coefficients(space, times[1])))),
        }
    return payload
